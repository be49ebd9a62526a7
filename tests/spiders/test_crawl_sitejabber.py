"""A real Scrapy crawl of Sitejabber review pages over HTTP: JSON-LD merged with the cards' ids and replies,
the next page of cards only, the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PATH = "/reviews/harbourlane.example"
PAGES = {None: "page-1.html", "2": "page-2-cards-only.html"}


@pytest.fixture
def site():
    def route(path, query):
        name = PAGES.get((query.get("page") or [None])[0]) if path == PATH else None
        return Reply(body=(FIXTURES / "sitejabber" / name).read_bytes()) if name else None

    with LocalSite(route) as site:
        yield site


def crawl(tmp_path, site):
    config = write_config(tmp_path, [("sitejabber", f"{site.url}{PATH}")], name="Harbour Lane Bakery")
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
    assert review_hits(site) == [PATH, f"{PATH}?page=2"]
    assert site.hits[0] == "/robots.txt"
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("sitejabber", "ok", 3, 2)
    assert [(r["source_id"], r["author"], r["rating"], r["published_at"]) for r in reviews] == [
        ("3344556", "Hannah L.", 1.0, "2025-10-30T00:00:00Z"), ("3344001", "Jorge M.", 5.0, "2025-10-02T00:00:00Z"),
        ("3300002", "Kasia W.", 2.0, "2025-09-14T00:00:00Z")]
    assert all(r["business_url"] == f"{site.url}{PATH}" for r in reviews)
    lost = reviews[0]  # JSON-LD review, id and the business's reply from its card
    assert (lost["url"], lost["title"], lost["negative"], lost["reply_at"]) == \
        (f"{site.url}{PATH}#review-3344556", "Never received my order", 1, "2025-10-31T00:00:00Z")
    assert lost["reply_text"] == "Hi Hannah, the courier lost the parcel. We've sent a new box by hand today."
    assert reviews[2]["text"] == "Website said open until 6, shop was closed at 5.\nWasted trip."  # a card alone
    assert [(b["name"], b["rating"], b["review_count"]) for b in businesses] == [("Harbour Lane Bakery", 2.7, 3)]

    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert review_hits(site)[2:] == [PATH]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(reviews) == 3
