"""What reports read about reviews, judged by the rules with the client's current threshold."""

from __future__ import annotations

from functools import cached_property

from repscan.core import rules
from repscan.core.store.connection import Connection
from repscan.core.store.crawls import replies_read_sql, replies_unread_sql


def posted_at_sql(table: str) -> str:
    """When repscan posted a reply to the item in `table` (reviews or posts), as an SQL expression; NULL if never."""
    return (f"(SELECT MIN(p.posted_at) FROM replies p WHERE p.client_id = {table}.client_id"
            f" AND p.source = {table}.source AND p.source_id = {table}.source_id AND p.status = 'posted')")


def _reconciled(table: str) -> dict[str, str]:
    """The columns rules.reply_not_shown judges a review in `table` by: when repscan posted its reply, when a clean
    crawl last read it with its replies (its last_seen_at, if the crawl that saw it last ended ok and read the
    replies: a page read only through JSON-LD says nothing of them), and whether its site shows business
    replies: some review of that site, any client's, has one (sites.toml says nothing of it; a site whose pages carry
    no replies, such as the Yelp API's excerpts, never has one; one probe of m022's partial index)."""
    return {"posted_at": posted_at_sql(table), "reply_text": f"{table}.reply_text", "reply_at": f"{table}.reply_at",
            "read_at": f"(CASE WHEN EXISTS (SELECT 1 FROM crawls c WHERE c.id = {table}.last_crawl_id"
                       f" AND {replies_read_sql('c')}) THEN {table}.last_seen_at END)",
            "shows_replies": f"EXISTS (SELECT 1 FROM reviews s WHERE s.source = {table}.source"
                             " AND (s.reply_text IS NOT NULL OR s.reply_at IS NOT NULL))"}


def replies_unread_sql_of(table: str) -> str:
    """A review in `table` not replied (rules.replied, a reply posted from repscan included) whose last sighting came
    from a page read without its replies (crawls.replies_unread_sql): whether it is answered is not known. 1 or 0."""
    replied = rules.replied_sql(reply_text=f"{table}.reply_text", reply_at=f"{table}.reply_at",
                                posted_at=counted_posted_at_sql(table))
    return (f"(CASE WHEN NOT {replied} AND EXISTS (SELECT 1 FROM crawls c WHERE c.id = {table}.last_crawl_id"
            f" AND {replies_unread_sql('c')}) THEN 1 ELSE 0 END)")


def counted_posted_at_sql(table: str) -> str:
    """The reply repscan posted to a review in `table`, as it counts for rules.replied: rules.posted_reply."""
    return rules.posted_reply_sql(**_reconciled(table))


def not_shown_sql(table: str) -> str:
    """A review in `table` whose reply posted from repscan the site does not show (rules.reply_not_shown)."""
    return rules.reply_not_shown_sql(**_reconciled(table))


def reply_seen_sql(table: str, posted_at: str) -> str:
    """When we first knew of the reply to a review in `table` (rules.answered_by), as an SQL expression; NULL without
    one: the first version (review_versions) that carries the site's reply, else the review's first sighting (a
    review's versions are stored once it changes, so a reply it never gained came with it), or when repscan posted
    one (`posted_at`), whichever is first."""
    site = (f"(CASE WHEN {table}.reply_text IS NULL AND {table}.reply_at IS NULL THEN NULL"
            f" ELSE COALESCE((SELECT MIN(v.seen_at) FROM review_versions v WHERE v.client_id = {table}.client_id"
            f" AND v.source = {table}.source AND v.source_id = {table}.source_id"
            f" AND (v.reply_text IS NOT NULL OR v.reply_at IS NOT NULL)), {table}.first_seen_at) END)")
    return f"COALESCE(MIN({site}, {posted_at}), {site}, {posted_at})"  # the scalar MIN is NULL with a NULL


POSTED_AT = counted_posted_at_sql("reviews")
NOT_SHOWN = not_shown_sql("reviews")
REPLY_AT = rules.reply_at_sql(posted_at=POSTED_AT)  # the site's reply time, else when repscan posted one it shows
OPEN_NEGATIVE = (f"{rules.negative_sql()} AND NOT {rules.replied_sql(posted_at=POSTED_AT)}"
                 f" AND {rules.tracked_sql()}")  # one ? (threshold)
UNANSWERED = f"SUM(CASE WHEN {OPEN_NEGATIVE} THEN 1 ELSE 0 END) AS unanswered"


def period_where(client_id: str, since: str | None, until: str | None) -> tuple[str, list]:
    """The rows of a client new after `since` (rules.new; all when None) and first seen up to `until`."""
    where, params = ["client_id = ?"], [client_id]
    if since is not None:
        where.append(rules.new_sql())
        params.append(since)
    if until is not None:
        where.append("first_seen_at <= ?")
        params.append(until)
    return " AND ".join(where), params


