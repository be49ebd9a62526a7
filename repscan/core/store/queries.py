"""Canned queries for `repscan browse` (Datasette), with the rules written into their SQL."""

from __future__ import annotations

from collections.abc import Mapping

from repscan.core import rules
from repscan.core.competitors import clients_only_sql
from repscan.core.store.crawls import history_cutoffs
from repscan.core.store.reviews import POSTED_AT
from repscan.core.store.search_results import search_checks_sql

WEEK_AGO = "strftime('%Y-%m-%dT%H:%M:%f', 'now', '-7 days')"
# :client_id is a form field in Datasette; left blank, every client's rows and no competitor's (competitors.key)
FOR_CLIENT = f"((:client_id = '' AND {clients_only_sql('{0}client_id')}) OR {{0}}client_id = :client_id)"


def canned_queries(thresholds: Mapping[str, float] | None = None) -> dict[str, dict]:
    """Datasette's canned queries; `thresholds` are the clients' negative thresholds from the
    config (Datasette runs the SQL without us, so they are written into it)."""
    negative = rules.negative_sql(rules.thresholds_sql(thresholds or {}))
    return {
        "new_negatives": {
            "title": "New negative reviews (last 7 days, imported history left out)",
            "sql": f"WITH {history_cutoffs(None)} SELECT client_id, source, rating, rating_max, author, title, text, url,"
                   " published_at, negative_since, reply_text FROM reviews LEFT JOIN cutoffs ON crawl_id = first_crawl_id"
                   f" WHERE {negative} AND {rules.new_sql(WEEK_AGO)} AND NOT {rules.history_sql('cutoff')}"
                   f" AND {rules.tracked_sql()}"
                   f" AND {FOR_CLIENT.format('')} ORDER BY COALESCE(negative_since, first_seen_at) DESC",
        },
        "unanswered": {
            "title": "Negative reviews without an owner reply, oldest first",
            "sql": "SELECT client_id, source, rating, author, title, text, url, published_at FROM reviews"
                   f" WHERE {negative} AND NOT {rules.replied_sql(posted_at=POSTED_AT)} AND {rules.tracked_sql()}"
                   f" AND {FOR_CLIENT.format('')} ORDER BY COALESCE(published_at, first_seen_at)",
        },
        "complaints_on_page_one": {
            "title": "Complaints on page one at the latest check of each search (none when it found nothing)",
            "sql": f"WITH {search_checks_sql()} SELECT r.client_id, r.engine, r.query, r.rank, r.category, r.title,"
                   " r.url, r.seen_at FROM search_results r JOIN (SELECT client_id, engine, query, MAX(crawl_id)"
                   " AS crawl_id FROM search_checks GROUP BY client_id, engine, query) latest"
                   " ON r.client_id = latest.client_id AND r.engine = latest.engine AND r.query = latest.query"
                   f" AND r.crawl_id = latest.crawl_id WHERE {rules.on_page_one_sql('r.rank')}"
                   f" AND {rules.complaint_sql(category='r.category', negative_text='r.negative')}"
                   f" AND {FOR_CLIENT.format('r.')} ORDER BY r.client_id, r.engine, r.query, r.rank",
        },
        "source_health": {
            "title": "Last crawl of every source",
            "sql": "SELECT c.client_id, c.source, c.url, c.status, c.items, c.new_items, c.requests, c.finished_at, c.error"
                   " FROM crawls c JOIN (SELECT MAX(id) AS id FROM crawls GROUP BY client_id, source, url) last ON c.id = last.id"
                   f" WHERE {FOR_CLIENT.format('c.')} ORDER BY c.client_id, c.source",
        },
    }


CANNED_QUERIES = canned_queries()  # every client at the default threshold
