"""`python -m repscan` is the `repscan` command."""

import sys

from repscan.cli import main

sys.exit(main())
