"""A Trustpilot page whose reviews lost their stars (a renamed field) through a real crawl over loopback into real
SQLite: the crawl keeps the reviews, stays ok but not complete and names the field; the delivered report's source row
and its sentence say the star ratings were not read (the PDF read back with pypdf, the email from aiosmtpd)."""

from __future__ import annotations

import pytest

from crawl_harness import Expect, Scenario, Serve, Site, crawl
from delivered import Delivered
from repscan.core.config import load
from repscan.core.items import parse_iso
from repscan.core.store.crawls import UNREAD, UNREAD_FIELDS
from repscan.reports.model import format_day

PAGE = "/review/kettleandcrumb.example"
TZ = "Europe/Berlin"  # write_config's client
STARS = {'"rating":': '"stars":'}  # the layout change: every review's rating under another name


@pytest.mark.drill
def test_reviews_that_lost_their_stars_are_kept_and_the_report_says_their_ratings_were_not_read(tmp_path):
    scenario = Scenario("trustpilot-no-stars", "trustpilot", f"{PAGE}?sort=recency", serve=[
        Serve(PAGE, "trustpilot/page-1-of-2", query={"sort": "recency", "page": None}, replace=STARS),
        Serve(PAGE, "trustpilot/page-2-of-2", query={"sort": "recency", "page": "2"}, replace=STARS),
    ], first=Expect())
    with Site(scenario) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert (run.crawl["status"], run.crawl["items"], run.crawl["full"]) == ("ok", 10, 0)  # kept, not complete
    first = f"{site.url}{PAGE}?sort=recency"
    assert run.crawl["error"].startswith(f"{UNREAD}{UNREAD_FIELDS['rating']}trustpilot: {first} gives 5 of its 5 "
                                         "reviews without stars; ")
    assert len(run.reviews) == 10 and not any(r["rating"] for r in run.reviews)

    report = Delivered(load(tmp_path / "repscan.toml"), tmp_path)
    day = format_day(parse_iso(run.crawl["finished_at"]), TZ)
    assert f"OK, read {day}; not read: star ratings" in report.pdf, report.pdf
    words = f"We read your Trustpilot page on {day}, but not all of it (star ratings): complaints there may be missing"
    assert words in report.pdf and words in report.text
    assert "All quiet" not in report.pdf and "All quiet" not in report.text
