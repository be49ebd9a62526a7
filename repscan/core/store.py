"""The SQLite store: schema, migrations and every SQL statement repscan runs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database, Migrations

from repscan.core.items import stamp

REVIEW_VERSIONED = ("rating", "title", "text", "reply_text", "reply_at")
BATCH_IN = 500

# Canned queries for `repscan browse` (Datasette); :client_id is a form field there.
CANNED_QUERIES = {
    "new_negatives": {
        "title": "New negative reviews (last 7 days)",
        "sql": "SELECT client_id, source, rating, rating_max, author, title, text, url, published_at, negative_since,"
               " reply_text FROM reviews WHERE negative = 1 AND negative_since >= strftime('%Y-%m-%dT%H:%M:%f', 'now', '-7 days')"
               " AND (:client_id = '' OR client_id = :client_id) ORDER BY negative_since DESC",
    },
    "unanswered": {
        "title": "Negative reviews without an owner reply, oldest first",
        "sql": "SELECT client_id, source, rating, author, title, text, url, published_at FROM reviews"
               " WHERE negative = 1 AND reply_text IS NULL AND removed_at IS NULL"
               " AND (:client_id = '' OR client_id = :client_id) ORDER BY COALESCE(published_at, first_seen_at)",
    },
    "complaints_on_page_one": {
        "title": "Complaints on page one at the latest search crawl",
        "sql": "SELECT r.client_id, r.engine, r.query, r.rank, r.category, r.title, r.url, r.seen_at"
               " FROM search_results r JOIN (SELECT client_id, engine, query, MAX(crawl_id) AS crawl_id"
               " FROM search_results GROUP BY client_id, engine, query) latest"
               " ON r.client_id = latest.client_id AND r.engine = latest.engine AND r.query = latest.query"
               " AND r.crawl_id = latest.crawl_id WHERE r.rank <= 10"
               " AND (r.category = 'complaint' OR (r.negative = 1 AND r.category != 'own'))"
               " AND (:client_id = '' OR r.client_id = :client_id) ORDER BY r.client_id, r.engine, r.query, r.rank",
    },
    "source_health": {
        "title": "Last crawl of every source",
        "sql": "SELECT c.client_id, c.source, c.url, c.status, c.items, c.new_items, c.requests, c.finished_at, c.error"
               " FROM crawls c JOIN (SELECT MAX(id) AS id FROM crawls GROUP BY client_id, source, url) last ON c.id = last.id"
               " WHERE (:client_id = '' OR c.client_id = :client_id) ORDER BY c.client_id, c.source",
    },
}  # SQLite allows 999+ variables; stay well under it

migrations = Migrations("repscan")


@migrations()
def m001_initial(db: Database) -> None:
    db["reviews"].create(
        {
            "client_id": str, "source": str, "source_id": str, "url": str, "business_url": str,
            "author": str, "rating": float, "rating_max": float, "title": str, "text": str,
            "language": str, "published_at": str, "published_approx": int, "updated_at": str,
            "reply_text": str, "reply_at": str, "sentiment": float, "negative": int,
            "negative_since": str, "first_seen_at": str, "last_seen_at": str, "removed_at": str,
            "first_crawl_id": int, "last_crawl_id": int,
        },
        pk=("client_id", "source", "source_id"),
    )
    db["reviews"].create_index(["client_id", "first_seen_at"])
    db["reviews"].create_index(["client_id", "negative_since"])
    db["review_versions"].create(
        {
            "id": int, "client_id": str, "source": str, "source_id": str, "seen_at": str,
            "crawl_id": int, "changed": str, "rating": float, "title": str, "text": str,
            "reply_text": str, "reply_at": str,
        },
        pk="id",
    )
    db["review_versions"].create_index(["client_id", "source", "source_id"])
    db["posts"].create(
        {
            "client_id": str, "source": str, "source_id": str, "url": str, "parent_url": str,
            "author": str, "title": str, "text": str, "language": str, "published_at": str,
            "score": float, "comments_count": int, "sentiment": float, "negative": int,
            "negative_since": str, "first_seen_at": str, "last_seen_at": str,
            "first_crawl_id": int, "last_crawl_id": int,
        },
        pk=("client_id", "source", "source_id"),
    )
    db["posts"].create_index(["client_id", "first_seen_at"])
    db["search_results"].create(
        {
            "id": int, "client_id": str, "crawl_id": int, "engine": str, "query": str,
            "rank": int, "url": str, "displayed_url": str, "title": str, "snippet": str,
            "category": str, "sentiment": float, "negative": int, "seen_at": str,
        },
        pk="id",
    )
    db["search_results"].create_index(["client_id", "engine", "query", "seen_at"])
    db["businesses"].create(
        {
            "id": int, "client_id": str, "crawl_id": int, "source": str, "url": str,
            "name": str, "rating": float, "review_count": int, "seen_at": str,
        },
        pk="id",
    )
    db["crawls"].create(
        {
            "id": int, "client_id": str, "source": str, "spider": str, "url": str,
            "started_at": str, "finished_at": str, "status": str, "items": int,
            "new_items": int, "requests": int, "pages": int, "full": int, "error": str,
        },
        pk="id",
    )
    db["crawls"].create_index(["client_id", "source", "started_at"])
    db["reports"].create(
        {
            "id": int, "client_id": str, "period_start": str, "period_end": str,
            "created_at": str, "pdf_path": str, "status": str, "sent_at": str,
            "recipients": str, "message_id": str, "new_reviews": int, "new_negatives": int,
            "error": str,
        },
        pk="id",
    )
    db["reports"].create_index(["client_id", "status"])


@migrations()
def m002_schedule_state(db: Database) -> None:
    db["schedule_state"].create(
        {"client_id": str, "job": str, "last_slot": str, "last_run_at": str, "last_status": str},
        pk=("client_id", "job"),
    )


@migrations()
def m003_alerts(db: Database) -> None:
    db["alerts"].create(
        {
            "id": int, "client_id": str, "kind": str, "item_key": str, "created_at": str, "due_at": str,
            "sent_at": str, "channels": str, "error": str, "source": str, "title": str, "text": str,
            "url": str, "rating": float, "rating_max": float, "detail": str,
        },
        pk="id",
    )
    db["alerts"].create_index(["client_id", "kind", "item_key"], unique=True)
    db["alerts"].create_index(["sent_at", "due_at"])


@migrations()
def m004_node_jobs(db: Database) -> None:
    """Crawls run as Scrapyd jobs (repscan/nodes.py) and feeds merged by `repscan ingest`: which job
    fed which crawls row, and how many of its feed's lines are already in, so a feed is merged once."""
    db["node_jobs"].create(
        {
            "job_id": str, "node": str, "project": str, "client_id": str, "source": str, "url": str,
            "spider": str, "crawl_id": int, "status": str, "scheduled_at": str, "finished_at": str,
            "lines": int, "items": int, "new_items": int, "complete": int, "feed": str, "error": str,
        },
        pk="job_id",
    )
    db["node_jobs"].create_index(["status"])
    db["node_jobs"].create_index(["client_id", "source", "url"])


