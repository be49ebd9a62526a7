"""What reports and alerts read of search results: the latest page per engine and query, and first sightings."""

from __future__ import annotations

from repscan.core import rules
from repscan.core.store.connection import Connection


class SearchResults(Connection):
    def search_snapshot(self, client_id: str, until: str | None = None) -> dict[tuple[str, str], list[dict]]:
        """The latest results per (engine, query) seen up to `until`, in rank order."""
        where, params = "client_id = ?", [client_id]
        if until is not None:
            where += " AND seen_at <= ?"
            params.append(until)
        rows = self._db.query(
            f"SELECT r.* FROM search_results r JOIN (SELECT engine, query, MAX(crawl_id) AS crawl_id"
            f" FROM search_results WHERE {where} GROUP BY engine, query) latest"
            " ON r.engine = latest.engine AND r.query = latest.query AND r.crawl_id = latest.crawl_id"
            " WHERE r.client_id = ? ORDER BY r.engine, r.query, r.rank", params + [client_id])
        out: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            out.setdefault((row["engine"], row["query"]), []).append(row)
        return out

    def search_first_seen(self, client_id: str) -> dict[tuple[str, str, str], str]:
        """When each URL was first seen on page one for an engine and query."""
        rows = self._db.query(
            "SELECT engine, query, url, MIN(seen_at) AS first FROM search_results"
            f" WHERE client_id = ? AND {rules.on_page_one_sql()} GROUP BY engine, query, url", [client_id])
        return {(r["engine"], r["query"], r["url"]): r["first"] for r in rows}

    def page_one_complaints(self, client_id: str) -> list[dict]:
        """The complaints (rules.complaint) on page one of the latest results of each engine and query."""
        return [row for rows in self.search_snapshot(client_id).values() for row in rows
                if rules.on_page_one(row["rank"]) and rules.complaint(row["category"], row["negative"])]
