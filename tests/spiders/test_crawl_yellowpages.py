"""A real Scrapy crawl of a Yellow Pages business page over HTTP: JSON-LD with card replies, the rel=next page
of cards only, the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PATH = "/dublin-oh/mip/harbour-lane-bakery-123456789"
PAGES = {None: "page-1.html", "2": "page-2-no-json-ld.html"}


@pytest.fixture
def site():
    def route(path, query):
        name = PAGES.get((query.get("page") or [None])[0]) if path == PATH else None
        return Reply(body=(FIXTURES / "yellowpages" / name).read_bytes()) if name else None

    with LocalSite(route) as site:
        yield site


def crawl(tmp_path, site):
    config = write_config(tmp_path, [("yellowpages", f"{site.url}{PATH}")], name="Harbour Lane Bakery")
    result = run_cli("--config", str(config), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        return (result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC")),
                list(store.db.query("SELECT * FROM businesses ORDER BY id")))
    finally:
        store.close()


def review_hits(site):
    return [hit for hit in site.hits if hit.startswith(PATH)]


def test_both_pages_then_only_page_one(tmp_path, site):
    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert review_hits(site) == [PATH, f"{PATH}?page=2"]  # the link's #reviews fragment dropped
    assert site.hits[0] == "/robots.txt"  # pages to crawl: robots.txt is asked first
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("yellowpages", "ok", 3, 2)
    assert [(r["author"], r["rating"], r["published_at"]) for r in reviews] == [
        ("Dana K.", 5.0, "2025-10-21T00:00:00Z"), ("Marcus T.", 2.0, "2025-10-14T00:00:00Z"),
        ("Priya N.", 4.5, "2025-09-03T00:00:00Z")]
    assert all(r["business_url"] == f"{site.url}{PATH}" for r in reviews)
    wrong_cake = reviews[1]  # JSON-LD review, the owner's response from its card
    assert (wrong_cake["title"], wrong_cake["negative"], wrong_cake["reply_at"]) == \
        ("Wrong cake", 1, "2025-10-16T00:00:00Z")
    assert wrong_cake["reply_text"] == \
        "Marcus, we're sorry about the mix-up & the wait. The refund went through on 10/16."
    assert reviews[2]["text"] == "Good coffee.\nSeating is limited on weekends."  # page two: the card alone
    assert (businesses[0]["name"], businesses[0]["rating"], businesses[0]["review_count"]) == \
        ("Harbour Lane Bakery", 3.5, 3)

    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert review_hits(site)[2:] == [PATH]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(reviews) == 3
