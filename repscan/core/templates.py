"""Where the project's templates live: inside the package when installed, else the checkout's top level."""

from __future__ import annotations

from pathlib import Path

import repscan


def templates_dir() -> Path:
    """The templates folder (report, emails, replies/)."""
    package = Path(repscan.__file__).parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"
