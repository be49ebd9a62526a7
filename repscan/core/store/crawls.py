"""The crawls table: one row per crawl of a source, with its health."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from repscan.core import rules, sites
from repscan.core.items import parse_iso
from repscan.core.secrets import redact, redact_text
from repscan.core.store.connection import BATCH_IN, Connection, now

# A crawl's status: running, then ok or empty (read without trouble), or one of the failures: blocked (a captcha,
# consent or login wall), broken (a page whose layout we no longer read, or of the wrong kind), error (the rest).
CLEAN = ("ok", "empty")
FAILED = ("blocked", "broken", "error")
FINISHED = (*CLEAN, *FAILED)
STATUSES = ("running", *FINISHED)
FELL_SILENT = "used to yield items, now yields none: the page layout may have changed"
UNREAD = "not read: "  # opens each part of a crawl's error naming a page it could not read (a clean crawl's only one)
UNREAD_REPLIES = "replies: "  # follows UNREAD for a page whose reviews were read but not their replies
# Follow UNREAD for a page whose reviews were read but mostly without a field their site always gives (sites.toml
# `gives`), or without the business summary its pages show.
UNREAD_FIELDS = {"rating": "ratings: ", "date": "dates: ", "text": "text: "}
UNREAD_SUMMARY = "business summary: "
_UNREAD_KINDS = {UNREAD_REPLIES: "replies", **{mark: name for name, mark in UNREAD_FIELDS.items()},
                 UNREAD_SUMMARY: "summary"}


def replies_read_sql(crawl: str) -> str:
    """SQL: the crawl row `crawl` (an alias) read its pages' replies: it ended clean and its error names no page read
    without them (UNREAD_REPLIES). Only such a read can tell that a site shows no reply (rules.reply_not_shown)."""
    return f"({crawl}.status IN {CLEAN!r} AND NOT {_names_replies_unread(crawl)})"


def replies_unread_sql(crawl: str) -> str:
    """SQL: the crawl row `crawl` ended clean but read some page's reviews without their replies (UNREAD_REPLIES): a
    review it saw with no reply may have one all the same."""
    return f"({crawl}.status IN {CLEAN!r} AND {_names_replies_unread(crawl)})"


def _names_replies_unread(crawl: str) -> str:
    return f"COALESCE(instr({crawl}.error, '{UNREAD}{UNREAD_REPLIES}') > 0, 0)"


def unread(error: str | None) -> str | None:
    """What a clean crawl's error says it could not read first: "replies" (reviews read without the business's
    replies), "rating", "date", "text" (reviews mostly without a field their site gives), "summary" (no business
    summary), "comments" (pages whose comments are drawn by script), None when it names nothing unread."""
    kinds = unread_kinds(error)
    return kinds[0] if kinds else None


def unread_kinds(error: str | None) -> list[str]:
    """Every kind unread() tells, in the order the error names them, each once."""
    if not (error or "").startswith(UNREAD):
        return []
    found: list[str] = []
    for part in error.split(f"; {UNREAD}"):
        part = part.removeprefix(UNREAD)
        kind = next((name for mark, name in _UNREAD_KINDS.items() if part.startswith(mark)), "comments")
        if kind not in found:
            found.append(kind)
    return found


@dataclass(frozen=True)
class SourceState:
    """Where one source URL stands, judged over all its finished crawls."""

    last: dict         # the latest crawl
    status: str        # its status; "broken" too for an empty crawl after one that found items (FELL_SILENT);
                       # "stale" for a clean one too long ago (rules.stale), when asked at a time (client_states)
    error: str | None
    since: dict        # the first crawl of the current run of that status
    recovered_at: int  # id of the last clean crawl before it (0: none): a broken run's identity, alerted once


def _walk(rows):
    """(row, the state of its source URL after it) for each crawl, oldest first: the rule of source_states().
    A crawl recorded broken is broken, and so is an empty one once the source has found items (a silent zero);
    only a clean crawl (ok, or empty before it ever found any) ends a broken run, so a source broken, then
    blocked, then broken again is one run."""
    out: dict[tuple[str, str], SourceState] = {}
    found: set[tuple[str, str]] = set()
    for row in rows:
        key = (row["source"], row["url"])
        status = "broken" if row["status"] == "empty" and key in found and not may_go_quiet(row["source"]) \
            else row["status"]
        error = row["error"] or (FELL_SILENT if status == "broken" else None)
        before = out.get(key)
        since = before.since if before is not None and before.status == status else row
        recovered_at = before.recovered_at if before is not None else 0
        if before is not None and before.status in CLEAN:
            recovered_at = before.last["id"]
        out[key] = SourceState(row, status, error, since, recovered_at)
        if row["status"] == "ok" and row["items"]:
            found.add(key)
        yield row, out[key]


def may_go_quiet(source: str) -> bool:
    """Search engines, mention searches (X, Reddit) and feeds may rightly find nothing (a niche query, a quiet week):
    an empty crawl there is no silent zero, since their pages' own evidence (`expected`) already tells a layout we no
    longer read (broken) from a genuine "no results" page (empty, clean). The report says the latter of a search
    ("no results at the last check")."""
    try:
        site = sites.get(source)
    except sites.UnknownSite:
        return False
    return site.kind == "search" or site.mentions or site.key == "feed"


def source_states(rows) -> dict[tuple[str, str], SourceState]:
    """Each (source, url)'s state from its crawls, oldest first (see _walk)."""
    return {(row["source"], row["url"]): state for row, state in _walk(rows)}


