"""The crawls table: one row per crawl of a source, with its health."""

from __future__ import annotations

from dataclasses import dataclass

from repscan.core.secrets import redact, redact_text
from repscan.core.store.connection import Connection, now

# A crawl's status: running, then ok or empty (read without trouble), or one of the failures: blocked (a captcha,
# consent or login wall), broken (a page whose layout we no longer read, or of the wrong kind), error (the rest).
CLEAN = ("ok", "empty")
FAILED = ("blocked", "broken", "error")
STATUSES = ("running", *CLEAN, *FAILED)
FELL_SILENT = "used to yield items, now yields none: the page layout may have changed"


@dataclass(frozen=True)
class SourceState:
    """Where one source URL stands, judged over all its finished crawls."""

    last: dict         # the latest crawl
    status: str        # its status; "broken" too for an empty crawl after one that found items (FELL_SILENT)
    error: str | None
    since: dict        # the first crawl of the current run of that status
    recovered_at: int  # id of the last clean crawl before it (0: none): a broken run's identity, alerted once


def source_states(rows) -> dict[tuple[str, str], SourceState]:
    """Each (source, url)'s state from its crawls, oldest first. A crawl recorded broken is broken, and so is an
    empty one once the source has found items (a silent zero); only a clean crawl (ok, or empty before it ever
    found any) ends a broken run, so a source broken, then blocked, then broken again is one run."""
    out: dict[tuple[str, str], SourceState] = {}
    found: set[tuple[str, str]] = set()
    for row in rows:
        key = (row["source"], row["url"])
        status = "broken" if row["status"] == "empty" and key in found else row["status"]
        error = row["error"] or (FELL_SILENT if status == "broken" else None)
        before = out.get(key)
        since = before.since if before is not None and before.status == status else row
        recovered_at = before.recovered_at if before is not None else 0
        if before is not None and before.status in CLEAN:
            recovered_at = before.last["id"]
        out[key] = SourceState(row, status, error, since, recovered_at)
        if row["status"] == "ok" and row["items"]:
            found.add(key)
    return out


def client_states(db, client_id: str) -> dict[tuple[str, str], SourceState]:
    """source_states() of a client's finished crawls in the database `db`."""
    return source_states(db.query("SELECT * FROM crawls WHERE client_id = ? AND status != 'running' ORDER BY id",
                                  [client_id]))


class Crawls(Connection):
    def start_crawl(self, client_id: str, source: str, spider: str, url: str, started_at: str | None = None) -> int:
        with self.transaction():
            table = self._db["crawls"]
            table.insert({
                "client_id": client_id, "source": source, "spider": spider, "url": redact(url),
                "started_at": started_at or now(), "status": "running", "items": 0,
                "new_items": 0, "requests": 0, "pages": 0, "full": 0,
            })
            return table.last_pk

    def finish_crawl(self, crawl_id: int, *, status: str, items: int, new_items: int, requests: int,
                     pages: int, full: bool, error: str | None, finished_at: str | None = None) -> None:
        with self.transaction():
            self._db["crawls"].update(crawl_id, {
                "finished_at": finished_at or now(), "status": status, "items": items, "new_items": new_items,
                "requests": requests, "pages": pages, "full": int(full), "error": redact_text(error),
            })

    def close_interrupted_crawls(self) -> int:
        """Crawls left 'running' by a process that died: record them as errors (the run lock ensures
        no other crawl of this database is live when a run starts)."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE crawls SET status = 'error', finished_at = ?, error = 'interrupted: the crawl process ended"
                " before recording its result' WHERE status = 'running'", [now()])
            return cursor.rowcount

    def last_crawl_clean(self, client_id: str, source: str, url: str) -> bool:
        """Whether the last crawl of this source ended ok or empty (then its incremental stop can be trusted)."""
        row = self._one("SELECT status FROM crawls WHERE client_id = ? AND source = ? AND url = ? ORDER BY id DESC LIMIT 1",
                        [client_id, source, redact(url)])
        return row is None or row["status"] in CLEAN

    def crawls(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return self.query(f"SELECT * FROM crawls {where} ORDER BY id", params)

    def source_states(self, client_id: str) -> dict[tuple[str, str], SourceState]:
        """Every source URL's state (see source_states), for the report's health table and the alerts."""
        return client_states(self._db, client_id)
