"""Write a repscan.toml from Python values: the one config writer of the demo, the benchmarks and the tests.

    write_config(folder / "repscan.toml", agency={"name": "Agency", "sender": "reports@agency.example"},
                 crawl={"download_delay": 0}, clients=[{"id": "acme", ..., "sources": [{"site": ..., "url": ...}]}])

Sections come out in the order given, a table's plain keys before its sub-tables ([agency.branding],
[search.base_urls]) and arrays of tables ([[clients]], [[clients.sources]], [[nodes]]), one blank
line between tables. Nothing is written for a section left as None.
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"TOML has no {value!r} here")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as a TOML value")


def _is_tables(value) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(name: str, table: dict, header: str) -> list[str]:
    """The blocks of one table: its header and plain keys, then its sub-tables and arrays of tables."""
    lines = [header] + [f"{key} = {_value(value)}" for key, value in table.items()
                        if value is not None and not isinstance(value, dict) and not _is_tables(value)]
    blocks = ["\n".join(lines)]
    for key, value in table.items():
        if isinstance(value, dict):
            blocks += _table(f"{name}.{key}", value, f"[{name}.{key}]")
        elif _is_tables(value):
            for entry in value:
                blocks += _table(f"{name}.{key}", entry, f"[[{name}.{key}]]")
    return blocks


def config_text(*, agency: dict, storage: dict | None = None, crawl: dict | None = None,
                search: dict | None = None, dispatch: dict | None = None, nodes=(), clients=(),
                comment: str | None = None, **sections) -> str:
    """The TOML text of a config: [agency], [storage], [crawl], [search], [dispatch], [[nodes]], [[clients]]
    (each client's `sources` as [[clients.sources]]), then any other sections given."""
    blocks = [f"# {comment}"] if comment else []
    ordered = {"agency": agency, "storage": storage, "crawl": crawl, "search": search, "dispatch": dispatch,
               **sections, "nodes": list(nodes), "clients": list(clients)}
    for name, value in ordered.items():
        if isinstance(value, dict):
            blocks += _table(name, value, f"[{name}]")
        elif value:
            for entry in value:
                blocks += _table(name, entry, f"[[{name}]]")
    text = "\n\n".join(blocks) + "\n"
    return text.replace(f"# {comment}\n\n", f"# {comment}\n", 1) if comment else text


def write_config(path: Path, **sections) -> Path:
    """Write config_text(**sections) to `path` (a folder: its repscan.toml); returns the file's path."""
    path = Path(path)
    if path.is_dir():
        path = path / "repscan.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_text(**sections), encoding="utf-8")
    return path
