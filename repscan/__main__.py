"""`python -m repscan` is the `repscan` command."""

import sys

from repscan.app.cli import main

sys.exit(main())
