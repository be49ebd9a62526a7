"""Canned queries for `repscan browse` (Datasette), with the rules written into their SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from repscan.core import rules
from repscan.core.rules import sql_text
from repscan.core.secrets import redact
from repscan.core.competitors import clients_only_sql
from repscan.core.store.crawls import history_cutoffs
from repscan.core.store.reviews import POSTED_AT
from repscan.core.store.search_results import search_checks_sql

WEEK_AGO = "strftime('%Y-%m-%dT%H:%M:%f', 'now', '-7 days')"
# :client_id is a form field in Datasette; left blank, every client's rows and no competitor's (competitors.key)
FOR_CLIENT = f"((:client_id = '' AND {clients_only_sql('{0}client_id')}) OR {{0}}client_id = :client_id)"
AT_LOCATION = "(:location = '' OR location = :location)"  # a form field too: blank, every location and none


def source_locations(clients: Iterable) -> dict[tuple[str, str, str], str]:
    """Per configured source of a chain's location (client id, site, URL as crawls record it): the location's name
    (Client.location_of); a source about every location (the brand) has none."""
    out = {}
    for client in clients:
        for source in client.sources:
            location = client.location_of(source.site, source.url)
            if location is not None:
                out[(client.id, source.site, redact(source.url))] = location.name
    return out


def location_sql(locations: Mapping[tuple[str, str, str], str], crawl_id: str = "first_crawl_id") -> str:
    """The location of a review or post as an SQL expression (NULL for none): that of the source whose crawl first
    found it (`crawl_id`), as Client.location_of says (source_locations), written into the SQL like the thresholds."""
    if not locations:
        return "NULL"
    arms = " ".join(f"WHEN {sql_text(chr(10).join(key))} THEN {sql_text(name)}"
                    for key, name in sorted(locations.items()))
    return (f"(SELECT CASE c.client_id || char(10) || c.source || char(10) || c.url {arms} END"
            f" FROM crawls c WHERE c.id = {crawl_id})")


def searched_sql(searches: Mapping[str, Iterable[tuple[str, str]]] | None, prefix: str = "") -> str:
    """Only the (engine, query) pairs each client's config asks (search.configured), as the report reads them;
    every pair when `searches` is None (no config at hand)."""
    if searches is None:
        return "1"
    keys = sorted(sql_text("\n".join((client_id, engine, query)))
                  for client_id, pairs in searches.items() for engine, query in pairs)
    column = f"{prefix}client_id || char(10) || {prefix}engine || char(10) || {prefix}query"
    return f"({column} IN ({', '.join(keys)}))" if keys else "0"


def canned_queries(thresholds: Mapping[str, float] | None = None,
                   locations: Mapping[tuple[str, str, str], str] | None = None,
                   searches: Mapping[str, Iterable[tuple[str, str]]] | None = None) -> dict[str, dict]:
    """Datasette's canned queries; `thresholds` are the clients' negative thresholds from the
    config, `locations` the chains' sources' locations (source_locations) and `searches` each client's configured
    (engine, query) pairs: Datasette runs the SQL without us, so they are written into it. The reviews' queries give
    each its location and take an optional one."""
    negative = rules.negative_sql(rules.thresholds_sql(thresholds or {}))
    location = f"{location_sql(locations or {})} AS location"
    return {
        "new_negatives": {
            "title": "New negative reviews (last 7 days, imported history left out)",
            "sql": f"WITH {history_cutoffs(None)} SELECT client_id, {location}, source, rating, rating_max, author,"
                   " title, text, url, published_at, negative_since, reply_text FROM reviews LEFT JOIN cutoffs h"
                   f" ON h.crawl_id = first_crawl_id WHERE {negative} AND {rules.new_sql(WEEK_AGO)}"
                   f" AND NOT {rules.history_sql('h')} AND {rules.tracked_sql()} AND {FOR_CLIENT.format('')}"
                   f" AND {AT_LOCATION} ORDER BY COALESCE(negative_since, first_seen_at) DESC",
        },
        "unanswered": {
            "title": "Negative reviews without an owner reply, oldest first",
            "sql": f"SELECT client_id, {location}, source, rating, author, title, text, url, published_at FROM reviews"
                   f" WHERE {negative} AND NOT {rules.replied_sql(posted_at=POSTED_AT)} AND {rules.tracked_sql()}"
                   f" AND {FOR_CLIENT.format('')} AND {AT_LOCATION} ORDER BY COALESCE(published_at, first_seen_at)",
        },
        "complaints_on_page_one": {
            "title": "Complaints on page one at the latest check of each search (none when it found nothing)",
            "sql": f"WITH {search_checks_sql()} SELECT r.client_id, r.engine, r.query, r.rank, r.category, r.title,"
                   " r.url, r.seen_at FROM search_results r JOIN (SELECT client_id, engine, query, MAX(crawl_id)"
                   " AS crawl_id FROM search_checks GROUP BY client_id, engine, query) latest"
                   " ON r.client_id = latest.client_id AND r.engine = latest.engine AND r.query = latest.query"
                   f" AND r.crawl_id = latest.crawl_id WHERE {rules.on_page_one_sql('r.rank')}"
                   f" AND {rules.complaint_sql(category='r.category', negative_text='r.negative')}"
                   f" AND {searched_sql(searches, 'r.')} AND {FOR_CLIENT.format('r.')}"
                   " ORDER BY r.client_id, r.engine, r.query, r.rank",
        },
        "source_health": {
            "title": "Last crawl of every source",
            "sql": "SELECT c.client_id, c.source, c.url, c.status, c.items, c.new_items, c.requests, c.finished_at, c.error"
                   " FROM crawls c JOIN (SELECT MAX(id) AS id FROM crawls GROUP BY client_id, source, url) last ON c.id = last.id"
                   f" WHERE {FOR_CLIENT.format('c.')} ORDER BY c.client_id, c.source",
        },
    }


CANNED_QUERIES = canned_queries()  # every client at the default threshold
