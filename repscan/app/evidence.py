"""`repscan evidence`: a client's evidence record, each page copy's hash checked against its file."""

from __future__ import annotations

import sys
from pathlib import Path

from repscan.core.store import Store
from repscan.core.store.evidence import check_copy


def parse_item(text: str) -> tuple[str, str]:
    """SOURCE:ID (the first colon splits: a search result's id is its URL) as (source, source_id)."""
    source, colon, source_id = text.partition(":")
    if not (colon and source and source_id):
        raise ValueError(f"--item {text!r}: expected SOURCE:ID, e.g. trustpilot:abc123")
    return source, source_id


def show(database: Path, reports_dir: Path, client_id: str, item: tuple[str, str] | None = None,
         busy_timeout: float = 30.0, out=None) -> bool:
    """Print one line a row (item, first seen, fetched, status, sha256, path, verdict); True when every copy is
    there and unaltered, and something was recorded. A row that kept no copy (an item ingested from a feed without
    its page) says so and why, and is no failure; but an --item with no copy at all is."""
    store = Store(database, busy_timeout=busy_timeout)
    try:
        rows = store.evidence(client_id, *(item or (None, None)))
    finally:
        store.close()
    if not rows:
        asked = f" for {item[0]}:{item[1]}" if item else ""
        print(f"repscan evidence: nothing recorded for client {client_id}{asked}", file=sys.stderr)
        return item is None
    good, out = True, out or sys.stdout
    for row in rows:
        if row["path"] is None:
            verdict, path = "NO COPY: " + (row["note"] or "not recorded").removeprefix("no copy: "), "-"
        else:
            problem = check_copy(reports_dir, row)
            good = good and problem is None
            verdict, path = problem.upper() if problem else "verified", str(Path(reports_dir) / row["path"])
        print("\t".join((f"{row['source']}:{row['source_id']}", f"first seen {row['first_seen_at'] or '?'}",
                         f"fetched {row['fetched_at'] or '-'}", f"HTTP {row['status'] or '-'}",
                         f"sha256 {row['sha256'] or '-'}", path, verdict)), file=out)
    if item and all(row["path"] is None for row in rows):
        print(f"repscan evidence: no copy of {item[0]}:{item[1]} is kept: {rows[-1]['note']}", file=sys.stderr)
        return False
    return good
