"""A reply dated by calendar day only (Yelp) is never "within the hour": a real crawl, then the report's figures."""

from __future__ import annotations

import sqlite3

from crawl_harness import Expect, Scenario, Serve, Site, crawl
from repscan.core.config import load
from repscan.core.items import utcnow
from repscan.core.store import Store
from repscan.reports import queries, render

BIZ = "/biz/copperleaf-plumbing-portland"


def yelp_scenario(reply_day: str) -> Scenario:
    """Yelp's three pages; Marcy T.'s 1-star review (exact time 2024-03-15 02:00 UTC) answered on `reply_day`."""
    pages = ((1, None), (1, "0"), (2, "10"), (3, "20"))
    return Scenario("yelp-reply-day", "yelp", BIZ, prefix=BIZ, first=Expect(),
                    serve=[Serve(BIZ, f"yelp/biz-page-{n}-of-3", query={"start": start},
                                 replace={"3/16/2024": reply_day} if n == 1 else {}) for n, start in pages])


def test_a_reply_dated_by_day_is_counted_in_days_not_within_the_hour(tmp_path):
    with Site(yelp_scenario("3/15/2024")) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    marcy = next(r for r in run.reviews if r["author"] == "Marcy T.")
    assert (marcy["published_at"], marcy["published_precision"]) == ("2024-03-15T02:00:00Z", "exact")
    assert (marcy["reply_at"], marcy["reply_precision"]) == ("2024-03-15T00:00:00Z", "day")  # midnight: before the review

    # The saved pages are from March 2024: as if the source had been watched since then (and these reviews found
    # the day after they were written), so the first report counts them as new rather than as history imported by a
    # first crawl or a backfill (rules.history).
    with sqlite3.connect(tmp_path / "repscan.db") as db:
        db.execute("UPDATE crawls SET started_at = '2024-03-10T09:00:00.000000Z', "
                   "finished_at = '2024-03-10T09:01:00.000000Z'")
        db.execute("UPDATE reviews SET first_seen_at = '2024-03-17T09:00:00.000000Z', "
                   "last_seen_at = '2024-03-17T09:00:00.000000Z'")
    config = load(tmp_path / "repscan.toml")
    store = Store(config.database)
    try:
        data = queries.build(config, config.client("acme"), store, since=None, until=utcnow())
    finally:
        store.close()
    speed = data.reply_speed
    assert (speed.within_hour, speed.within_day, speed.median) == (0, 0, None)  # no exact pair among the replies
    assert (speed.by_day, speed.same_day, speed.within_days) == (1, 1, 1)
    [row] = [r for r in data.negatives if r.author == "Marcy T."]
    assert row.reply_delay is None and row.reply_timing.days == 0

    html = " ".join(render.render_html(data).split())
    assert "<strong>0</strong> (0%) got a reply within the hour" in html
    assert "1 reply is dated by day only: <strong>1</strong> the same day" in html
    text = render.render_template("email.txt", data)
    assert "0 within the hour, 0 within 24 hours; dated by day only: 1 the same day" in text
