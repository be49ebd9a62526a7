"""The alerts table: what needs an alert (negatives, page-one complaints, broken sources, spikes), each once, and its delivery."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from repscan.core import rules
from repscan.core.items import parse_iso, stamp
from repscan.core.search import normalize_url
from repscan.core.store.crawls import HISTORY_CUTOFFS, client_states
from repscan.core.store.deliveries import GIVEN_UP
from repscan.core.store.reviews import counted_posted_at_sql, not_shown_sql, posted_at_sql
from repscan.core.store.search_results import SearchResults

_CUTOFFS = f"WITH {HISTORY_CUTOFFS} "  # each crawl's history cut-off (crawls.history_cutoffs)
_NOT_HISTORY = "NOT " + rules.history_sql("h", first_seen_at="t.first_seen_at", negative_since="t.negative_since",
                                           published_at="t.published_at")
_CANDIDATES = {  # kind: (table, its extra columns, the rule's columns)
    "review": ("reviews", ", t.rating, t.rating_max, t.reply_text",
               {"rating": "t.rating", "rating_max": "t.rating_max", "text_negative": "t.negative"}),
    "post": ("posts", ", NULL AS rating, NULL AS rating_max, NULL AS reply_text",
             {"rating": "NULL", "rating_max": "NULL", "text_negative": "t.negative"}),
}


_REPLIED = {  # kind: rules.replied over its table. A review's reply posted from repscan counts while the site may
    # show it (rules.posted_reply); posts carry no reply of the site's: one posted from repscan counts (mention_open)
    "review": rules.replied_sql(reply_text="t.reply_text", reply_at="t.reply_at",
                                posted_at=counted_posted_at_sql("t")),
    "post": rules.replied_sql(reply_text="NULL", reply_at="NULL", posted_at=posted_at_sql("t")),
}


class Alerts(SearchResults):
    def alert_candidates(self, client_id: str, *, threshold: float, fresh_since: str = "",
                         searches: list[tuple[str, str]] | None = None) -> list[dict]:
        """Negative reviews and posts (rules.negative at the client's current threshold) that are not imported
        history (rules.history: what the report calls new, alerts), are fresh (first seen or turned negative after
        `fresh_since`: rules.ALERT_FRESH) and not answered (rules.replied, a reply posted from repscan included);
        complaints on page one of the latest check of the configured `searches` (engine, query), and broken
        sources; each that has no alert yet."""
        out = self._negatives(client_id, threshold, "t.text, t.published_at", lambda kind: (
            f"{_NOT_HISTORY} AND {rules.new_sql(first_seen_at='t.first_seen_at', negative_since='t.negative_since')}"
            f" AND NOT {_REPLIED[kind]} AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.client_id = t.client_id"
            " AND a.kind = ? AND a.item_key = t.source || ':' || t.source_id)", [fresh_since, kind]))
        best: dict[str, dict] = {}  # one alert per URL, however many engines and queries show it: its best rank
        for row in sorted(self.page_one_complaints(client_id, searches), key=lambda row: row["rank"]):
            best.setdefault(normalize_url(row["url"]), row)
        out += [{**row, "kind": "search", "key": key} for key, row in best.items()
                if not self._alerted(client_id, "search", key)]
        out += [item for item in self.broken_sources(client_id) if not self._alerted(client_id, "source", item["key"])]
        return out

    def unshown_replies(self, client_id: str) -> list[dict]:
        """The client's tracked reviews whose reply posted from repscan the site does not show
        (rules.reply_not_shown), each with its source, source_id, url, when it was posted and last read cleanly."""
        return self.query(
            f"SELECT t.source, t.source_id, t.url, {posted_at_sql('t')} AS posted_at, t.last_seen_at AS read_at"
            f" FROM reviews t WHERE t.client_id = ? AND {rules.tracked_sql('t.removed_at')} AND {not_shown_sql('t')}"
            " ORDER BY t.source, t.source_id", [client_id])

    def broken_sources(self, client_id: str) -> list[dict]:
        """The sources (a client's or a competitor's) broken now, each keyed by its broken run: alerted when it
        breaks, again only once it has recovered and broken anew."""
        return [{"kind": "source", "key": f"{source} {url} after crawl {state.recovered_at}", "source": source,
                 "url": url, "error": state.error, "since": state.since["finished_at"], "status": state.status}
                for (source, url), state in client_states(self._db, client_id).items() if state.status == "broken"]

    def failing_sources(self, client_id: str, *, now: datetime, interval: timedelta | None) -> list[dict]:
        """The sources blocked or failing (status blocked or error) long enough to tell (rules.failing_told),
        each keyed by that run of its status, and those stale (rules.stale at the client's crawl schedule's
        `interval`) for longer than that, keyed by their last clean crawl: each told once a run or stale spell."""
        out = []
        for (source, url), state in client_states(self._db, client_id, now=now, interval=interval).items():
            item = {"kind": "source", "source": source, "url": url, "error": state.error, "status": state.status}
            if state.status in ("blocked", "error") and rules.failing_told(state.since["finished_at"] or "",
                                                                          bool(state.recovered_at), now):
                out.append({**item, "key": f"{source} {url} {state.status} from crawl {state.since['id']}",
                            "since": state.since["finished_at"]})
            elif state.status == "stale":
                since = rules.stale_since(parse_iso(state.last["finished_at"] or state.last["started_at"]), interval)
                if rules.stale_told(since, now):
                    out.append({**item, "key": f"{source} {url} stale after crawl {state.last['id']}",
                                "since": stamp(since)})
        return out

    def spike_negatives(self, client_id: str, *, threshold: float, since: str) -> list[dict]:
        """The client's negative reviews and posts (rules.negative) published or first seen since `since`, each with
        its kind, its rules.history flag ("history"), whether a spike alert listed it already ("spiked") and whether
        an alert of its own was made ("alerted")."""
        spiked = self.spiked_keys(client_id)
        alerted = {row[0] for row in self._db.execute(
            "SELECT item_key FROM alerts WHERE client_id = ? AND kind IN ('review', 'post')", [client_id])}
        rows = self._negatives(client_id, threshold, f"t.published_at, t.published_precision, t.first_seen_at,"
                               f" NOT {_NOT_HISTORY} AS history",
                               lambda kind: ("(t.published_at >= ? OR t.first_seen_at >= ?)", [since, since]))
        return [{**row, "history": bool(row["history"]), "spiked": f"{row['source']}:{row['source_id']}" in spiked,
                 "alerted": f"{row['source']}:{row['source_id']}" in alerted} for row in rows]

    def _negatives(self, client_id: str, threshold: float, columns: str, where) -> list[dict]:
        """The client's negative reviews (not removed) and posts, rules.negative at `threshold`: each its kind,
        source, source_id, url, title, author, rating, rating_max, reply_text and `columns` (of t, the item, and h,
        its history cut-off); `where(kind)` gives a further SQL condition and its parameters."""
        out = []
        for kind, (table, extra, rule) in _CANDIDATES.items():
            condition, params = where(kind)
            out += [{**row, "kind": kind} for row in self._db.query(
                f"{_CUTOFFS}SELECT t.source, t.source_id, t.url, t.title, t.author{extra}, {columns}"
                f" FROM {table} t LEFT JOIN cutoffs h ON h.crawl_id = t.first_crawl_id WHERE t.client_id = ?"
                f" AND {rules.negative_sql(**rule)}" + (" AND t.removed_at IS NULL" if table == "reviews" else "")
                + f" AND {condition} ORDER BY t.source, t.source_id", [client_id, client_id, client_id, threshold,
                                                                       *params])]
        return out

    def spiked_keys(self, client_id: str) -> set[str]:
        """The reviews ("source:source_id") that spike alerts listed (an alert's text is its burst, as JSON)."""
        return {review["key"] for row in self._db.query(
            "SELECT text FROM alerts WHERE client_id = ? AND kind = 'spike'", [client_id])
            for review in json.loads(row["text"] or "[]")}

    def spike_alerts(self, client_id: str, since: str | None, until: str) -> list[dict]:
        """The client's spike alerts created after `since` (ever, when None) up to `until`, oldest first."""
        return self.query("SELECT * FROM alerts WHERE client_id = ? AND kind = 'spike' AND created_at > ?"
                          " AND created_at <= ? ORDER BY created_at", [client_id, since or "", until])

    def answered(self, client_id: str, keys: list[str]) -> set[str]:
        """Which of these reviews and posts ("source:source_id") are answered now (rules.replied; a reply posted from
        repscan included): an alert still waiting for its time asks for a reply no longer needed."""
        found: set[str] = set()
        for kind, (table, _extra, _rule) in _CANDIDATES.items():
            for at in range(0, len(keys), 500):
                part = keys[at:at + 500]
                found.update(row[0] for row in self._db.execute(
                    f"SELECT t.source || ':' || t.source_id FROM {table} t WHERE t.client_id = ? AND {_REPLIED[kind]}"
                    f" AND t.source || ':' || t.source_id IN ({', '.join('?' * len(part))})", [client_id, *part]))
        return found

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
        """The alerts due by `now` not sent yet, but for those every channel of which was given up (GIVEN_UP)."""
        return self.query("SELECT * FROM alerts WHERE sent_at IS NULL AND due_at <= ? AND channels IS NOT ?"
                          " ORDER BY client_id, id", [now, GIVEN_UP])

    def alerts(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return self.query(f"SELECT * FROM alerts {where} ORDER BY id", params)

    def mark_alerts(self, ids: list[int], *, sent_at: str | None, channels: str, error: str | None) -> None:
        with self.transaction():
            for alert_id in ids:
                self._db["alerts"].update(alert_id, {"sent_at": sent_at, "channels": channels, "error": error})
