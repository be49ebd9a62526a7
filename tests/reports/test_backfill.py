"""A backfill is history: old reviews a later crawl (a raised max_pages with `crawl --full`) or a late ingest finds
are counted, listed while unanswered, never called new and never alerted (rules.history), through real SQLite, the
alerts and the report's PDF text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, normalise, stamp
from repscan.core.store import Store
from repscan.reports import alerts, queries
from repscan.reports.render import render_pdf

URL = "https://t.example/review/acme"
FIRST = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)  # the first crawl: 50 pages, "max_pages reached"
REPORTED = FIRST + timedelta(days=3)  # the first report's cutoff
FULL = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)  # max_pages raised, `crawl --full`
UNTIL = FULL + timedelta(days=1)


def review(sid: str, stars: int, published: str, reply: str | None = None) -> dict:
    return {**normalise(make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                             author=f"Person {sid}", rating=stars, title=f"Title {sid}", text="Made-up words.",
                             published_at=published, reply_text=reply)), "sentiment": -1.0 if stars <= 2 else 0.8,
            "negative": stars <= 2}


def crawl(store: Store, at: datetime, items: list[dict], error: str | None = None) -> None:
    crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", URL, started_at=stamp(at))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(at + timedelta(minutes=5)))
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=len(items), requests=50, pages=50,
                       full=True, error=error, finished_at=stamp(at + timedelta(minutes=10)))


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """The first crawl stops at max_pages with this month's reviews; the full crawl finds two unanswered old
    negatives (2023) and an answered one, and one negative that is news; a late ingest brings a 2024 negative."""
    folder = tmp_path_factory.mktemp("backfill")
    cfg = load(write_config(folder, [("trustpilot", URL)]))
    store = Store(cfg.database)
    crawl(store, FIRST, [review("recent-good", 5, "2026-11-18"), review("recent-bad", 1, "2026-11-17")],
          error="max_pages reached")
    crawl(store, FULL, [review("old-1", 1, "2023-06-01"), review("old-2", 2, "2023-07-15"),
                        review("old-answered", 1, "2023-05-02", reply="Made-up reply."),
                        review("news", 1, "2026-11-30")])
    store.save_items("acme", [review("fed-old", 1, "2024-01-10")], seen_at=stamp(FULL + timedelta(hours=2)))
    client = cfg.client("acme")
    data = queries.build(cfg, client, store, since=stamp(REPORTED), until=UNTIL)
    pdf = render_pdf(data, folder / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    yield cfg, store, data, text
    store.close()


def test_a_backfill_never_alerts_only_the_news_does(scene):
    cfg, store, _data, _text = scene
    found = store.alert_candidates("acme", threshold=0.4, fresh_since=stamp(FULL - timedelta(days=7)))
    assert sorted(row["source_id"] for row in found if row["kind"] == "review") == ["news"]
    alerts.collect(cfg, store, FULL + timedelta(hours=3))
    assert sorted(a["item_key"] for a in store.alerts("acme") if a["kind"] == "review") == ["trustpilot:news"]


def test_the_report_counts_the_backfill_as_history_and_lists_it_as_waiting(scene):
    _cfg, _store, data, text = scene
    assert [r.source_id for r in data.new_reviews] == ["news"] and data.summary.new_reviews == 1
    assert [r.source_id for r in data.negatives] == ["news"]
    assert data.summary.history == 4  # old-1, old-2, old-answered and the ingested fed-old
    assert {r.source_id for r in data.unanswered} >= {"old-1", "old-2", "fed-old", "recent-bad", "news"}
    assert "4 older reviews found late (published more than 14 days before they were found) are counted as" \
           " history, not as new" in text
    assert "Title old-1" in text and "Title fed-old" in text  # listed, waiting


def test_the_previous_period_before_the_first_crawl_is_never_backwards(tmp_path):
    """`repscan report --since` before the first crawl: the previous period ends at `since` and starts no later."""
    cfg = load(write_config(tmp_path, [("trustpilot", URL)]))
    store = Store(cfg.database)
    try:
        crawl(store, FIRST, [review("recent-bad", 1, "2026-11-17")])
        since = FIRST - timedelta(days=19)  # 1 Nov, before the first crawl
        data = queries.build(cfg, cfg.client("acme"), store, since=stamp(since), until=FIRST + timedelta(days=1))
        assert data.compared_with == "up to 1 Nov 2026"
        assert data.summary.previous.new_reviews == 0
    finally:
        store.close()
