"""A Trustpilot page read from its JSON-LD alone (cards and __NEXT_DATA__ cut by lxml's depth limit): the spider keeps
its reviews and the crawl stays ok but not complete, saying the replies were not read; through a real crawl over
loopback into real SQLite, the delivered report's source row says so (the PDF read back with pypdf, the email from
aiosmtpd)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy.utils.test import get_crawler

from crawl_harness import Expect, Scenario, Serve, Site, crawl
from delivered import Delivered
from helpers import case
from repscan.core.config import load
from repscan.core.items import parse_iso
from repscan.core.store.crawls import UNREAD, UNREAD_REPLIES
from repscan.reports.model import SourceHealth, format_day
from repscan.spiders.base import origin
from repscan.spiders.sources import TrustpilotSpider

PAGE = "/review/kettleandcrumb.example"
TZ = "Europe/Berlin"  # write_config's client
NESTED = "trustpilot/json-ld-only-nested"


def unread_note(url: str) -> str:
    return (f"{UNREAD}{UNREAD_REPLIES}trustpilot: {url} gives 5 of its 5 reviews only as JSON-LD (no usable "
            "__NEXT_DATA__, no review card), which carries no replies: the business's replies to them were not read")


def test_the_spider_keeps_the_reviews_of_a_page_read_in_part_and_says_what_it_did_not_read():
    saved = case(NESTED)
    spider = TrustpilotSpider.from_crawler(get_crawler(TrustpilotSpider), client_id="acme", url=saved.url)
    spider.origins.add(origin(spider.url))
    items = [item for item in spider.parse(saved.response(), page_no=1) if isinstance(item, dict)]
    assert [item["kind"] for item in items] == ["review"] * 5 + ["business"]
    assert spider.health.status(items=len(items)) == "ok" and not spider.health.complete
    assert spider.health.error_text() == unread_note(saved.url)
    health = SourceHealth("trustpilot", saved.url, "ok", datetime(2026, 12, 4, 9, tzinfo=timezone.utc), 5,
                          spider.health.error_text())
    assert health.healthy and health.partly and health.state("UTC") == "OK, read 4 Dec; not read: replies to reviews"
    assert health.words("UTC").startswith("We read your Trustpilot page on 4 Dec, but not the replies to its reviews")


@pytest.mark.drill
def test_a_page_read_from_json_ld_alone_says_its_replies_were_not_read_in_the_crawl_and_the_report(tmp_path):
    scenario = Scenario("trustpilot-json-ld-only", "trustpilot", PAGE,
                        serve=[Serve(PAGE, NESTED, query={"sort": "recency"})], first=Expect())
    with Site(scenario) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert (run.crawl["status"], run.crawl["items"], run.crawl["full"]) == ("ok", 5, 0)  # 5 reviews, not complete
    assert run.crawl["error"] == unread_note(f"{site.url}{PAGE}?sort=recency")
    assert len(run.reviews) == 5 and not any(r["reply_text"] for r in run.reviews)

    report = Delivered(load(tmp_path / "repscan.toml"), tmp_path)
    day = format_day(parse_iso(run.crawl["finished_at"]), TZ)
    assert f"OK, read {day}; not read: replies to reviews" in report.pdf, report.pdf
    words = f"We read your Trustpilot page on {day}, but not the replies to its reviews"
    assert words in report.pdf and words in report.text
    assert "All quiet" not in report.pdf and "All quiet" not in report.text
    unknown = "No reply seen (we could not read the replies on Trustpilot), waiting"  # the 1- and 2-star reviews
    assert report.pdf.count(unknown) == 2 and "No reply yet" not in report.pdf and "No reply yet" not in report.text