def _stats_where(client_id: str, until: str | None, threshold: float) -> tuple[str, list]:
    """The reviews the stats count (tracked, not removed, first seen up to `until`), the threshold bound first."""
    where, params = f"client_id = ? AND {rules.tracked_sql()}", [threshold, client_id]
    if until is not None:
        where += " AND first_seen_at <= ?"
        params.append(until)
    return where, params


class Reviews(Connection):
    @cached_property
    def _judged_columns(self) -> str:
        """Every reviews column, with `negative` judged by rules.negative at a threshold bound first
        (the stored column is the crawl's verdict, kept for unrated reviews), and `reply_not_shown`: when repscan
        posted the reply the site does not show (rules.reply_not_shown), else null; `reply_seen_at`: when we first knew of
        its reply (reply_seen_sql); `replies_unread`: 1 when it was last seen, with no reply, on a page read without its
        replies (replies_unread_sql_of)."""
        replaced = {"negative": f"{rules.negative_sql()} AS negative", "reply_at": f"{REPLY_AT} AS reply_at",
                    "reply_precision": f"{rules.reply_precision_sql(posted_at=POSTED_AT)} AS reply_precision",
                    "reply_not_shown": f"(CASE WHEN {NOT_SHOWN} THEN {posted_at_sql('reviews')} END) AS reply_not_shown",
                    "reply_seen_at": f"{reply_seen_sql('reviews', POSTED_AT)} AS reply_seen_at",
                    "replies_unread": f"{replies_unread_sql_of('reviews')} AS replies_unread"}
        columns = [name for name in self._columns("reviews") if name not in replaced]
        return ", ".join([*columns, *replaced.values()])

    def reviews_since(self, client_id: str, since: str | None, until: str | None = None, *,
                      threshold: float) -> list[dict]:
        """Tracked reviews (rules.tracked) new after `since` (rules.new) and first seen up to `until`; every one
        when since is None."""
        where, params = period_where(client_id, since, until)
        return self.query(f"SELECT {self._judged_columns} FROM reviews WHERE {where} AND {rules.tracked_sql()}"
                          " ORDER BY published_at DESC, first_seen_at DESC", [threshold, *params])

    def review_stats(self, client_id: str, until: str | None = None, *, threshold: float) -> dict:
        """Count, rated count (the base of the mean) and mean stars (rules.stars) among tracked reviews first seen
        up to `until`, and how many negative ones have no reply."""
        where, params = _stats_where(client_id, until, threshold)
        return self._one(f"SELECT COUNT(*) AS total, COUNT({rules.stars_sql()}) AS rated,"
                         f" AVG({rules.stars_sql()}) AS avg_rating, {UNANSWERED}"
                         f" FROM reviews WHERE {where}", params)

    def review_stats_by_origin(self, client_id: str, until: str | None = None, *, threshold: float) -> list[dict]:
        """review_stats per origin: the site and URL of the source whose crawl first found the review (url None
        when no crawl is recorded), with `rated` and `stars` (their sum) so origins add up to the whole."""
        where, params = _stats_where(client_id, until, threshold)
        return self.query(
            f"SELECT source, (SELECT url FROM crawls WHERE crawls.id = first_crawl_id) AS url, COUNT(*) AS total,"
            f" COUNT({rules.stars_sql()}) AS rated, SUM({rules.stars_sql()}) AS stars, {UNANSWERED}"
            f" FROM reviews WHERE {where} GROUP BY 1, 2", params)

    def unanswered_negatives(self, client_id: str, until: str | None = None, *, threshold: float) -> list[dict]:
        """Every tracked negative review first seen up to `until` still without an owner reply, newest first:
        the rows review_stats counts as unanswered (a report decides how many of the older ones to list)."""
        where, params = _stats_where(client_id, until, threshold)
        return self.query(
            f"SELECT {self._judged_columns} FROM reviews WHERE {where} AND {OPEN_NEGATIVE}"
            " ORDER BY COALESCE(published_at, first_seen_at) DESC, first_seen_at DESC", [*params, threshold])

    def trend_rows(self, client_id: str, since: str, *, threshold: float) -> list[dict]:
        """Reviews published (or first seen, when undated) since `since`, with what the trend charts need."""
        return self.query(
            f"SELECT source, rating, rating_max, {rules.negative_sql()} AS negative, published_at, first_seen_at,"
            f" {REPLY_AT} AS reply_at, published_precision, reply_precision FROM reviews WHERE client_id = ?"
            f" AND {rules.tracked_sql()} AND COALESCE(published_at, first_seen_at) >= ?",
            [threshold, client_id, since])
