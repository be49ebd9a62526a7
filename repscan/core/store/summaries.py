"""What reports read beside reviews: posts, the sites' own summaries, first crawls and earlier reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from repscan.core import rules
from repscan.core.secrets import redact
from repscan.core.store.connection import BATCH_IN, Connection
from repscan.core.store.crawls import HISTORY_CUTOFFS
from repscan.core.store.items import SUMMARY
from repscan.core.store.reviews import period_where


class Summaries(Connection):
    def posts_since(self, client_id: str, since: str | None, until: str | None = None) -> list[dict]:
        """Posts first seen after `since` (every one when None) and up to `until`, newest first;
        `negative` is the stored text verdict, judged by rules.negative (posts are unrated)."""
        where, params = period_where(client_id, since, until)
        columns = ("source, source_id, url, parent_url, author, title, text, language, published_at,"
                   " published_precision, score,"
                   " comments_count, first_seen_at, negative_since, first_crawl_id,"
                   f" {rules.negative_sql('NULL', rating='NULL', rating_max='NULL')} AS negative")
        return self.query(f"SELECT {columns} FROM posts WHERE {where}"
                          " ORDER BY COALESCE(published_at, first_seen_at) DESC", params)

    def item_origins(self, client_id: str) -> dict[tuple[str, str], str | None]:
        """Per review and post (source, source_id): the URL of the source whose crawl first found it (None when no
        crawl is recorded); with the config, the item's location (Client.location_of)."""
        rows = self._db.execute(
            "SELECT source, source_id, (SELECT url FROM crawls WHERE crawls.id = first_crawl_id) FROM reviews"
            " WHERE client_id = ? UNION ALL SELECT source, source_id, (SELECT url FROM crawls"
            " WHERE crawls.id = first_crawl_id) FROM posts WHERE client_id = ?", [client_id, client_id])
        return {(source, source_id): url for source, source_id, url in rows}

    def text_judges(self, client_id: str, since: str | None, until: str | None = None) -> list[str]:
        """Which judges of text ("model", "word lists") decided the period's posts and unrated reviews, as
        stored with them at crawl time (m011); empty when none was judged by its text, or before m011."""
        where, params = period_where(client_id, since, until)
        judged = f"WHERE {where} AND judge IN ('model', 'word lists')"
        rows = self.query(f"SELECT judge FROM posts {judged} UNION SELECT judge FROM reviews {judged}", params * 2)
        return sorted(row["judge"] for row in rows)

    def business_summaries(self, client_id: str, until: str | None,
                           sources: Iterable[tuple[str, str]] | None = None) -> dict[str, dict]:
        """Each source's public rating and review count as the site shows them, up to `until`: the latest summary
        of each of its business pages, combined when it has several (a chain's locations): see combined(). With
        `sources` (the configured (site, URL) pairs), only the pages they still name (named())."""
        where, params = "client_id = ?", [client_id]
        if until is not None:
            where += " AND seen_at <= ?"
            params.append(until)
        rows = self.query(f"SELECT b.*, c.source AS crawl_source, c.url AS crawl_url FROM businesses b JOIN"
                          f" (SELECT MAX(id) AS id FROM businesses WHERE {where} GROUP BY source, url) last"
                          " ON b.id = last.id LEFT JOIN crawls c ON c.id = b.crawl_id ORDER BY b.id", params)
        keep = named(sources)
        pages: dict[str, list[dict]] = {}
        for row in rows:
            if keep(row.pop("crawl_source"), row.pop("crawl_url")):
                pages.setdefault(row["source"], []).append(row)
        return {source: combined(found) for source, found in pages.items()}

    def prune_businesses(self, *, dry_run: bool = False,
                         sources: Mapping[str, Iterable[tuple[str, str]]] | None = None) -> int:
        """Delete each business page's own summaries that repeat the one stored just before them for that page (the
        same name, rating and count): the latest summary of each page up to any time then has the same values
        (business_summaries). A crawl stores only a page's changes; older stores hold one a list page (before m019) and,
        for a chain, one a crawl (its pages were compared with each other). With `sources` (per stored client id in
        the config, its configured (site, URL) pairs), also every summary of a page none of them names any more (a
        site renamed its pages): reports no longer count it (named()). How many went (or would go, dry_run)."""
        values = (*SUMMARY, "origin")  # origin: the source URL of the crawl that stored it (items._save_businesses)
        same = " AND ".join(f"{name} IS before_{name}" for name in values)
        before = ", ".join(f"LAG({name}) OVER w AS before_{name}" for name in values)
        repeats = (f"SELECT id FROM (SELECT id, {', '.join(values)}, LAG(id) OVER w AS before_id, {before}"
                   " FROM (SELECT b.*, c.url AS origin FROM businesses b LEFT JOIN crawls c ON c.id = b.crawl_id)"
                   " WINDOW w AS (PARTITION BY client_id, source, url ORDER BY id))"
                   f" WHERE before_id IS NOT NULL AND {same}")
        doomed = {row[0] for row in self._db.execute(repeats)}
        for client_id, pairs in (sources or {}).items():
            keep = named(pairs)
            doomed.update(row[0] for row in self._db.execute(
                "SELECT b.id, c.source, c.url FROM businesses b LEFT JOIN crawls c ON c.id = b.crawl_id"
                " WHERE b.client_id = ?", [client_id]) if not keep(row[1], row[2]))
        if dry_run or not doomed:
            return len(doomed)
        ids = sorted(doomed)
        with self.transaction():
            for start in range(0, len(ids), BATCH_IN):
                chunk = ids[start:start + BATCH_IN]
                self._db.execute(f"DELETE FROM businesses WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        return len(ids)

    def first_crawls(self, client_id: str) -> dict[str, dict]:
        """Per source: when its first crawl started, and when its first clean (ok/empty) crawl ended,
        the end of the history import (rules.history)."""
        rows = self.query(
            "SELECT source, MIN(started_at) AS started,"
            " MIN(CASE WHEN status IN ('ok', 'empty') THEN finished_at END) AS history_end"
            " FROM crawls WHERE client_id = ? GROUP BY source", [client_id])
        return {row["source"]: row for row in rows}

    def history_ends(self, client_id: str) -> dict[int, rules.Cutoff]:
        """Per crawl id: what rules.history needs of it (crawls.history_cutoffs)."""
        rows = self.query(f"WITH {HISTORY_CUTOFFS} SELECT * FROM cutoffs", [client_id, client_id])
        return {row["crawl_id"]: rules.Cutoff(row["cutoff"], row["previous_read"], bool(row["mention"]))
                for row in rows}

    def first_seen(self, client_id: str) -> str | None:
        """When anything (a review or a post) was first seen for the client."""
        row = self._one("SELECT MIN(first) AS first FROM (SELECT MIN(first_seen_at) AS first FROM reviews"
                        " WHERE client_id = ? UNION ALL SELECT MIN(first_seen_at) FROM posts WHERE client_id = ?)",
                        [client_id, client_id])
        return row["first"] if row else None

    def sent_report_ending(self, client_id: str, period_end: str) -> dict | None:
        """The sent report whose period ended at `period_end` (the previous period of the next report)."""
        return self._one("SELECT * FROM reports WHERE client_id = ? AND status = 'sent' AND period_end = ?"
                         " ORDER BY id DESC LIMIT 1", [client_id, period_end])


def named(sources: Iterable[tuple[str, str]] | None):
    """Whether a summary counts, from the source and URL of the crawl that stored it: only while a configured source
    (site, URL) names that page. A page a site renamed (its source now names the new URL) keeps its last summary in
    the store, and would count as a second page of the site for ever. None: every page counts; so does a summary
    whose crawl is not recorded (stored outside a crawl, or its crawl pruned before prune kept those: unknown)."""
    if sources is None:
        return lambda source, url: True
    pairs = {(site, redact(url)) for site, url in sources}  # crawls record the URL redacted
    return lambda source, url: source is None or (source, url) in pairs


def combined(pages: list[dict]) -> dict:
    """One site's summary over its business pages: review counts added, ratings averaged weighted by each page's
    count; unknown (None) when a page lacks what that needs, never one page's figure passed off as the whole.
    "pages" says how many pages it covers."""
    if len(pages) == 1:
        return {**pages[0], "pages": 1}
    counts = [page["review_count"] for page in pages]
    total = sum(counts) if all(count is not None for count in counts) else None
    rating = None
    if total and all(page["rating"] is not None for page in pages):
        rating = round(sum(page["rating"] * page["review_count"] for page in pages) / total, 2)
    return {**pages[-1], "url": None, "name": None, "rating": rating, "review_count": total, "pages": len(pages)}
