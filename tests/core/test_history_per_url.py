"""The history cut-off is per source URL, for alerts and reports: a client's second source on the same site
imports its own history on its own first crawl, however long after the first source's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.core.store.crawls import CLEAN, HISTORY_CUTOFFS
from repscan.reports import queries

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
FIRST, SECOND = "https://a.example/reviews", "https://b.example/reviews"


def bad(sid: str, published: datetime) -> dict:
    return {**make("review", source="jsonld", source_id=sid, url=f"https://x.example/{sid}", author=f"Person {sid}",
                   rating=1, text="Nobody came.", published_at=stamp(published)), "sentiment": -1.0, "negative": True}


def crawl(store: Store, url: str, ended: datetime, items: list[dict], status: str = "ok") -> None:
    crawl_id = store.start_crawl("acme", "jsonld", "JsonLdSpider", url, started_at=stamp(ended - timedelta(minutes=1)))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(ended - timedelta(seconds=30)))
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=len(items), requests=1, pages=1, full=True,
                       error=None, finished_at=stamp(ended))


def crawled(folder) -> Store:
    """Source A's first crawl 40 days ago; 39 days on, the same site's second source B is added: its first crawl
    finds a 33-day-old complaint (history) and one of today; A, read yesterday too, then finds a complaint it had
    missed, 33 days old (a backfill: history too), and one of 3 days ago (new)."""
    store = Store(folder / "repscan.db")
    crawl(store, FIRST, NOW - timedelta(days=40), [bad("a-old", NOW - timedelta(days=400))])
    crawl(store, FIRST, NOW - timedelta(days=1), [])
    crawl(store, SECOND, NOW - timedelta(hours=1), [bad("b-old", NOW - timedelta(days=33)),
                                                    bad("b-new", NOW - timedelta(hours=2))])
    crawl(store, FIRST, NOW - timedelta(minutes=30), [bad("a-missed", NOW - timedelta(days=33)),
                                                      bad("a-late", NOW - timedelta(days=3))])
    return store


def test_alerts_take_a_second_source_s_history_as_history(tmp_path):
    store = crawled(tmp_path)
    try:
        found = store.alert_candidates("acme", threshold=0.4)
        assert sorted(row["source_id"] for row in found if row["kind"] == "review") == ["a-late", "b-new"]
    finally:
        store.close()


def test_the_first_report_counts_a_second_source_s_history_as_history(tmp_path):
    cfg = load(write_config(tmp_path, [("jsonld", FIRST), ("jsonld", SECOND)]))
    store = crawled(tmp_path)
    try:
        data = queries.build(cfg, cfg.client("acme"), store, since=None, until=NOW)
        assert sorted(r.author for r in data.new_reviews) == ["Person a-late", "Person b-new"]
        assert data.summary.new_reviews == 2 and data.summary.history == 3  # a-old, b-old and a-missed
    finally:
        store.close()


def test_alerts_and_the_report_end_history_at_the_same_crawl(tmp_path):
    # The first crawl is cut short (an error at page 3); the next, clean one imports the rest of the history: one
    # cut-off for both, so what the report calls history never alerts, and what alerts is new in the report.
    cfg = load(write_config(tmp_path, [("jsonld", FIRST)]))
    store = Store(tmp_path / "repscan.db")
    crawl(store, FIRST, NOW - timedelta(hours=3), [bad("page-1-old", NOW - timedelta(days=300))], status="error")
    crawl(store, FIRST, NOW - timedelta(hours=2), [bad("page-4-old", NOW - timedelta(days=200))])
    crawl(store, FIRST, NOW - timedelta(minutes=30), [bad("today", NOW - timedelta(hours=1))])
    try:
        alerted = store.alert_candidates("acme", threshold=0.4)
        data = queries.build(cfg, cfg.client("acme"), store, since=None, until=NOW)
        assert sorted(row["source_id"] for row in alerted if row["kind"] == "review") == ["today"]
        assert [r.author for r in data.new_reviews] == ["Person today"] and data.summary.history == 2
    finally:
        store.close()


def test_an_undated_item_is_history_when_the_first_crawl_found_it_and_new_when_a_later_one_did(tmp_path):
    # One rule (rules.history) for the report and the alerts: an undated complaint the history import found says
    # nothing about being recent, so it is history in both; one a later crawl finds is new in both.
    cfg = load(write_config(tmp_path, [("jsonld", FIRST)]))
    store = Store(tmp_path / "repscan.db")
    undated = lambda sid: {**bad(sid, NOW), "published_at": None}  # noqa: E731
    crawl(store, FIRST, NOW - timedelta(days=3), [undated("undated-old"), bad("dated-old", NOW - timedelta(days=90))])
    crawl(store, FIRST, NOW - timedelta(hours=1), [undated("undated-new")])
    try:
        alerted = store.alert_candidates("acme", threshold=0.4)
        data = queries.build(cfg, cfg.client("acme"), store, since=None, until=NOW)
        assert sorted(row["source_id"] for row in alerted if row["kind"] == "review") == ["undated-new"]
        assert [r.author for r in data.new_reviews] == ["Person undated-new"] and data.summary.history == 2
        assert [r.author for r in data.negatives] == ["Person undated-new"]
    finally:
        store.close()


def test_the_previous_read_is_an_index_probe_per_clean_status(tmp_path):
    """The cut-offs stay one query whose previous read (rules.Cutoff) never scans a URL's crawls."""
    store = Store(tmp_path / "repscan.db")
    try:
        plan = [row["detail"] for row in store.query(f"EXPLAIN QUERY PLAN WITH {HISTORY_CUTOFFS} SELECT * FROM cutoffs",
                                                     ["acme", "acme"])]
    finally:
        store.close()
    probe = "USING COVERING INDEX idx_crawls_client_id_source_url_status (client_id=? AND source=? AND url=?" \
            " AND status=? AND rowid<?)"
    assert sum(probe in detail for detail in plan) == len(CLEAN)
    assert not any(detail.startswith("SCAN") and detail != "SCAN h" for detail in plan), plan
