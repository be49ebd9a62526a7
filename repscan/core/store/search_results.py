"""What reports and alerts read of search results: the latest check per engine and query, and how long a result has stood on page one."""

from __future__ import annotations

from repscan.core import rules, sites
from repscan.core.search import normalize_url
from repscan.core.store.connection import Connection
from repscan.core.store.crawls import CLEAN

Searches = list[tuple[str, str]] | None  # the configured (engine, query) pairs; None: every pair with results


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
        """Each (engine, query)'s checks (crawl ids, oldest first) up to `until` (see search_snapshot)."""
        where, params = "client_id = ?", [client_id]
        if until is not None:
            where += " AND seen_at <= ?"
            params.append(until)
        found: dict[tuple[str, str], set[int]] = {}
        for row in self._db.query(f"SELECT DISTINCT engine, query, crawl_id FROM search_results WHERE {where}"
                                  " AND crawl_id IS NOT NULL", params):
            found.setdefault((row["engine"], row["query"]), set()).add(row["crawl_id"])
        engines = sites.keys("search")
        clean: dict[str, set[int]] = {}
        for row in self._db.query(
                f"SELECT source, id FROM crawls WHERE client_id = ? AND source IN ({', '.join('?' * len(engines))})"
                f" AND status IN ({', '.join('?' * len(CLEAN))})" + (" AND finished_at <= ?" if until is not None else ""),
                [client_id, *engines, *CLEAN] + ([until] if until is not None else [])):
            clean.setdefault(row["source"], set()).add(row["id"])
        out = {}
        for pair in (found.keys() if searches is None else searches):
            if pair in found:  # a crawl before the query's first result may not have asked it: no check of it
                first = min(found[pair])
                out[pair] = sorted(found[pair] | {c for c in clean.get(pair[0], ()) if c > first})
        return out

    def _latest_checks(self, client_id: str, until: str | None,
                       searches: Searches) -> dict[tuple[str, str], tuple[int, bool]]:
        """Each (engine, query)'s latest check: (crawl id, whether it stored results of the query)."""
        out = {}
        for pair, checks in self._checks(client_id, until, searches).items():
            has = self._db.execute("SELECT 1 FROM search_results WHERE client_id = ? AND engine = ? AND query = ?"
                                   " AND crawl_id = ? LIMIT 1", [client_id, *pair, checks[-1]]).fetchone()
            out[pair] = (checks[-1], has is not None)
        return out
