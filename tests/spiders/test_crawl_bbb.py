"""A real Scrapy crawl of a BBB profile over HTTP: both sections for a bare profile URL, ?page=N paging from the
embedded state, complaints as unrated reviews, the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PROFILE = "/us/oh/dublin/profile/bakery/harbour-lane-bakery-llc-0302-12345"
REVIEWS, COMPLAINTS = f"{PROFILE}/customer-reviews", f"{PROFILE}/complaints"
PAGES = {(REVIEWS, None): "customer-reviews-page-1.html", (REVIEWS, "2"): "customer-reviews-page-2.html",
         (COMPLAINTS, None): "complaints.html"}


@pytest.fixture
def site():
    def route(path, query):
        name = PAGES.get((path, (query.get("page") or [None])[0]))
        return Reply(body=(FIXTURES / "bbb" / name).read_bytes()) if name else None

    with LocalSite(route) as site:
        yield site


def crawl(tmp_path, site, *args, max_pages=None):
    config = write_config(tmp_path, [("bbb", f"{site.url}{PROFILE}")], name="Harbour Lane Bakery")
    if max_pages:
        config.write_text(config.read_text().replace("[crawl]\n", f"[crawl]\nmax_pages = {max_pages}\n"))
    result = run_cli("--config", str(config), "crawl", "--quiet", *args)
    store = Store(tmp_path / "repscan.db")
    try:
        return (result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC")),
                list(store.db.query("SELECT * FROM businesses ORDER BY id")))
    finally:
        store.close()


def profile_hits(site):
    return sorted(hit for hit in site.hits if hit.startswith(PROFILE))


def test_reviews_and_complaints_every_page_then_only_page_one(tmp_path, site):
    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert profile_hits(site) == [COMPLAINTS, REVIEWS, f"{REVIEWS}?page=2"]
    assert site.hits[0] == "/robots.txt"
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("bbb", "ok", 5, 3)
    assert [(r["source_id"], r["author"], r["rating"], r["published_at"]) for r in reviews] == [
        ("771002", "Paula R", 1.0, "2025-10-29T00:00:00Z"),
        ("complaint-22334455", None, None, "2025-10-20T00:00:00Z"),
        ("771001", "Greg H", 5.0, "2025-10-02T00:00:00Z"),
        ("complaint-22330001", None, None, "2025-09-02T00:00:00Z"),
        ("770999", "Lena V", 5.0, "2025-08-15T14:02:00Z")]
    assert all(r["business_url"] == f"{site.url}{PROFILE}" for r in reviews)
    paula, billing = reviews[0], reviews[1]
    assert (paula["url"], paula["negative"], paula["reply_at"]) == \
        (f"{site.url}{REVIEWS}#771002", 1, "2025-10-30T00:00:00Z")
    assert paula["reply_text"].startswith("Paula, our oven failed that week")
    assert (billing["title"], billing["url"], billing["reply_at"]) == \
        ("Complaint: Billing/Collection Issues", f"{site.url}{COMPLAINTS}#22334455", "2025-10-24T00:00:00Z")
    assert billing["reply_text"] == "We have refunded the duplicate charge; the customer confirmed receipt."
    assert (reviews[3]["title"], reviews[3]["reply_text"]) == ("Complaint: Delivery Issues", None)
    assert reviews[2]["text"] == "Consistently great bread.\nFriendly owners."
    assert reviews[4]["text"] == "Best croissants in Ohio & the staff are lovely."
    assert (businesses[0]["name"], businesses[0]["rating"], businesses[0]["review_count"]) == \
        ("Harbour Lane Bakery LLC", 3.67, 3)

    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert sorted(hit for hit in site.hits[4:] if hit.startswith(PROFILE)) == [COMPLAINTS, REVIEWS]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 2)
    assert len(reviews) == 5 and all(r["removed_at"] is None for r in reviews)


def test_a_full_crawl_cut_short_by_max_pages_removes_nothing(tmp_path, site):
    result, crawls, reviews, businesses = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    result, crawls, reviews, businesses = crawl(tmp_path, site, "--full", max_pages=1)
    assert result.returncode == 0, result.stderr
    assert f"{REVIEWS}?page=2" not in site.hits[4:]  # the cap held
    assert crawls[-1]["full"] == 0
    assert [r["source_id"] for r in reviews if r["removed_at"]] == []  # Lena V's review is still on page 2