def history_cutoffs(client_id: str | None = "?") -> str:
    """Two CTEs: history_ends, the end of each source URL's history import (rules.history): when its first clean
    (ok/empty) crawl ended; before any, when its first crawl ended, whatever its status (a crawl cut short by a 404
    or a block still imported history); while the first crawl runs, not yet (the far future: all history). Per URL,
    not per site: a second source on a site imports its own. And cutoffs (crawl_id, cutoff, previous_read, mention):
    for each crawl, that end for its source URL, when the last clean crawl of that URL before it started (a probe of
    idx_crawls_client_id_source_url_status per clean status) and whether its source searches other people's posts
    (may_go_quiet): rules.Cutoff, for the items it first found. `client_id` is an SQL expression for one client (used
    twice), None for every client. The report, the alerts and Datasette all read this."""
    where = (f" WHERE client_id = {client_id}", f" WHERE c.client_id = {client_id}") if client_id else ("", "")
    mentions = ", ".join(f"'{key}'" for key in sites.keys() if may_go_quiet(key))
    return ("history_ends AS (SELECT client_id, source, url, COALESCE(MIN(CASE WHEN status IN ('ok', 'empty')"
            " THEN finished_at END), MIN(finished_at), '9999-12-31T00:00:00Z') AS history_end"
            f" FROM crawls{where[0]} GROUP BY client_id, source, url), cutoffs AS (SELECT c.id AS crawl_id,"
            f" h.history_end AS cutoff, (SELECT r.started_at FROM crawls r WHERE r.id = {previous_clean_sql('c')})"
            f" AS previous_read, c.source IN ({mentions}) AS mention"
            " FROM crawls c JOIN history_ends h ON h.client_id = c.client_id"
            f" AND h.source = c.source AND h.url = c.url{where[1]})")


def previous_clean_sql(crawl: str) -> str:
    """The id of the last clean crawl of the source URL of `crawl` (a crawls alias) before it, NULL for none."""
    probes = " UNION ALL ".join(
        f"SELECT MAX(p.id) AS id FROM crawls p WHERE p.client_id = {crawl}.client_id AND p.source = {crawl}.source"
        f" AND p.url = {crawl}.url AND p.status = '{status}' AND p.id < {crawl}.id" for status in CLEAN)
    return f"(SELECT MAX(id) FROM ({probes}))"


HISTORY_CUTOFFS = history_cutoffs()  # for one client: two placeholders, its id twice


_KEY = "client_id = ? AND source = ? AND url = ?"
PRUNE_CHUNK = 10_000  # crawl rows deleted per transaction


def _extremes(db, extreme: str, key: tuple, statuses, op: str = "", bound: int = 0) -> list[dict]:
    """Per status, the newest (MAX) or oldest (MIN) crawl of a source URL, optionally `id op bound`:
    one probe of idx_crawls_client_id_source_url_status each, however long the history."""
    where = f"{_KEY} AND status = ?" + (f" AND id {op} ?" if op else "")
    probes = " UNION ALL ".join(f"SELECT {extreme}(id) AS id FROM crawls WHERE {where}" for _ in statuses)
    params = [value for status in statuses for value in (*key, status, *([bound] if op else []))]
    return list(db.query(f"SELECT * FROM crawls WHERE id IN ({probes}) ORDER BY id", params))