def _now() -> str:
    return stamp()


class Store:
    """One SQLite file (WAL), schema kept current by the migrations above."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def query(self, sql: str, params=()) -> list[dict]:
        """The rows of one read-only SQL statement, as dicts (for tests, checks and ad-hoc reads)."""
        return list(self.db.query(sql, params))

    # -- crawls -------------------------------------------------------------

    def start_crawl(self, client_id: str, source: str, spider: str, url: str, started_at: str | None = None) -> int:
        table = self.db["crawls"]
        table.insert({
            "client_id": client_id, "source": source, "spider": spider, "url": url,
            "started_at": started_at or _now(), "status": "running", "items": 0,
            "new_items": 0, "requests": 0, "pages": 0, "full": 0,
        })
        return table.last_pk

    def finish_crawl(self, crawl_id: int, *, status: str, items: int, new_items: int, requests: int,
                     pages: int, full: bool, error: str | None) -> None:
        self.db["crawls"].update(crawl_id, {
            "finished_at": _now(), "status": status, "items": items, "new_items": new_items,
            "requests": requests, "pages": pages, "full": int(full), "error": error,
        })

    def close_interrupted_crawls(self) -> int:
        """Crawls left 'running' by a process that died: record them as errors (the run lock ensures
        no other crawl of this database is live when a run starts)."""
        cursor = self.db.execute(
            "UPDATE crawls SET status = 'error', finished_at = ?, error = 'interrupted: the crawl process ended"
            " before recording its result' WHERE status = 'running'", [_now()])
        return cursor.rowcount

    def last_crawl_clean(self, client_id: str, source: str, url: str) -> bool:
        """Whether the last crawl of this source ended ok or empty (then its incremental stop can be trusted)."""
        row = self.db.execute(
            "SELECT status FROM crawls WHERE client_id = ? AND source = ? AND url = ? ORDER BY id DESC LIMIT 1",
            [client_id, source, url]).fetchone()
        return row is None or row[0] in ("ok", "empty")

    def crawls(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return list(self.db.query(f"SELECT * FROM crawls {where} ORDER BY id", params))

    def latest_crawls(self, client_id: str) -> dict[tuple[str, str], list[dict]]:
        """The last crawls per (source, url), newest first, for health checks."""
        rows = self.db.query(
            "SELECT * FROM crawls WHERE client_id = ? AND status != 'running' ORDER BY id DESC",
            [client_id],
        )
        out: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            history = out.setdefault((row["source"], row["url"]), [])
            if len(history) < 10:
                history.append(row)
        return out

    # -- Scrapyd jobs and their feeds ----------------------------------------

    def node_job(self, job_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM node_jobs WHERE job_id = ?", [job_id]))
        return rows[0] if rows else None

    def add_node_job(self, row: dict) -> None:
        self.db["node_jobs"].insert({"lines": 0, "items": 0, "new_items": 0, "complete": 0, **row}, pk="job_id")

    def update_node_job(self, job_id: str, **fields) -> None:
        self.db["node_jobs"].update(job_id, fields)

    def node_jobs(self, *statuses: str) -> list[dict]:
        where = f"WHERE status IN ({', '.join('?' for _ in statuses)})" if statuses else ""
        return list(self.db.query(f"SELECT * FROM node_jobs {where} ORDER BY scheduled_at, job_id", list(statuses)))

    def lost_node_jobs(self) -> list[dict]:
        """Jobs whose node died or lost them, with no crawl of that source since: to be run again."""
        return list(self.db.query(
            "SELECT * FROM node_jobs j WHERE j.status = 'failed' AND NOT EXISTS (SELECT 1 FROM crawls c"
            " WHERE c.client_id = j.client_id AND c.source = j.source AND c.url = j.url AND c.id > j.crawl_id)"
            " ORDER BY j.scheduled_at"))

    def recent_ids(self, client_id: str, source: str, limit: int) -> list[str]:
        """The source ids of the newest stored reviews and posts (by date), newest first."""
        return [row[0] for row in self.db.execute(
            "SELECT source_id FROM (SELECT source_id, COALESCE(published_at, first_seen_at) AS at FROM reviews"
            " WHERE client_id = ? AND source = ? UNION ALL SELECT source_id, COALESCE(published_at, first_seen_at)"
            " FROM posts WHERE client_id = ? AND source = ?) ORDER BY at DESC LIMIT ?",
            [client_id, source, client_id, source, limit]).fetchall()]

    # -- items --------------------------------------------------------------

    def known_ids(self, client_id: str, source: str) -> set[str]:
        rows = self.db.execute(
            "SELECT source_id FROM reviews WHERE client_id = ? AND source = ?"
            " UNION SELECT source_id FROM posts WHERE client_id = ? AND source = ?",
            [client_id, source, client_id, source],
        ).fetchall()
        return {row[0] for row in rows}

    def save_items(self, client_id: str, items: Iterable[dict], crawl_id: int | None = None,
                   seen_at: str | None = None) -> dict[str, int]:
        """Write one batch in one transaction; return counts of new, changed and newly negative."""
        seen_at = seen_at or _now()
        counts = {"new": 0, "changed": 0, "newly_negative": 0, "items": 0}
        groups: dict[str, list[dict]] = {}
        for item in items:
            if item["kind"] in ("review", "post") and not (item.get("source") and item.get("source_id")):
                raise ValueError(f"a {item['kind']} needs source and source_id: {item!r:.200}")
            groups.setdefault(item["kind"], []).append(item)
        with self.db.atomic():
            if groups.get("review"):
                self._save_reviews(client_id, groups["review"], crawl_id, seen_at, counts)
            if groups.get("post"):
                self._save_posts(client_id, groups["post"], crawl_id, seen_at, counts)
            for kind, table in (("search_result", "search_results"), ("business", "businesses")):
                rows = [{**{k: v for k, v in item.items() if k != "kind"}, "client_id": client_id,
                         "crawl_id": crawl_id, "seen_at": seen_at} for item in groups.get(kind, [])]
                if rows:
                    self.db[table].insert_all(rows)
            counts["items"] += len(groups.get("search_result", []))
        return counts

    def _existing(self, table: str, client_id: str, source_keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The stored rows of a batch, looked up by primary key (source_id IN (...) per source):
        an OR of pairs made SQLite walk every row of the client, so a crawl got slower as it grew."""
        by_source: dict[str, list[str]] = {}
        for source, source_id in source_keys:
            by_source.setdefault(source, []).append(source_id)
        found: dict[tuple[str, str], dict] = {}
        for source, ids in by_source.items():
            for start in range(0, len(ids), BATCH_IN):
                chunk = ids[start:start + BATCH_IN]
                sql = (f"SELECT * FROM {table} WHERE client_id = ? AND source = ?"
                       f" AND source_id IN ({', '.join('?' * len(chunk))})")
                for row in self.db.query(sql, [client_id, source, *chunk]):
                    found[(row["source"], row["source_id"])] = row
        return found

    def _save_reviews(self, client_id: str, items: list[dict], crawl_id, seen_at: str, counts: dict) -> None:
        items = list({(i["source"], i["source_id"]): i for i in items}.values())
        existing = self._existing("reviews", client_id, [(i["source"], i["source_id"]) for i in items])
        inserts, versions = [], []
        for item in items:
            counts["items"] += 1
            fields = {k: v for k, v in item.items() if k != "kind"}
            fields["published_approx"] = int(bool(fields.get("published_approx")))
            fields["negative"] = int(bool(fields.get("negative")))
            old = existing.get((item["source"], item["source_id"]))
            if old is None:
                counts["new"] += 1
                row = {**fields, "client_id": client_id, "first_seen_at": seen_at, "last_seen_at": seen_at,
                       "negative_since": seen_at if fields["negative"] else None,
                       "first_crawl_id": crawl_id, "last_crawl_id": crawl_id, "removed_at": None}
                inserts.append(row)
                versions.append(_version(row, "new", seen_at, crawl_id))
                continue
            # A null from a partial extraction (e.g. a JSON-LD fallback without
            # replies) never erases what an earlier crawl saw.
            update = {k: v for k, v in fields.items() if v is not None and k not in ("source", "source_id")}
            for key in ("title", "text"):  # a fallback's text without line breaks is no edit
                if key in update and old[key] is not None and _squash(update[key]) == _squash(old[key]):
                    del update[key]
            changed = [k for k in REVIEW_VERSIONED if k in update and update[k] != old[k]]
            if "rating" in changed and old["rating"] is not None and float(old["rating"]) == float(update["rating"]):
                changed.remove("rating")
            if "negative" in update and update["negative"] and not old["negative"]:
                update["negative_since"] = seen_at
                counts["newly_negative"] += 1
            update.update(last_seen_at=seen_at, last_crawl_id=crawl_id, removed_at=None)
            self.db["reviews"].update((client_id, item["source"], item["source_id"]), update)
            if changed:
                counts["changed"] += 1
                versions.append(_version({**old, **update}, ",".join(changed), seen_at, crawl_id))
        if inserts:
            self.db["reviews"].insert_all(inserts)
        if versions:
            self.db["review_versions"].insert_all(versions)

    def _save_posts(self, client_id: str, items: list[dict], crawl_id, seen_at: str, counts: dict) -> None:
        items = list({(i["source"], i["source_id"]): i for i in items}.values())
        existing = self._existing("posts", client_id, [(i["source"], i["source_id"]) for i in items])
        inserts = []
        for item in items:
            counts["items"] += 1
            fields = {k: v for k, v in item.items() if k != "kind"}
            fields["negative"] = int(bool(fields.get("negative")))
            old = existing.get((item["source"], item["source_id"]))
            if old is None:
                counts["new"] += 1
                inserts.append({
                    **fields, "client_id": client_id, "first_seen_at": seen_at, "last_seen_at": seen_at,
                    "negative_since": seen_at if fields["negative"] else None,
                    "first_crawl_id": crawl_id, "last_crawl_id": crawl_id,
                })
                continue
            update = {k: v for k, v in fields.items() if v is not None and k not in ("source", "source_id")}
            if update.get("negative") and not old["negative"]:
                update["negative_since"] = seen_at
                counts["newly_negative"] += 1
            update.update(last_seen_at=seen_at, last_crawl_id=crawl_id)
            self.db["posts"].update((client_id, item["source"], item["source_id"]), update)
        if inserts:
            self.db["posts"].insert_all(inserts)

    def mark_removed(self, client_id: str, source: str, business_url: str, crawl_id: int, when: str | None = None) -> int:
        """After a complete crawl: reviews of that business not seen in it are gone from the site."""
        cursor = self.db.execute(
            "UPDATE reviews SET removed_at = ? WHERE client_id = ? AND source = ? AND business_url = ?"
            " AND removed_at IS NULL AND (last_crawl_id IS NULL OR last_crawl_id != ?)",
            [when or _now(), client_id, source, business_url, crawl_id],
        )
        return cursor.rowcount

    # -- report queries -----------------------------------------------------

    def reviews_since(self, client_id: str, since: str | None, until: str | None = None) -> list[dict]:
        """Reviews first seen, or turned negative, in (since, until]; every one when since is None."""
        where, params = ["client_id = ?"], [client_id]
        if since is not None:
            where.append("(first_seen_at > ? OR negative_since > ?)")
            params += [since, since]
        if until is not None:
            where.append("first_seen_at <= ?")
            params.append(until)
        sql = f"SELECT * FROM reviews WHERE {' AND '.join(where)} ORDER BY published_at DESC, first_seen_at DESC"
        return list(self.db.query(sql, params))

    def review_stats(self, client_id: str, until: str | None = None) -> dict:
        """Count and mean of normalised ratings (out of 5) among reviews first seen up to `until`."""
        where, params = "client_id = ? AND removed_at IS NULL", [client_id]
        if until is not None:
            where += " AND first_seen_at <= ?"
            params.append(until)
        row = next(self.db.query(
            f"SELECT COUNT(*) AS total, AVG(rating * 5.0 / rating_max) AS avg_rating,"
            f" SUM(CASE WHEN negative = 1 AND reply_text IS NULL THEN 1 ELSE 0 END) AS unanswered"
            f" FROM reviews WHERE {where}", params))
        return row

    def unanswered_negatives(self, client_id: str, limit: int = 200) -> list[dict]:
        """Negative reviews still without an owner reply, oldest first."""
        return list(self.db.query(
            "SELECT * FROM reviews WHERE client_id = ? AND negative = 1 AND reply_text IS NULL AND removed_at IS NULL"
            " ORDER BY COALESCE(published_at, first_seen_at) LIMIT ?", [client_id, limit]))

    def trend_rows(self, client_id: str, since: str) -> list[dict]:
        """Reviews published (or first seen, when undated) since `since`, with what the trend charts need."""
        return list(self.db.query(
            "SELECT source, rating, rating_max, negative, published_at, first_seen_at, reply_at FROM reviews"
            " WHERE client_id = ? AND COALESCE(published_at, first_seen_at) >= ?", [client_id, since]))

    def versions(self, client_id: str, source: str, source_id: str) -> list[dict]:
        return list(self.db.query(
            "SELECT * FROM review_versions WHERE client_id = ? AND source = ? AND source_id = ? ORDER BY id",
            [client_id, source, source_id]))

    def search_snapshot(self, client_id: str, until: str | None = None) -> dict[tuple[str, str], list[dict]]:
        """The latest results per (engine, query) seen up to `until`, in rank order."""
        where, params = "client_id = ?", [client_id]
        if until is not None:
            where += " AND seen_at <= ?"
            params.append(until)
        rows = self.db.query(
            f"SELECT r.* FROM search_results r JOIN (SELECT engine, query, MAX(crawl_id) AS crawl_id"
            f" FROM search_results WHERE {where} GROUP BY engine, query) latest"
            " ON r.engine = latest.engine AND r.query = latest.query AND r.crawl_id = latest.crawl_id"
            " WHERE r.client_id = ? ORDER BY r.engine, r.query, r.rank", params + [client_id])
        out: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            out.setdefault((row["engine"], row["query"]), []).append(row)
        return out

    def search_first_seen(self, client_id: str, max_rank: int = 10) -> dict[tuple[str, str, str], str]:
        """When each URL was first seen on page one for an engine and query."""
        rows = self.db.query(
            "SELECT engine, query, url, MIN(seen_at) AS first FROM search_results"
            " WHERE client_id = ? AND rank <= ? GROUP BY engine, query, url", [client_id, max_rank])
        return {(r["engine"], r["query"], r["url"]): r["first"] for r in rows}

    # -- alerts -------------------------------------------------------------

    def alert_candidates(self, client_id: str, recent_since: str) -> list[dict]:
        """Negative reviews and posts, and complaints on page one, that have no alert yet.

        A source's first crawl imports its history: its old negatives alert only when
        published after `recent_since`; anything that turns up or turns negative later alerts.
        """
        # A source's history cut-off: when its first clean crawl finished (computed once, not per row).
        first_crawl = ("WITH first AS (SELECT source, MIN(finished_at) AS finished FROM crawls"
                       " WHERE client_id = ? AND status IN ('ok', 'empty') GROUP BY source) ")
        out = []
        for kind, table, extra in (("review", "reviews", ", t.rating, t.rating_max, t.reply_text"),
                                   ("post", "posts", ", NULL AS rating, NULL AS rating_max, NULL AS reply_text")):
            out += [{**row, "kind": kind} for row in self.db.query(
                f"{first_crawl}SELECT t.source, t.source_id, t.url, t.title, t.text, t.author, t.published_at{extra}"
                f" FROM {table} t LEFT JOIN first ON first.source = t.source WHERE t.client_id = ? AND t.negative = 1"
                + (" AND t.removed_at IS NULL" if table == "reviews" else "") +
                " AND (t.negative_since > COALESCE(first.finished, '') OR t.published_at >= ?)"
                " AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.client_id = t.client_id AND a.kind = ?"
                " AND a.item_key = t.source || ':' || t.source_id)",
                [client_id, client_id, recent_since, kind])]
        for (engine, query), rows in self.search_snapshot(client_id).items():
            for row in rows:
                complaint = row["category"] == "complaint" or (row["negative"] and row["category"] != "own")
                if row["rank"] <= 10 and complaint and not self._alerted(client_id, "search", f"{engine}:{query}:{row['url']}"):
                    out.append({**row, "kind": "search"})
        return out

    def _alerted(self, client_id: str, kind: str, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM alerts WHERE client_id = ? AND kind = ? AND item_key = ?",
                               [client_id, kind, key]).fetchone() is not None

    def add_alerts(self, rows: list[dict]) -> int:
        """Insert alerts, ignoring any item already alerted (the unique key makes it once per item)."""
        with self.db.atomic():
            before = self.db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
            self.db["alerts"].insert_all(rows, ignore=True)
            return self.db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] - before

    def pending_alerts(self, now: str) -> list[dict]:
        return list(self.db.query(
            "SELECT * FROM alerts WHERE sent_at IS NULL AND due_at <= ? ORDER BY client_id, id", [now]))

    def alerts(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return list(self.db.query(f"SELECT * FROM alerts {where} ORDER BY id", params))

    def mark_alerts(self, ids: list[int], *, sent_at: str | None, channels: str, error: str | None) -> None:
        with self.db.atomic():
            for alert_id in ids:
                self.db["alerts"].update(alert_id, {"sent_at": sent_at, "channels": channels, "error": error})

    # -- schedule -----------------------------------------------------------

    def last_done(self, client_id: str, job: str) -> str | None:
        row = self.db.execute("SELECT last_slot FROM schedule_state WHERE client_id = ? AND job = ?",
                              [client_id, job]).fetchone()
        return row[0] if row else None

    def mark_done(self, client_id: str, job: str, slot: str, status: str) -> None:
        self.db["schedule_state"].upsert(
            {"client_id": client_id, "job": job, "last_slot": slot, "last_run_at": _now(), "last_status": status},
            pk=("client_id", "job"))

    # -- reports ------------------------------------------------------------

    def last_sent_report(self, client_id: str) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM reports WHERE client_id = ? AND status = 'sent' ORDER BY period_end DESC LIMIT 1",
            [client_id]))
        return rows[0] if rows else None

    def pending_report(self, client_id: str) -> dict | None:
        """A report rendered (or being sent) but not recorded as sent: reuse it, never render twice."""
        rows = list(self.db.query(
            "SELECT * FROM reports WHERE client_id = ? AND status IN ('rendered', 'sending') ORDER BY id DESC LIMIT 1",
            [client_id]))
        return rows[0] if rows else None

    def add_report(self, client_id: str, *, period_start: str | None, period_end: str, pdf_path: str,
                   new_reviews: int, new_negatives: int) -> int:
        table = self.db["reports"]
        table.insert({
            "client_id": client_id, "period_start": period_start, "period_end": period_end,
            "created_at": _now(), "pdf_path": pdf_path, "status": "rendered",
            "new_reviews": new_reviews, "new_negatives": new_negatives,
        })
        return table.last_pk

    def mark_sending(self, report_id: int, recipients: list[str], message_id: str) -> None:
        self.db["reports"].update(report_id, {"status": "sending", "recipients": ", ".join(recipients),
                                              "message_id": message_id})

    def mark_sent(self, report_id: int, sent_at: str | None = None) -> None:
        self.db["reports"].update(report_id, {"status": "sent", "sent_at": sent_at or _now(), "error": None})

    def mark_report_error(self, report_id: int, error: str) -> None:
        self.db["reports"].update(report_id, {"error": error})

    def reports(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return list(self.db.query(f"SELECT * FROM reports {where} ORDER BY id", params))


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _version(row: dict, changed: str, seen_at: str, crawl_id) -> dict:
    return {
        "client_id": row["client_id"], "source": row["source"], "source_id": row["source_id"],
        "seen_at": seen_at, "crawl_id": crawl_id, "changed": changed,
        **{k: row.get(k) for k in REVIEW_VERSIONED},
    }

