"""The alerts' history cut-off is per source URL: a client's second source on the same site imports its own
history on its own first crawl, however long after the first source's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from repscan.core.items import make, stamp
from repscan.core.store import Store

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
FIRST, SECOND = "https://a.example/reviews", "https://b.example/reviews"


def bad(sid: str, published: datetime) -> dict:
    return {**make("review", source="jsonld", source_id=sid, url=f"https://x.example/{sid}", author="A. Person",
                   rating=1, text="Nobody came.", published_at=stamp(published)), "sentiment": -1.0, "negative": True}


def crawl(store: Store, url: str, ended: datetime, items: list[dict]) -> None:
    crawl_id = store.start_crawl("acme", "jsonld", "JsonLdSpider", url, started_at=stamp(ended - timedelta(minutes=1)))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(ended - timedelta(seconds=30)))
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=len(items), requests=1, pages=1, full=True,
                       error=None, finished_at=stamp(ended))


def test_a_second_source_on_one_site_imports_its_own_history(tmp_path):
    store = Store(tmp_path / "repscan.db")
    try:
        crawl(store, FIRST, NOW - timedelta(days=40), [bad("a-old", NOW - timedelta(days=400))])
        # 39 days on, the same site's second source is added: its first crawl finds a 33-day-old complaint
        # (history), and one of today; the first source finds a complaint it had missed, also 33 days old.
        crawl(store, SECOND, NOW - timedelta(hours=1), [bad("b-old", NOW - timedelta(days=33)),
                                                        bad("b-new", NOW - timedelta(hours=2))])
        crawl(store, FIRST, NOW - timedelta(minutes=30), [bad("a-missed", NOW - timedelta(days=33))])
        found = store.alert_candidates("acme", stamp(NOW - timedelta(hours=48)), threshold=0.4, slack_hours=48)
        assert sorted(row["source_id"] for row in found if row["kind"] == "review") == ["a-missed", "b-new"]
    finally:
        store.close()
