"""The incremental recrawl reads on to older negative reviews still waiting for a reply (rules.watched): a reply
to one beyond page one is stored, and the reply drops it from the report's and Datasette's unanswered lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from helpers import Site, make_business, run_cli, write_config
from repscan.app.demo.site import trustpilot_page
from repscan.spiders.base import origin
from repscan.spiders.sources import TrustpilotSpider
from repscan.core.items import parse_iso, stamp
from repscan.core.store import Store
from repscan.core.store.queries import canned_queries

PAGE_2_NEGATIVE = "acme-0001"  # the oldest review: page 2 of 2, two reviews a page


@pytest.fixture
def two_pages():
    business = make_business(4, per_page=2)
    business.reviews[-1].rating = 1
    site = Site(trustpilot=business)
    with site.server:
        yield site


def crawl(tmp_path, site, *args: str, days_later: int = 0):
    """`repscan crawl` of the Trustpilot source `days_later` days after the last (the stored reviews' times moved
    back as far); the pages it read, its crawls row, and what the report and Datasette list as unanswered."""
    config = write_config(tmp_path, [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}")])
    if days_later:
        age(tmp_path / "repscan.db", timedelta(days=days_later))
    before = len(pages(site))
    result = run_cli("--config", str(config), "crawl", "--quiet", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    store = Store(tmp_path / "repscan.db")
    try:
        unanswered = [row["source_id"] for row in store.unanswered_negatives("acme", threshold=0.4)]
        canned = store._db.execute(canned_queries()["unanswered"]["sql"], {"client_id": "acme", "location": ""})
        return pages(site)[before:], store.crawls()[-1], unanswered, [row[7] for row in canned.fetchall()]
    finally:
        store.close()


def age(database, by: timedelta) -> None:
    """Move the stored reviews' sightings and the crawls' times back, as if `by` had passed since."""
    store = Store(database)
    try:
        with store.transaction():
            for table, key, columns in (("reviews", "source_id", ("first_seen_at", "last_seen_at")),
                                        ("crawls", "id", ("started_at", "finished_at"))):
                for row in store.query(f"SELECT {key}, {', '.join(columns)} FROM {table}"):
                    store._db.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE {key} = ?",
                                      [*(stamp(parse_iso(row[c]) - by) for c in columns), row[key]])
    finally:
        store.close()


def pages(site) -> list[str]:
    return [hit for hit in site.server.hits if hit.startswith("/review/")]


@pytest.mark.drill  # four crawls, each its own process (Scrapy's reactor runs once)
def test_a_reply_to_a_negative_beyond_page_one_is_read_once_a_day_and_ends_its_wait(tmp_path, two_pages):
    site = two_pages
    read, crawl_row, unanswered, canned = crawl(tmp_path, site)
    assert read == [site.tp_path(1), site.tp_path(2)] and crawl_row["status"] == "ok"
    assert unanswered == [PAGE_2_NEGATIVE] and len(canned) == 1

    # An hour later: the waiting review was read within REPLY_RECHECK, so page one alone, as before.
    read, crawl_row, unanswered, _ = crawl(tmp_path, site)
    assert read == [site.tp_path(1)] and crawl_row["new_items"] == 0
    assert unanswered == [PAGE_2_NEGATIVE]

    waiting = site.trustpilot.reviews[-1]
    waiting.reply, waiting.reply_at = "We are sorry; a plumber will call you today.", "2026-10-03T09:00:00Z"
    read, crawl_row, unanswered, canned = crawl(tmp_path, site, days_later=2)
    assert read == [site.tp_path(1), site.tp_path(2)] and crawl_row["status"] == "ok" and crawl_row["watched"] == 1
    assert unanswered == [] and canned == []
    store = Store(tmp_path / "repscan.db")
    try:
        [row] = store.query("SELECT reply_text, reply_at FROM reviews WHERE source_id = ?", [PAGE_2_NEGATIVE])
    finally:
        store.close()
    assert row == {"reply_text": waiting.reply, "reply_at": waiting.reply_at}

    # Nothing waits any more: the incremental stop is back at page one.
    read, crawl_row, _, _ = crawl(tmp_path, site, days_later=4)
    assert read == [site.tp_path(1)] and crawl_row["status"] == "ok"


@pytest.mark.drill  # three crawls, each its own process
def test_a_watched_review_gone_from_the_site_is_marked_removed_by_the_read_that_looked_for_it(tmp_path, two_pages):
    """The waiting review on page 2 is deleted from the site: the daily read looks for it down to the last page, so
    it read every page, and marks it removed as a full crawl would; it is no longer waiting, nor watched, and the
    next day's crawl stops at page one again (not a read to the last page every day for 90 days)."""
    site = two_pages
    read, _, unanswered, _ = crawl(tmp_path, site)
    assert read == [site.tp_path(1), site.tp_path(2)] and unanswered == [PAGE_2_NEGATIVE]
    site.trustpilot.reviews.pop()  # the oldest, the 1-star review on page 2, deleted from the site
    read, crawl_row, unanswered, canned = crawl(tmp_path, site, days_later=2)
    assert read == [site.tp_path(1), site.tp_path(2)] and crawl_row["watched"] == 1 and crawl_row["full"] == 1
    assert unanswered == [] and canned == []
    store = Store(tmp_path / "repscan.db")
    try:
        [row] = store.query("SELECT removed_at FROM reviews WHERE source_id = ?", [PAGE_2_NEGATIVE])
    finally:
        store.close()
    assert row["removed_at"] is not None
    read, crawl_row, _, _ = crawl(tmp_path, site, days_later=2)
    assert read == [site.tp_path(1)] and crawl_row["watched"] == 0


HOST = "https://www.trustpilot.com"


def read_pages(watch_ids=()) -> tuple[list[int], str | None]:
    """The in-process spider over the two-page business with every review stored: the pages it reads, and why it
    stopped early (None: it read to the last page)."""
    business = make_business(4, per_page=2)
    spider = TrustpilotSpider.from_crawler(get_crawler(TrustpilotSpider), client_id="acme",
                                           url=f"{HOST}/review/{business.slug}",
                                           known_ids=[review.id for review in business.reviews], watch_ids=watch_ids)
    spider.origins.add(origin(spider.url))
    read, page_no = [], 1
    while page_no:
        url = f"{HOST}/review/{business.slug}?page={page_no}"
        response = HtmlResponse(url, body=trustpilot_page(business, page_no, HOST).encode(), encoding="utf-8")
        read.append(page_no)
        following = [out for out in spider.parse(response, page_no=page_no) if isinstance(out, Request)]
        page_no = following[0].cb_kwargs["page_no"] if following else None
    return read, spider.health.stopped_early


def test_the_spider_reads_on_past_known_pages_until_it_has_read_every_watched_review():
    assert read_pages() == ([1], "page 1 held nothing new")
    assert read_pages(watch_ids=[PAGE_2_NEGATIVE]) == ([1, 2], None)
    assert read_pages(watch_ids=["acme-0003"]) == ([1], "page 1 held nothing new")  # on page 1: read already