def _witnesses(db, key: tuple, until: str | None = None) -> list[dict]:
    """The few crawls of one source URL from which _walk reaches the state it reaches from all of them.

    A crawl's state depends on its status and on whether an ok crawl with items came before it (the first
    such, `found`). So, with `found`, the latest crawl of each status before the last include the last crawl
    of another state (the run's edge) and the last clean one (recovered_at); the run began at the first crawl
    after that edge. (An empty crawl before `found` is never either: the ok crawls after it come later.)
    With `until`, the crawls started by then (ids grow with start times; an index probe): the state a report for
    that period saw."""
    bound = db.execute("SELECT MAX(id) FROM crawls WHERE client_id = ? AND source = ? AND started_at <= ?",
                       [*key[:2], until]).fetchone()[0] if until else None
    if until and bound is None:
        return []
    [last] = _extremes(db, "MAX", key, FINISHED, *(("<=", bound) if until else ()))[-1:] or [None]
    if last is None:
        return []
    found = next(iter(db.query(f"SELECT * FROM crawls WHERE {_KEY} AND status = 'ok' AND items > 0 AND id <= ?"
                               " ORDER BY id LIMIT 1", [*key, last["id"]])), None)
    rows = {row["id"]: row for row in _extremes(db, "MAX", key, FINISHED, "<", last["id"])}
    if found is not None:
        rows[found["id"]] = found
    rows[last["id"]] = last
    walked = list(_walk(sorted(rows.values(), key=lambda row: row["id"])))
    status = walked[-1][1].status
    edge = max((row["id"] for row, state in walked if state.status != status), default=0)
    rows.update((row["id"], row) for row in _extremes(db, "MIN", key, FINISHED, ">", edge)[:1])
    return sorted(rows.values(), key=lambda row: row["id"])


def stale_state(state: SourceState, now: datetime, interval: timedelta | None) -> SourceState:
    """`state`, or "stale" when it is clean but its last crawl ended too long before `now` (rules.stale): the
    source is no longer read, whatever its last crawl said; `since` is that crawl, when it was last read."""
    last = state.last
    ended = parse_iso(last["finished_at"] or last["started_at"])
    if state.status not in CLEAN or ended is None or not rules.stale(ended, now, interval):
        return state
    return replace(state, status="stale", since=last,
                   error=f"no clean crawl since {last['finished_at'] or last['started_at']}: the crawls stopped")


def client_states(db, client_id: str, until: str | None = None, now: datetime | None = None,
                  interval: timedelta | None = None) -> dict[tuple[str, str], SourceState]:
    """source_states() of a client's finished crawls in the database `db` (those finished by `until`, if given),
    from a handful of indexed reads per source URL (_witnesses), not its whole history; with `now`, a clean state
    read too long ago is stale (stale_state; `interval` is the client's crawl schedule's, None when unknown)."""
    out: dict[tuple[str, str], SourceState] = {}
    after = ("", "")
    while True:  # each (source, url) once, by the index (a skip scan)
        row = next(iter(db.query("SELECT source, url FROM crawls WHERE client_id = ? AND (source, url) > (?, ?)"
                                 " ORDER BY source, url LIMIT 1", [client_id, *after])), None)
        if row is None:
            return out if now is None else {key: stale_state(state, now, interval) for key, state in out.items()}
        after = (row["source"], row["url"])
        out.update(source_states(_witnesses(db, (client_id, *after), until)))


