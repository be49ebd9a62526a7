"""`repscan browse`: the database in Datasette (an optional extra), with canned queries for daily work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from repscan.core.processes import die_with_parent
from repscan.core.store import Store, canned_queries


class MissingDatasette(Exception):
    """Datasette is the optional `browse` extra."""


def metadata(database: Path, thresholds: dict[str, float] | None = None, locations: dict | None = None,
             searches: dict | None = None) -> dict:
    """Datasette's metadata: the canned queries, judging negatives at each client's threshold, each review with its
    chain location (store.queries.source_locations)."""
    return {
        "title": "repscan",
        "description": "Reviews, posts, search results, crawls and reports. Canned queries take an optional client_id;"
                       " the review queries an optional location (a chain's location name).",
        "databases": {database.stem: {"queries": canned_queries(thresholds, locations, searches),
                                      # the evidence copies: zstd bytes, read through `repscan evidence --out`
                                      "tables": {"evidence_pages": {"hidden": True}}}},
    }


def datasette_command(database: Path, metadata_path: Path, *, port: int, open_browser: bool,
                      get: str | None = None, plugins: Path | None = None) -> list[str]:
    exe = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which("datasette")
    if exe is None:
        raise MissingDatasette("Datasette is not installed: pip install 'repscan[browse]'")
    command = [exe, "serve", str(database), "--metadata", str(metadata_path), "--port", str(port),
               "--setting", "sql_time_limit_ms", "5000"]
    if plugins:
        command += ["--plugins-dir", str(plugins)]
    if get:
        command += ["--get", get]
    elif open_browser:
        command.append("--open")
    return command


def browse(database: Path, *, thresholds: dict[str, float] | None = None, locations: dict | None = None,
           searches: dict | None = None, port: int = 8001, open_browser: bool = True, get: str | None = None) -> int:
    Store(database).close()  # create or upgrade the schema first, so every canned query has its tables
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(database, thresholds, locations, searches), indent=2), encoding="utf-8")
        plugins = Path(folder) / "plugins"
        plugins.mkdir()
        shutil.copy(Path(__file__).with_name("datasette_hosts.py"), plugins)
        command = datasette_command(database, meta, port=port, open_browser=open_browser, get=get, plugins=plugins)
        parent = os.getpid()
        return subprocess.call(command, preexec_fn=lambda: die_with_parent(parent))
