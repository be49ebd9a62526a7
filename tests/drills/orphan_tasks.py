"""Work for the orphan drill's render pool: note the worker's pid, then take a long time."""

import os
import time
from pathlib import Path


def linger(folder: str) -> None:
    Path(folder, f"{os.getpid()}.pid").write_text("")
    time.sleep(120)
