"""A reply dated before its review (a site's clock, an offset on one side only) has an unknown delay: the report
counts it in no reply-speed figure and says so, through real SQLite and the report's HTML and email text."""

from __future__ import annotations

from datetime import datetime, timezone

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, normalise
from repscan.core.store import Store
from repscan.reports import queries, render

UNTIL = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def test_a_reply_before_its_review_is_never_within_the_hour(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    review = normalise(make("review", source="trustpilot", source_id="r1", url="https://t.example/reviews/r1",
                            author="Dana Example", rating=1, text="Nobody called back.",
                            published_at="2026-12-04T16:00:00Z", reply_text="Sorry, we will call today.",
                            reply_at="2026-12-04T09:30:00Z"))
    store = Store(cfg.database)
    try:
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme",
                                  started_at="2026-12-04T18:00:00.000000Z")
        store.finish_crawl(crawl, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None,
                           finished_at="2026-12-04T18:01:00.000000Z")
        store.save_items("acme", [{**review, "sentiment": -1.0, "negative": True}], crawl_id=crawl,
                         seen_at="2026-12-04T18:00:00.000000Z")
        data = queries.build(cfg, cfg.client("acme"), store, since=None, until=UNTIL)
    finally:
        store.close()
    speed = data.reply_speed
    assert (speed.negatives, speed.replied, speed.within_hour, speed.within_day, speed.median) == (1, 1, 0, 0, None)
    assert speed.before_review == 1
    html = " ".join(render.render_html(data).split())
    assert "<strong>0</strong> (0%) got a reply within the hour" in html
    assert "1 reply is dated before its review: its delay is unknown and in none of these counts." in html
    text = render.render_template("email.txt", data)
    assert "0 within the hour, 0 within 24 hours" in text
