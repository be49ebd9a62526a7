"""The alerts table: what needs an alert (negatives and page-one complaints), each item once, and its delivery."""

from __future__ import annotations

from repscan.core import rules
from repscan.core.store.search_results import SearchResults

# A source's history cut-off: when its first clean crawl finished (computed once, not per row).
_FIRST_CRAWL = ("WITH first AS (SELECT source, MIN(finished_at) AS finished FROM crawls"
                " WHERE client_id = ? AND status IN ('ok', 'empty') GROUP BY source) ")
_CANDIDATES = {  # kind: (table, its extra columns, the rule's columns)
    "review": ("reviews", ", t.rating, t.rating_max, t.reply_text",
               {"rating": "t.rating", "rating_max": "t.rating_max", "text_negative": "t.negative"}),
    "post": ("posts", ", NULL AS rating, NULL AS rating_max, NULL AS reply_text",
             {"rating": "NULL", "rating_max": "NULL", "text_negative": "t.negative"}),
}


class Alerts(SearchResults):
    def alert_candidates(self, client_id: str, recent_since: str, *, threshold: float) -> list[dict]:
        """Negative reviews and posts (rules.negative at the client's current threshold), and
        complaints on page one, that have no alert yet.

        A source's first crawl imports its history: its old negatives alert only when
        published after `recent_since`; anything that turns up or turns negative later alerts.
        """
        out = []
        for kind, (table, extra, columns) in _CANDIDATES.items():
            out += [{**row, "kind": kind} for row in self._db.query(
                f"{_FIRST_CRAWL}SELECT t.source, t.source_id, t.url, t.title, t.text, t.author, t.published_at{extra}"
                f" FROM {table} t LEFT JOIN first ON first.source = t.source WHERE t.client_id = ?"
                f" AND {rules.negative_sql(**columns)}"
                + (" AND t.removed_at IS NULL" if table == "reviews" else "") +
                " AND (t.first_seen_at > COALESCE(first.finished, '') OR t.negative_since > COALESCE(first.finished, '')"
                " OR t.published_at >= ?) AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.client_id = t.client_id"
                " AND a.kind = ? AND a.item_key = t.source || ':' || t.source_id)",
                [client_id, client_id, threshold, recent_since, kind])]
        out += [{**row, "kind": "search"} for row in self.page_one_complaints(client_id)
                if not self._alerted(client_id, "search", f"{row['engine']}:{row['query']}:{row['url']}")]
        return out

    def _alerted(self, client_id: str, kind: str, key: str) -> bool:
        return self._one("SELECT 1 AS hit FROM alerts WHERE client_id = ? AND kind = ? AND item_key = ?",
                         [client_id, kind, key]) is not None

    def add_alerts(self, rows: list[dict]) -> int:
        """Insert alerts, ignoring any item already alerted (the unique key makes it once per item)."""
        with self.transaction():
            before = self._db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
            self._db["alerts"].insert_all(rows, ignore=True)
            return self._db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] - before

    def pending_alerts(self, now: str) -> list[dict]:
        return self.query("SELECT * FROM alerts WHERE sent_at IS NULL AND due_at <= ? ORDER BY client_id, id", [now])

    def alerts(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return self.query(f"SELECT * FROM alerts {where} ORDER BY id", params)

    def mark_alerts(self, ids: list[int], *, sent_at: str | None, channels: str, error: str | None) -> None:
        with self.transaction():
            for alert_id in ids:
                self._db["alerts"].update(alert_id, {"sent_at": sent_at, "channels": channels, "error": error})
