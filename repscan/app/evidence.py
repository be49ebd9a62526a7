"""`repscan evidence`: a client's evidence record, each page copy's hash checked, and copies written out on request."""

from __future__ import annotations

import sys
from pathlib import Path

from repscan.core.store import Store


def parse_item(text: str) -> tuple[str, str]:
    """SOURCE:ID (the first colon splits: a search result's id is its URL) as (source, source_id)."""
    source, colon, source_id = text.partition(":")
    if not (colon and source and source_id):
        raise ValueError(f"--item {text!r}: expected SOURCE:ID, e.g. trustpilot:abc123")
    return source, source_id


def show(database: Path, reports_dir: Path, client_id: str, item: tuple[str, str] | None = None,
         busy_timeout: float = 30.0, out=None, out_dir: Path | None = None) -> bool:
    """Print one line a row (item, first seen, fetched, status, sha256, where the copy is, verdict); True when every
    copy is there and unaltered, and something was recorded. With out_dir, each verified copy's page is written
    there as <sha256>.html (the bytes that verified, nothing else), and that is where the line says it is. A row
    that kept no copy (an item ingested from a feed without its page) says so and why, and is no failure; but an
    --item with no copy at all is. OutFolderError when out_dir cannot be a folder."""
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutFolderError(f"--out {out_dir}: {exc.strerror or exc}") from None
    store = Store(database, busy_timeout=busy_timeout)
    try:
        rows = store.evidence(client_id, *(item or (None, None)))
        if not rows:
            asked = f" for {item[0]}:{item[1]}" if item else ""
            print(f"repscan evidence: nothing recorded for client {client_id}{asked}", file=sys.stderr)
            return item is None
        good, out, checked = True, out or sys.stdout, {}
        for row in rows:
            if row["sha256"] is None:
                verdict, where = "NO COPY: " + (row["note"] or "not recorded").removeprefix("no copy: "), "-"
            else:
                written = out_dir / f"{row['sha256']}.html" if out_dir is not None else None
                copy = (row["path"], row["sha256"])  # a page many rows name is checked (and written) once
                if copy not in checked:
                    checked[copy] = store.check_copy(reports_dir, row, out=written)
                problem = checked[copy]
                good = good and problem is None
                verdict = problem.upper() if problem else "verified"
                where = str(Path(reports_dir) / row["path"]) if row["path"] else "in the store"
                if written is not None and problem is None:
                    where = str(written)
            print("\t".join((f"{row['source']}:{row['source_id']}", f"first seen {row['first_seen_at'] or '?'}",
                             f"fetched {row['fetched_at'] or '-'}", f"HTTP {row['status'] or '-'}",
                             f"sha256 {row['sha256'] or '-'}", where, verdict)), file=out)
    finally:
        store.close()
    if item and all(row["sha256"] is None for row in rows):
        print(f"repscan evidence: no copy of {item[0]}:{item[1]} is kept: {rows[-1]['note']}", file=sys.stderr)
        return False
    return good


class OutFolderError(Exception):
    """`--out DIR` names something that cannot be a folder (a file, a folder not writable)."""
