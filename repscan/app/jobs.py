"""`repscan run`: under one lock, crawl what is due, send due alerts and reports, and summarise."""

from __future__ import annotations

import fcntl
import os
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from repscan.core.config import Config
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.schedule import due
from repscan.core.store import Store
from repscan.core.store.crawls import FAILED


STUCK_AFTER = timedelta(hours=3)  # a run holding the lock longer is stuck (far past a healthy run): the next fails


class Busy(Exception):
    """Another `repscan run` holds the lock: `holder` as it wrote itself ("pid 123 since <ISO time>"), `since` parsed
    from it (None when unreadable)."""

    def __init__(self, message: str, holder: str = "unknown"):
        super().__init__(message)
        self.holder = holder
        found = re.search(r"since (\S+)", holder)
        try:
            self.since = parse_iso(found.group(1)) if found else None
        except ValueError:
            self.since = None

    def stuck(self, now: datetime | None = None) -> bool:
        """The holder has held the lock longer than STUCK_AFTER."""
        return self.since is not None and (now or utcnow()) - self.since > STUCK_AFTER


@dataclass
class Outcome:
    client_id: str
    job: str
    status: str  # ok, failed, skipped, warning (worth reading, nothing lost: not a failed run)
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@contextmanager
def run_lock(database: Path, wait: float = 10.0):
    """An exclusive lock next to the database; waits up to `wait` seconds, then raises Busy naming the holder."""
    path = database.with_name(database.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise Busy(f"another repscan run holds {path} ({holder}); exiting", holder) from None
            time.sleep(0.2)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {stamp()}")
    handle.flush()
    try:
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def run_due(config: Config, *, now: datetime | None = None, log_level: str = "WARNING") -> list[Outcome]:
    """Everything due at `now`; one failing client or source never stops the others."""
    from repscan.spiders.run import jobs_for, run

    now = now or utcnow()
    store = Store(config.database)
    try:
        due_crawls = _due(store, config, "crawl", now)
        due_reports = _due(store, config, "report", now, record=True)
    finally:
        store.close()
    outcomes: list[Outcome] = []

    jobs = [job for d in due_crawls for job in jobs_for(config, d.client_id)]
    crawl = run
    notes: list[tuple[str, str]] = []  # (failed or warning, what): a node marked bad, unreachable, refusing
    if config.nodes:  # source crawls go to the Scrapyd nodes; one a dead node lost runs again now
        from functools import partial

        from repscan.app import nodes

        jobs, crawl = nodes.lost_jobs(config, jobs), partial(nodes.run, notes=notes)
    if jobs:
        try:
            rows = crawl(config, jobs, log_level=log_level)
        except Exception as exc:  # the crawl process itself broke: every due crawl failed
            rows = []
            outcomes += [Outcome(d.client_id, "crawl", "failed", f"{type(exc).__name__}: {exc}") for d in due_crawls]
        for row in rows:
            bad = row["status"] in FAILED
            outcomes.append(Outcome(row["client_id"], f"crawl {row['source']}", "failed" if bad else "ok",
                                    f"{row['status']}, {row['items']} items, {row['new_items']} new"
                                    + (f": {row['error']}" if row["error"] else "")))
        outcomes += [Outcome("(nodes)", "nodes", status, note) for status, note in notes]
    _mark(config, due_crawls, outcomes)
    outcomes += _stage("alerts", config.clients, lambda: _alerts(config, now))
    outcomes += _stage("report", [config.client(d.client_id) for d in due_reports],
                       lambda: send_due_reports(config, due_reports))
    return outcomes


def _stage(job: str, clients, work) -> list[Outcome]:
    """A stage of the run; if it breaks as a whole, a failed line per client it was for (never a traceback)."""
    try:
        return work()
    except Exception as exc:
        return [Outcome(client.id, job, "failed", f"{type(exc).__name__}: {exc}") for client in clients]


def send_due_reports(config: Config, due_reports, *, progress: bool = False, dry_run: bool = False,
                     outbox=None) -> list[Outcome]:
    """Send each due report, its slot marked done in the transaction that records it sent, so a killed batch
    resumes where it stopped and never emails a client twice."""
    from repscan.reports.deliver import send_reports

    slots = {d.client_id: d for d in due_reports}
    outcomes: list[Outcome] = []

    def done(client_id, result):
        outcomes.append(Outcome(client_id, "report", "failed" if result.failed else "ok",
                                result.detail if result.failed else f"{result.new_reviews} new, {result.status} {result.detail}"))
    if slots:
        send_reports(config, [config.client(c) for c in slots], progress=progress, dry_run=dry_run, outbox=outbox,
                     on_done=done, slots={c: stamp(d.slot) for c, d in slots.items()})
    return outcomes


def due_reports(config: Config, now: datetime | None = None, *, record: bool = True):
    """The reports due at `now`; a client seen for the first time has its latest slot recorded (unless not
    `record`) and is due at its next one."""
    store = Store(config.database)
    try:
        return _due(store, config, "report", now or utcnow(), record=record)
    finally:
        store.close()


def _alerts(config: Config, now: datetime) -> list[Outcome]:
    """New complaints alert at once (or when quiet hours end); an undelivered alert stays pending."""
    from repscan.reports import alerts, mail

    try:
        smtp = mail.smtp_settings_from_env()
    except mail.MailConfigError:
        smtp = None
    store = Store(config.database)
    results: list = []
    try:
        alerts.collect(config, store, now, failures=results)
        results += alerts.deliver(config, store, now, smtp)
    finally:
        store.close()
    return [Outcome(r.client_id, "alerts", "failed" if r.error else "warning" if r.warning else "ok",
                    f"{r.sent} sent" + (f": {r.error or r.warning}" if r.error or r.warning else "")) for r in results]


def _due(store: Store, config: Config, job: str, now: datetime, *, record: bool = False):
    found = []
    for client in config.crawled() if job == "crawl" else config.clients:  # competitors crawl, never report
        expression = client.crawl_schedule if job == "crawl" else client.report_schedule
        if job == "crawl" and not (client.sources or client.queries):
            continue
        d = due(client.id, job, expression, client.timezone, parse_iso(store.last_done(client.id, job)), now)
        if d and d.first:
            if record:  # the first sighting: the job waits for its next slot
                store.mark_done(client.id, job, stamp(d.slot), "first seen")
        elif d:
            found.append(d)
    return found


def _mark(config: Config, done, outcomes: list[Outcome]) -> None:
    """Record the slot as handled (even when it failed: the next slot retries, a failure is not re-run in a loop)."""
    store = Store(config.database)
    try:
        for d in done:
            failed = any(o.failed for o in outcomes if o.client_id == d.client_id and o.job.startswith(d.job))
            store.mark_done(d.client_id, d.job, stamp(d.slot), "failed" if failed else "ok")
    finally:
        store.close()


def print_summary(outcomes: list[Outcome], out=sys.stdout) -> None:
    if not outcomes:
        out.write("nothing due\n")
        return
    out.write(f"{'client':<16} {'job':<20} {'status':<8} detail\n")
    for o in outcomes:
        out.write(f"{o.client_id:<16} {o.job:<20} {o.status:<8} {o.detail}\n")
