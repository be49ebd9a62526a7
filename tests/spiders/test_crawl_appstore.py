"""A real crawl of an App Store reviews feed over HTTP: both pages, then only page 1 once everything is known."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

FEED = "/gb/rss/customerreviews/page={page}/id=1234567890/sortby=mostrecent/json"


@pytest.fixture
def store_site():
    pages = {FEED.format(page=n): (FIXTURES / f"appstore/page-{n}.json").read_bytes() for n in (1, 2)}

    def route(path, query):
        body = pages.get(path)
        return Reply(body=body, content_type="application/json; charset=utf-8") if body else None

    with LocalSite(route) as site:
        yield site


def crawl(tmp_path, site):
    config = write_config(tmp_path, [("appstore", f"{site.url}/gb/app/harbour-lane-bakery/id1234567890")])
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "repscan.db")
    try:
        return store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY source_id"))
    finally:
        store.close()


def test_feed_pages_then_an_incremental_recrawl(tmp_path, store_site):
    crawls, reviews = crawl(tmp_path, store_site)
    assert [hit for hit in store_site.hits if "customerreviews" in hit] == [FEED.format(page=1), FEED.format(page=2)]
    assert "/robots.txt" not in store_site.hits  # a feed, not pages to crawl
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["items"], crawls[-1]["new_items"],
            crawls[-1]["pages"]) == ("appstore", "ok", 5, 5, 2)
    assert [r["source_id"] for r in reviews] == [f"1100000000{n}" for n in range(1, 6)]
    worst = next(r for r in reviews if r["source_id"] == "11000000004")
    assert (worst["author"], worst["rating"], worst["published_at"], worst["negative"], worst["business_url"]) == \
        ("Siobhán", 1.0, "2026-10-28T02:02:33Z", 1, "https://apps.apple.com/gb/app/id1234567890")

    crawls, reviews = crawl(tmp_path, store_site)
    assert [hit for hit in store_site.hits if "customerreviews" in hit][2:] == [FEED.format(page=1)]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(reviews) == 5
