"""What reports and alerts read of search results: the latest check per engine and query, and how long a result has stood on page one."""

from __future__ import annotations

from repscan.core import rules
from repscan.core.search import normalize_url
from repscan.core.store.connection import Connection
from repscan.core.store.crawls import CLEAN

Searches = list[tuple[str, str]] | None  # the configured (engine, query) pairs; None: every pair with results


def search_checks_sql(client_id: str | None = None, until: str | None = None) -> str:
    """A CTE, search_checks(client_id, engine, query, crawl_id): every check of each engine and query (the rule
    of SearchResults.search_snapshot), of the client `client_id` and up to `until` when given (SQL expressions)."""
    rows = (f" AND client_id = {client_id}" if client_id else "") + (f" AND seen_at <= {until}" if until else "")
    crawls = f" AND c.finished_at <= {until}" if until else ""
    return ("search_checks AS (SELECT client_id, engine, query, crawl_id FROM search_results"
            f" WHERE crawl_id IS NOT NULL{rows} UNION SELECT p.client_id, p.engine, p.query, c.id FROM"
            " (SELECT client_id, engine, query, MIN(crawl_id) AS first FROM search_results"
            f" WHERE crawl_id IS NOT NULL{rows} GROUP BY client_id, engine, query) p JOIN crawls c"
            " ON c.client_id = p.client_id AND c.source = p.engine AND c.id > p.first"
            f" AND c.status IN ({', '.join(repr(status) for status in CLEAN)}){crawls})")


class SearchResults(Connection):
    def search_snapshot(self, client_id: str, until: str | None = None,
                        searches: Searches = None) -> dict[tuple[str, str], list[dict]]:
        """The results of the latest check of each (engine, query) up to `until`, in rank order: [] when that check
        found nothing. A check is a crawl of the engine that stored results of the query, or one after its first
        results that ended clean (ok, empty) without them (the query found nothing); a failed crawl without them
        tells nothing, and a query that never found anything has no check. Only the pairs in `searches` (a query or
        engine no longer configured is no longer reported)."""
        latest = self._latest_checks(client_id, until, searches)
        out: dict[tuple[str, str], list[dict]] = {}
        for (engine, query), (crawl_id, has_rows) in sorted(latest.items()):
            out[(engine, query)] = list(self._db.query(
                "SELECT * FROM search_results WHERE client_id = ? AND engine = ? AND query = ? AND crawl_id = ?"
                " ORDER BY rank", [client_id, engine, query, crawl_id])) if has_rows else []
        return out

    def search_on_page_one_since(self, client_id: str, until: str | None = None,
                                 searches: Searches = None) -> dict[tuple[str, str, str], str]:
        """(engine, query, normalize_url(url)) -> when the result's current run on page one began: the first check
        of the unbroken series of checks, up to the latest, that had it on page one (a result that left page one
        and came back is on it since it came back)."""
        out: dict[tuple[str, str, str], str] = {}
        for (engine, query), checks in self._checks(client_id, until, searches).items():
            rows = self._db.query(
                "SELECT crawl_id, url, seen_at FROM search_results WHERE client_id = ? AND engine = ? AND query = ?"
                f" AND {rules.on_page_one_sql()}" + (" AND seen_at <= ?" if until is not None else ""),
                [client_id, engine, query] + ([until] if until is not None else []))
            seen: dict[int, dict[str, str]] = {}
            for row in rows:
                urls = seen.setdefault(row["crawl_id"], {})
                key = normalize_url(row["url"])
                urls[key] = min(urls.get(key, row["seen_at"]), row["seen_at"])
            running = dict(seen.get(checks[-1], {}))
            alive = set(running)
            for crawl_id in reversed(checks[:-1]):
                alive &= set(seen.get(crawl_id, {}))
                if not alive:
                    break
                running.update({key: seen[crawl_id][key] for key in alive})
            out.update({(engine, query, key): when for key, when in running.items()})
        return out

    def page_one_complaints(self, client_id: str, searches: Searches = None) -> list[dict]:
        """The complaints (rules.complaint) on page one of the latest check of each engine and query."""
        return [row for rows in self.search_snapshot(client_id, searches=searches).values() for row in rows
                if rules.on_page_one(row["rank"]) and rules.complaint(row["category"], row["negative"])]

    def _checks(self, client_id: str, until: str | None, searches: Searches) -> dict[tuple[str, str], list[int]]:
        """Each (engine, query)'s checks (crawl ids, oldest first) up to `until` (search_checks_sql)."""
        found: dict[tuple[str, str], list[int]] = {}
        for row in self._db.query(
                f"WITH {search_checks_sql(':client_id', ':until' if until is not None else None)}"
                " SELECT engine, query, crawl_id FROM search_checks ORDER BY crawl_id",
                {"client_id": client_id, "until": until}):
            found.setdefault((row["engine"], row["query"]), []).append(row["crawl_id"])
        return {pair: found[pair] for pair in (found if searches is None else searches) if pair in found}

    def _latest_checks(self, client_id: str, until: str | None,
                       searches: Searches) -> dict[tuple[str, str], tuple[int, bool]]:
        """Each (engine, query)'s latest check: (crawl id, whether it stored results of the query)."""
        out = {}
        for pair, checks in self._checks(client_id, until, searches).items():
            has = self._db.execute("SELECT 1 FROM search_results WHERE client_id = ? AND engine = ? AND query = ?"
                                   " AND crawl_id = ? LIMIT 1", [client_id, *pair, checks[-1]]).fetchone()
            out[pair] = (checks[-1], has is not None)
        return out