class Crawls(Connection):
    def start_crawl(self, client_id: str, source: str, spider: str, url: str, started_at: str | None = None,
                    watched: int = 0) -> int:
        """A running crawl's row; `watched`: how many reviews waiting for a reply it reads on to (rules.watched)."""
        row = {"client_id": client_id, "source": source, "spider": spider, "url": redact(url),
               "started_at": started_at or now(), "status": "running", "items": 0, "new_items": 0, "requests": 0,
               "pages": 0, "full": 0, "watched": watched}
        with self.transaction():
            return self._db.execute(f"INSERT INTO crawls ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                    list(row.values())).lastrowid

    def finish_crawl(self, crawl_id: int, *, status: str, items: int, new_items: int, requests: int,
                     pages: int, full: bool, error: str | None, finished_at: str | None = None) -> None:
        fields = {"finished_at": finished_at or now(), "status": status, "items": items, "new_items": new_items,
                  "requests": requests, "pages": pages, "full": int(full), "error": redact_text(error)}
        with self.transaction():
            if not self._db.execute(f"UPDATE crawls SET {', '.join(f'{name} = ?' for name in fields)} WHERE id = ?",
                                    [*fields.values(), crawl_id]).rowcount:
                raise LookupError(f"no crawl {crawl_id} to finish")

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
        rows = _extremes(self._db, "MAX", (client_id, source, redact(url)), STATUSES)
        return not rows or rows[-1]["status"] in CLEAN

    def last_watch(self, client_id: str, source: str, url: str) -> str | None:
        """When the last crawl of this source URL that read on to its reviews waiting for a reply started
        (rules.watch_due)."""
        return self._db.execute("SELECT MAX(started_at) FROM crawls WHERE client_id = ? AND source = ? AND url = ?"
                                " AND watched > 0", [client_id, source, redact(url)]).fetchone()[0]

    def last_crawl_id(self) -> int:
        """The newest crawl's id (0: none yet): a run's crawls are those after it (crawls_after)."""
        return self._db.execute("SELECT COALESCE(MAX(id), 0) FROM crawls").fetchone()[0]

    def crawls_after(self, crawl_id: int) -> list[dict]:
        """The crawls started after `crawl_id`, oldest first (a rowid range: no older row is read)."""
        return self.query("SELECT * FROM crawls WHERE id > ? ORDER BY id", [crawl_id])

    def crawls_by_id(self, ids) -> list[dict]:
        """These crawls, oldest first."""
        ids = sorted({crawl_id for crawl_id in ids if crawl_id is not None})
        chunks = [ids[start:start + BATCH_IN] for start in range(0, len(ids), BATCH_IN)]
        return [row for chunk in chunks for row in self.query(
            f"SELECT * FROM crawls WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk)]

    def crawls(self, client_id: str | None = None) -> list[dict]:
        """Every crawl (of a client), oldest first: the whole history, for tests and checks; runs read by id."""
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return self.query(f"SELECT * FROM crawls {where} ORDER BY id", params)

    def source_states(self, client_id: str, until: str | None = None, now: datetime | None = None,
                      interval: timedelta | None = None) -> dict[tuple[str, str], SourceState]:
        """Every source URL's state (see source_states), for the report's health table and the alerts; with
        `until`, as of the crawls finished by then; with `now`, stale where its last clean crawl is too old."""
        return client_states(self._db, client_id, until, now, interval)

    def prune_crawls(self, finished_before: str, *, dry_run: bool = False, chunk: int = PRUNE_CHUNK) -> int:
        """Delete finished crawls that ended before `finished_before`, but never one a rule reads (_needed);
        return how many went (or would go, with dry_run). A chunk at a time, each its own transaction, so a
        crawl writing meanwhile waits for one chunk at most."""
        needed = _needed(self._db)  # a crawl finishing meanwhile only makes older ones less needed (tests)
        self._db.execute("DROP TABLE IF EXISTS temp.prune_keep")
        self._db.execute("CREATE TEMP TABLE prune_keep (id INTEGER PRIMARY KEY)")
        with self.transaction():
            self._db.conn.executemany("INSERT INTO temp.prune_keep VALUES (?)", ((crawl_id,) for crawl_id in needed))
        doomed = ("SELECT id FROM crawls WHERE status != 'running' AND finished_at < ?"
                  " AND id NOT IN (SELECT id FROM temp.prune_keep)")
        try:
            if dry_run:
                return self._db.execute(f"SELECT COUNT(*) FROM ({doomed})", [finished_before]).fetchone()[0]
            removed = 0
            while True:
                with self.transaction():
                    count = self._db.execute(f"DELETE FROM crawls WHERE id IN ({doomed} LIMIT ?)",
                                             [finished_before, chunk]).rowcount
                removed += count
                if count < chunk:
                    return removed
        finally:
            self._db.execute("DROP TABLE temp.prune_keep")


def _needed(db) -> set[int]:
    """The crawls the rules read, however old: per source URL those that decide its state (_witnesses) and
    its history cut-off (the first by start, the first and the first clean to finish: history_cutoffs,
    Summaries.first_crawls), every crawl that first found a stored item (its cut-off is looked up by it) and the last
    clean crawl before it (its previous read: rules.Cutoff), and every crawl that stored a site summary (its source
    URL says whether the config still names that page)."""
    ids: set[int] = set()
    for key in db.execute("SELECT DISTINCT client_id, source, url FROM crawls").fetchall():
        ids.update(row["id"] for row in _witnesses(db, key))
    for firsts in ("SELECT id, MIN(started_at) FROM crawls GROUP BY client_id, source, url",
                   "SELECT id, MIN(finished_at) FROM crawls WHERE finished_at IS NOT NULL GROUP BY client_id, source, url",
                   f"SELECT id, MIN(finished_at) FROM crawls WHERE status IN {CLEAN!r} GROUP BY client_id, source, url",
                   "SELECT DISTINCT first_crawl_id FROM reviews UNION SELECT DISTINCT first_crawl_id FROM posts",
                   f"SELECT {previous_clean_sql('c')} FROM crawls c WHERE c.id IN"  # their previous reads
                   " (SELECT first_crawl_id FROM reviews UNION SELECT first_crawl_id FROM posts)",
                   "SELECT DISTINCT crawl_id FROM businesses"):  # which source's page a summary is (summaries.named)
        ids.update(row[0] for row in db.execute(firsts) if row[0] is not None)  # SQLite: MIN's row gives the id
    return ids
