"""Job bookkeeping: Scrapyd node jobs and their feeds (node_jobs), and the scheduler's last slots (schedule_state)."""

from __future__ import annotations

from repscan.core.store.connection import Connection, now

NOT_RUN = "not run"  # node_jobs.status of a source no node was there to take: read at the next run, no crawls row


class Jobs(Connection):
    # -- Scrapyd jobs and their feeds ----------------------------------------

    def node_job(self, job_id: str) -> dict | None:
        return self._one("SELECT * FROM node_jobs WHERE job_id = ?", [job_id])

    def add_node_job(self, row: dict) -> None:
        with self.transaction():
            self._db["node_jobs"].insert({"lines": 0, "items": 0, "new_items": 0, "complete": 0, **row}, pk="job_id")

    def update_node_job(self, job_id: str, **fields) -> None:
        with self.transaction():
            self._db["node_jobs"].update(job_id, fields)

    def node_jobs(self, *statuses: str) -> list[dict]:
        where = f"WHERE status IN ({', '.join('?' for _ in statuses)})" if statuses else ""
        return self.query(f"SELECT * FROM node_jobs {where} ORDER BY scheduled_at, job_id", list(statuses))

    def lost_node_jobs(self) -> list[dict]:
        """Jobs whose node died or lost them, or that no node was there to take ('not run', without a crawl), with
        no crawl of that source since: to be run again."""
        same = "c.client_id = j.client_id AND c.source = j.source AND c.url = j.url"
        return self.query(
            f"SELECT * FROM node_jobs j WHERE (j.status = 'failed' AND NOT EXISTS (SELECT 1 FROM crawls c"
            f" WHERE {same} AND c.id > j.crawl_id)) OR (j.status = ? AND NOT EXISTS (SELECT 1 FROM crawls c"
            f" WHERE {same} AND c.started_at >= j.scheduled_at)) ORDER BY j.scheduled_at", [NOT_RUN])

    # -- schedule -----------------------------------------------------------

    def last_done(self, client_id: str, job: str) -> str | None:
        row = self._one("SELECT last_slot FROM schedule_state WHERE client_id = ? AND job = ?", [client_id, job])
        return row["last_slot"] if row else None

    def last_status(self, client_id: str, job: str) -> str | None:
        row = self._one("SELECT last_status FROM schedule_state WHERE client_id = ? AND job = ?", [client_id, job])
        return row["last_status"] if row else None

    def mark_done(self, client_id: str, job: str, slot: str, status: str) -> None:
        with self.transaction():
            self._db["schedule_state"].upsert(
                {"client_id": client_id, "job": job, "last_slot": slot, "last_run_at": now(), "last_status": status},
                pk=("client_id", "job"))
