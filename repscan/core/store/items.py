"""The crawled items: reviews (with their versions), posts, search results and business summaries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from repscan.core import rules
from repscan.core.items import PRECISION_OF, coarsest, utcnow
from repscan.core.secrets import redact
from repscan.core.store.connection import Connection, by_source, now

KEY = ("client_id", "source", "source_id")  # reviews' and posts' primary key
_ABSENT = object()
SEEN = {"source", "source_id", "last_seen_at", "last_crawl_id"}  # the update of a row seen again unchanged
REVIEW_VERSIONED = ("rating", "title", "text", "reply_text", "reply_at")
FLAGS = {"reviews": ("negative", "published_approx"), "posts": ("negative",)}  # stored as 0 or 1, never null
# set by the store when a review or post is first seen, in this order after the item's own columns
STAMPED = ("client_id", "first_seen_at", "last_seen_at", "negative_since", "first_crawl_id", "last_crawl_id")
SUMMARY = ("url", "name", "rating", "review_count")  # a business summary's values (the rest: when, by which crawl)


class Items(Connection):
    def known_ids(self, client_id: str, source: str) -> set[str]:
        rows = self._db.execute(
            "SELECT source_id FROM reviews WHERE client_id = ? AND source = ?"
            " UNION SELECT source_id FROM posts WHERE client_id = ? AND source = ?",
            [client_id, source, client_id, source],
        ).fetchall()
        return {row[0] for row in rows}

    def watched_reviews(self, client_id: str, source: str, url: str, threshold: float = rules.DEFAULT_THRESHOLD,
                        now: datetime | None = None) -> dict[str, str]:
        """The reviews a crawl of this source URL reads on to for a reply (rules.watched): those a crawl of that URL
        last saw (a chain's other locations are other URLs, whose pages never show them), by source id, each with
        when it was last seen, the longest unseen first."""
        return dict(self._db.execute(
            f"SELECT source_id, last_seen_at FROM reviews WHERE client_id = ? AND source = ? AND {rules.watched_sql()}"
            f" AND (SELECT c.url FROM crawls c WHERE c.id = reviews.last_crawl_id) = ?"  # only for the watched few
            f" ORDER BY last_seen_at, source_id",
            [client_id, source, threshold, rules.watch_from(now or utcnow()), redact(url)]).fetchall())

    def recent_ids(self, client_id: str, source: str, limit: int) -> list[str]:
        """The source ids of the newest stored reviews and posts (by date), newest first."""
        return [row[0] for row in self._db.execute(
            "SELECT source_id FROM (SELECT source_id, COALESCE(published_at, first_seen_at) AS at FROM reviews"
            " WHERE client_id = ? AND source = ? UNION ALL SELECT source_id, COALESCE(published_at, first_seen_at)"
            " FROM posts WHERE client_id = ? AND source = ?) ORDER BY at DESC LIMIT ?",
            [client_id, source, client_id, source, limit]).fetchall()]

    def versions(self, client_id: str, source: str, source_id: str) -> list[dict]:
        """A review's versions, first seen first. The first is stored only once it changes: until then
        the review's own row is that version."""
        key = [client_id, source, source_id]
        rows = self.query("SELECT * FROM review_versions WHERE client_id = ? AND source = ? AND source_id = ? ORDER BY id",
                          key)
        if rows:
            return rows
        review = self._one("SELECT * FROM reviews WHERE client_id = ? AND source = ? AND source_id = ?", key)
        return [{"id": None, **_first_version(review)}] if review else []

    def save_items(self, client_id: str, items: Iterable[dict], crawl_id: int | None = None,
                   seen_at: str | None = None) -> dict[str, int]:
        """Write one batch in one transaction; return counts of new, changed and newly negative.

        `negative` on a review or post is the crawl's verdict (the text's, for unrated items);
        reports and alerts judge rated reviews again with the client's current threshold."""
        seen_at = seen_at or now()
        counts = {"new": 0, "changed": 0, "newly_negative": 0, "items": 0}
        groups: dict[str, list[dict]] = {}
        for item in items:
            if item["kind"] in ("review", "post") and not (item.get("source") and item.get("source_id")):
                raise ValueError(f"a {item['kind']} needs source and source_id: {item!r:.200}")
            groups.setdefault(item["kind"], []).append(item)
        with self.transaction():
            if groups.get("review"):
                self._save_reviews(client_id, groups["review"], crawl_id, seen_at, counts)
            if groups.get("post"):
                self._save_posts(client_id, groups["post"], crawl_id, seen_at, counts)
            self._insert("search_results", [{**item, "client_id": client_id, "crawl_id": crawl_id, "seen_at": seen_at}
                                            for item in groups.get("search_result", [])])
            if groups.get("business"):
                self._save_businesses(client_id, groups["business"], crawl_id, seen_at)
            counts["items"] += len(groups.get("search_result", []))
        return counts

    def mark_removed(self, client_id: str, source: str, business_url: str, crawl_id: int, when: str | None = None) -> int:
        """After a complete crawl: reviews of that business not seen in it are gone from the site."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE reviews SET removed_at = ? WHERE client_id = ? AND source = ? AND business_url = ?"
                " AND removed_at IS NULL AND (last_crawl_id IS NULL OR last_crawl_id != ?)",
                [when or now(), client_id, source, business_url, crawl_id],
            )
            return cursor.rowcount

    def _existing(self, table: str, client_id: str, source_keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The stored rows of these keys, by primary key: every column (the few rows of a batch that changed)."""
        found: dict[tuple[str, str], dict] = {}
        for source, chunk in by_source(source_keys):
            cursor = self._db.conn.execute(
                f"SELECT * FROM {table} WHERE client_id = ? AND source = ?"
                f" AND source_id IN ({', '.join('?' * len(chunk))})", [client_id, source, *chunk])
            names = [column[0] for column in cursor.description]
            for values in cursor:
                row = dict(zip(names, values))
                found[(row["source"], row["source_id"])] = row
        return found

    def _stored(self, table: str, client_id: str, columns: list[str], keys: list[tuple[str, str]]) -> dict:
        """The stored values of `columns` of these keys' rows, as tuples by primary key (no dict a row)."""
        source_at, id_at = columns.index("source"), columns.index("source_id")
        found: dict[tuple[str, str], tuple] = {}
        for source, chunk in by_source(keys):
            for values in self._db.conn.execute(
                    f"SELECT {', '.join(columns)} FROM {table} WHERE client_id = ? AND source = ?"
                    f" AND source_id IN ({', '.join('?' * len(chunk))})", [client_id, source, *chunk]):
                found[(values[source_at], values[id_at])] = values
        return found

    def _update_seen(self, table: str, client_id: str, unchanged: list[tuple[str, str]], updates: list[dict],
                     seen_at: str, crawl_id) -> None:
        """Rows seen again. Unchanged ones (most of a recrawl) get only when and by which crawl, one UPDATE a source.
        The others: one UPDATE executed over them, each column set where the row's update has a value and kept
        where it has none (a null never erases what an earlier crawl saw). Both clear removed_at."""
        cleared = "removed_at = NULL" if "removed_at" in self._columns(table) else ""
        for source, chunk in by_source(unchanged):  # one statement a source: SQLite walks the ids itself
            self._db.conn.execute(f"UPDATE {table} SET last_seen_at = ?, last_crawl_id = ?{cleared and ', ' + cleared}"
                                  f" WHERE client_id = ? AND source = ? AND source_id IN ({', '.join('?' * len(chunk))})",
                                  [seen_at, crawl_id, client_id, source, *chunk])
        if not updates:
            return
        columns = [c for c in self._fit(table, updates) if c not in KEY]
        sets = [f"{c} = COALESCE(?, {c})" for c in columns] + ([cleared] if cleared else [])
        self._db.conn.executemany(
            f"UPDATE {table} SET {', '.join(sets)} WHERE client_id = ? AND source = ? AND source_id = ?",
            [(*map(update.get, columns), client_id, update["source"], update["source_id"]) for update in updates])

    def _versioned(self, client_id: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """The reviews among `keys` that already have versions stored (they changed before)."""
        out = set()
        for source, chunk in by_source(keys):
            out.update((source, row[0]) for row in self._db.execute(
                f"SELECT DISTINCT source_id FROM review_versions WHERE client_id = ? AND source = ?"
                f" AND source_id IN ({', '.join('?' * len(chunk))})", [client_id, source, *chunk]))
        return out

    def _save_rows(self, table: str, client_id: str, items: list[dict], crawl_id, seen_at: str,
                   counts: dict) -> list[tuple[dict, dict]]:
        """Reviews or posts: new ones inserted (one executemany of tuples), unchanged ones marked seen, and the
        (stored row, fields) of the rest, which _seen_again judges. A batch's repeats: the last of each key wins.

        An item is unchanged when its values equal the stored ones column for column (one tuple comparison): then
        _seen_again would find nothing to write either. Anything else takes the general path."""
        items = list({(i["source"], i["source_id"]): i for i in items}.values())
        flags = FLAGS[table]
        columns = [c for c in self._fit(table, items) if c not in flags] + list(flags)
        # a stamp given in an item (never by a crawl) is a change for _seen_again to write
        quick = not set(STAMPED).intersection(columns)
        columns = [c for c in columns if c not in STAMPED]
        flag_at = [columns.index(flag) for flag in flags]
        negative_at = columns.index("negative")
        rows = []
        for item in items:
            values = list(map(item.get, columns))
            for at in flag_at:
                values[at] = 1 if values[at] else 0
            rows.append(values)
        stored = self._stored(table, client_id, columns, [(i["source"], i["source_id"]) for i in items])
        inserts, unchanged, known = [], [], []
        for item, values in zip(items, rows):
            key = (item["source"], item["source_id"])
            old = stored.get(key)
            if old is None:
                inserts.append((*values, client_id, seen_at, seen_at, seen_at if values[negative_at] else None,
                                crawl_id, crawl_id))
            elif quick and old == tuple(values):
                unchanged.append(key)
            else:
                known.append(dict(zip(columns, values)) if quick else
                             {**item, **dict(zip(columns, values))})
        counts["items"] += len(items)
        counts["new"] += len(inserts)
        if inserts:
            names = [*columns, *STAMPED]
            self._db.conn.executemany(f"INSERT INTO [{table}] ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                                      inserts)
        self._update_seen(table, client_id, unchanged, [], seen_at, crawl_id)
        if not known:
            return []
        old_rows = self._existing(table, client_id, [(f["source"], f["source_id"]) for f in known])
        return [(old_rows[(f["source"], f["source_id"])], f) for f in known]

    def _save_reviews(self, client_id: str, items: list[dict], crawl_id, seen_at: str, counts: dict) -> None:
        updates, changes = [], []
        for old, fields in self._save_rows("reviews", client_id, items, crawl_id, seen_at, counts):
            fields.pop("kind", None)
            # A null from a partial extraction (e.g. a JSON-LD fallback without
            # replies) never erases what an earlier crawl saw.
            update = _seen_again(fields, old, seen_at, crawl_id, counts)
            for key in ("title", "text"):  # a fallback's text without line breaks is no edit
                if key in update and old[key] is not None and (update[key] == old[key]
                                                               or _squash(update[key]) == _squash(old[key])):
                    del update[key]
            changed = [k for k in REVIEW_VERSIONED if k in update and update[k] != old[k]]
            if "rating" in changed and old["rating"] is not None and float(old["rating"]) == float(update["rating"]):
                changed.remove("rating")
            updates.append({**update, "source": fields["source"], "source_id": fields["source_id"]})
            if changed:
                counts["changed"] += 1
                changes.append((old, update, changed))
        self._update_seen("reviews", client_id, *_narrow(updates), seen_at, crawl_id)
        answered = [(old["source"], old["source_id"]) for old, update, _ in changes
                    if not rules.replied(old["reply_text"], old["reply_at"]) and rules.replied(
                        update.get("reply_text"), update.get("reply_at"))]
        if answered:
            self.confirm_replies(client_id, answered)  # store.replies: a reply repscan posted is now on the site
        if not changes:
            return
        # Until a review first changes, its row is its first version; that version is stored when it changes.
        versioned = self._versioned(client_id, [(old["source"], old["source_id"]) for old, _, _ in changes])
        versions = []
        for old, update, changed in changes:
            if (old["source"], old["source_id"]) not in versioned:
                versions.append(_first_version(old))
            versions.append(_version({**old, **update}, ",".join(changed), seen_at, crawl_id))
        self._insert("review_versions", versions)

    def _save_posts(self, client_id: str, items: list[dict], crawl_id, seen_at: str, counts: dict) -> None:
        updates = []
        for old, fields in self._save_rows("posts", client_id, items, crawl_id, seen_at, counts):
            fields.pop("kind", None)
            update = _seen_again(fields, old, seen_at, crawl_id, counts)
            updates.append({**update, "source": fields["source"], "source_id": fields["source_id"]})
        self._update_seen("posts", client_id, *_narrow(updates), seen_at, crawl_id)

    def _save_businesses(self, client_id: str, items: list[dict], crawl_id, seen_at: str) -> None:
        """A business page's own summary (its public rating and review count) is stored when it differs from the last
        one stored for that page (a site and URL: a chain has a page per location); a crawl sees the same one on
        every list page, and most crawls see it unchanged. The latest summary of each page up to any time
        (business_summaries) is the same as if every sighting were stored. A crawl of another source URL than the
        last one's stores it too: which configured source names the page decides whether it counts (summaries.named)."""
        origin = self._db.conn.execute("SELECT url FROM crawls WHERE id = ?", [crawl_id]).fetchone() \
            if crawl_id is not None else None
        last: dict = {}
        rows = []
        for item in items:
            page = item.get("source"), item.get("url")
            if page not in last:
                last[page] = self._db.conn.execute(
                    f"SELECT {', '.join(f'b.{name}' for name in SUMMARY)}, (SELECT c.url FROM crawls c"
                    " WHERE c.id = b.crawl_id) FROM businesses b WHERE b.client_id = ? AND b.source IS ?"
                    " AND b.url IS ? ORDER BY b.id DESC LIMIT 1", [client_id, *page]).fetchone()
            values = (*map(item.get, SUMMARY), origin[0] if origin else None)
            if values != last[page]:
                last[page] = values
                rows.append({**item, "client_id": client_id, "crawl_id": crawl_id, "seen_at": seen_at})
        self._insert("businesses", rows)


def _narrow(updates: list[dict]) -> tuple[list[tuple[str, str]], list[dict]]:
    """The keys of the updates that only say "seen again", and the other updates."""
    seen = [(u["source"], u["source_id"]) for u in updates if u.keys() <= SEEN]
    return seen, ([u for u in updates if not u.keys() <= SEEN] if seen else updates)


def _seen_again(fields: dict, old: dict, seen_at: str, crawl_id, counts: dict) -> dict:
    """The update of a review or post seen again: its non-null fields, and when it turned negative."""
    update = {k: v for k, v in fields.items() if v is not None and old.get(k, _ABSENT) != v}  # a value as stored stays
    for time_field, field in PRECISION_OF.items():  # a coarser reading (a fallback layout's day) keeps the finer time
        new, stored = update.get(field), old.get(field)
        if new and stored and new != stored and coarsest(new, stored) == new:
            for key in (time_field, field, "published_approx" if time_field == "published_at" else None):
                update.pop(key, None)
    if update.get("negative") and not old["negative"]:
        if _edited(update, old):
            update["negative_since"] = seen_at
            counts["newly_negative"] += 1
        else:  # the same words and stars judged anew (another text judge, a new threshold): not news, no alert
            update["negative_since"] = old.get("first_seen_at") or seen_at
    update.update(last_seen_at=seen_at, last_crawl_id=crawl_id)
    return update


def _edited(update: dict, old: dict) -> bool:
    """Whether the author changed what is judged: the text (beyond spacing) or the stars."""
    return any(key in old and update.get(key) is not None and
               (_squash(update[key]) != _squash(old[key] or "") if key == "text" else update[key] != old[key])
               for key in ("text", "rating"))


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _first_version(review: dict) -> dict:
    """A review's first version, from its row while it has never changed."""
    return _version(review, "new", review["first_seen_at"], review["first_crawl_id"])


def _version(row: dict, changed: str, seen_at: str, crawl_id) -> dict:
    return {
        "client_id": row["client_id"], "source": row["source"], "source_id": row["source_id"],
        "seen_at": seen_at, "crawl_id": crawl_id, "changed": changed,
        **{k: row.get(k) for k in REVIEW_VERSIONED},
    }
