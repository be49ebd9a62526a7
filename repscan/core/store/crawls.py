"""The crawls table: one row per crawl of a source, with its health."""

from __future__ import annotations

from repscan.core.secrets import redact, redact_text
from repscan.core.store.connection import Connection, now

# A crawl's status: running, then ok or empty (read without trouble), or one of the failures: blocked (a captcha,
# consent or login wall), broken (a page whose layout we no longer read, or of the wrong kind), error (the rest).
CLEAN = ("ok", "empty")
FAILED = ("blocked", "broken", "error")
STATUSES = ("running", *CLEAN, *FAILED)


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

    def latest_crawls(self, client_id: str) -> dict[tuple[str, str], list[dict]]:
        """The last crawls per (source, url), newest first, for health checks."""
        rows = self._db.query("SELECT * FROM crawls WHERE client_id = ? AND status != 'running' ORDER BY id DESC",
                              [client_id])
        out: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            history = out.setdefault((row["source"], row["url"]), [])
            if len(history) < 10:
                history.append(row)
        return out
