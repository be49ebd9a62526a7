"""A real Scrapy crawl of Yelp pages over HTTP: sort_by=date_desc, ?start=N paging, incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, Reply, run_cli, write_config
from repscan.app.demo.server import LocalSite
from repscan.core.store import Store

BIZ = "/biz/copperleaf-plumbing-portland"


def route(path, query):
    if path != BIZ:
        return None
    if query.get("sort_by") != ["date_desc"]:
        return Reply(400, "not sorted newest first")
    start = (query.get("start") or ["0"])[0]
    page = {"0": 1, "10": 2, "20": 3}.get(start)
    if page is None:
        return None
    return Reply(body=(FIXTURES / "yelp" / f"biz-page-{page}-of-3.html").read_bytes())


@pytest.fixture
def yelp_site():
    site = LocalSite(route)
    with site:
        yield site


def crawl(tmp_path, url):
    result = run_cli("--config", str(write_config(tmp_path, [("yelp", url)])), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


def test_crawl_reads_every_page_newest_first_then_only_page_one(tmp_path, yelp_site):
    url = f"{yelp_site.url}{BIZ}"
    result, crawls, reviews = crawl(tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok" and crawls[-1]["pages"] == 3 and crawls[-1]["new_items"] == 11
    assert [hit for hit in yelp_site.hits if hit.startswith(BIZ)] == [
        f"{BIZ}?sort_by=date_desc", f"{BIZ}?sort_by=date_desc&start=10", f"{BIZ}?sort_by=date_desc&start=20"]
    assert len(reviews) == 11 and reviews[0]["author"] == "Marcy T." and reviews[-1]["author"] == "Nadia R."
    replied = {r["author"] for r in reviews if r["reply_text"]}
    assert replied == {"Marcy T.", "Jürgen H."}

    result, crawls, reviews = crawl(tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert yelp_site.count(BIZ) == 4
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 0 and len(reviews) == 11
