"""Reply speed on the client's calendar, through real SQLite and the report's HTML and email text: a reply dated
by day is "the same day" by the dates the report prints in the client's zone; a reply dated before its review (a
site's clock, an offset on one side only) has an unknown delay, counted in no figure, and the report says so."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, normalise
from repscan.core.store import Store
from repscan.reports import queries, render

UNTIL = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def report(tmp_path, zone: str, **times):
    """The report (until UNTIL) of a client in `zone` with one negative review answered at `times`."""
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    review = normalise(make("review", source="trustpilot", source_id="r1", url="https://t.example/reviews/r1",
                            author="Dana Example", rating=1, text="Nobody called back.",
                            reply_text="Sorry, we will call today.", **times))
    store = Store(cfg.database)
    try:
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme",
                                  started_at="2026-12-04T18:00:00.000000Z")
        store.finish_crawl(crawl, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None,
                           finished_at="2026-12-04T18:01:00.000000Z")
        store.save_items("acme", [{**review, "sentiment": -1.0, "negative": True}], crawl_id=crawl,
                         seen_at="2026-12-04T18:00:00.000000Z")
        return queries.build(cfg, cfg.client("acme").model_copy(update={"timezone": zone}), store, since=None,
                             until=UNTIL)
    finally:
        store.close()


@pytest.mark.parametrize("zone, reply_at, same_day", [
    ("America/Los_Angeles", "2026-12-05T04:00:00Z", 1),  # printed "4 Dec 2026, 20:00": the review's day
    ("Europe/Kyiv", "2026-12-04T22:20:00Z", 0),          # printed "5 Dec 2026, 00:20": the next day
])
def test_a_reply_dated_by_day_is_the_same_day_on_the_clients_calendar(tmp_path, zone, reply_at, same_day):
    data = report(tmp_path, zone, published_at="2026-12-04", reply_at=reply_at)
    speed = data.reply_speed
    assert (speed.by_day, speed.same_day, speed.within_days, speed.within_hour) == (1, same_day, 1, 0)
    html = " ".join(render.render_html(data).split())
    assert f"1 reply is dated by day only: <strong>{same_day}</strong> the same day, <strong>1</strong> within" in html


def test_a_reply_before_its_review_is_never_within_the_hour(tmp_path):
    data = report(tmp_path, "Europe/Berlin", published_at="2026-12-04T16:00:00Z", reply_at="2026-12-04T09:30:00Z")
    speed = data.reply_speed
    assert (speed.negatives, speed.replied, speed.within_hour, speed.within_day, speed.median) == (1, 1, 0, 0, None)
    assert speed.before_review == 1
    html = " ".join(render.render_html(data).split())
    assert "<strong>0</strong> (0%) got a reply within the hour" in html
    assert "1 reply is dated before its review: its delay is unknown and in none of these counts." in html
    text = render.render_template("email.txt", data)
    assert "0 within the hour, 0 within 24 hours" in text


def test_a_day_dated_reply_before_its_review_is_in_no_by_day_count(tmp_path):
    """A reply dated 3 Dec to a review of 4 Dec (both by day): its delay is unknown, so "dated by day only" does not
    count it, or the report would say it counts in none of the figures and count it in one."""
    data = report(tmp_path, "Europe/Berlin", published_at="2026-12-04", reply_at="2026-12-03")
    speed = data.reply_speed
    assert (speed.before_review, speed.by_day, speed.same_day, speed.within_days) == (1, 0, 0, 0)
    html = " ".join(render.render_html(data).split())
    assert "dated by day only" not in html and "1 reply is dated before its review" in html
