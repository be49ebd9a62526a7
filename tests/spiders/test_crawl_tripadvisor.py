"""A real Scrapy crawl of Tripadvisor pages over HTTP: -or10- paging, incremental stop, both markups."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, Reply, run_cli, write_config
from repscan.app.demo.server import LocalSite
from repscan.core.store import Store

PAGES = {
    "legacy": ("/Hotel_Review-g274873-d1234567-Reviews{}-Pension_Alpenrose-Bled_Upper_Carniola_Region.html",
               "legacy-page-{}.html", 5),
    "cards": ("/Attraction_Review-g187791-d7654321-Reviews{}-Vicolo_Tours-Rome_Lazio.html", "cards-page-{}.html", 5),
}


def make_route(kind):
    path, name, _ = PAGES[kind]
    served = {path.format(""): name.format(1), path.format("-or10"): name.format(2)}

    def route(requested, query):
        if requested not in served:
            return None
        return Reply(body=(FIXTURES / "tripadvisor" / served[requested]).read_bytes())
    return route


def crawl(tmp_path, url):
    result = run_cli("--config", str(write_config(tmp_path, [("tripadvisor", url)])), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["legacy", "cards"])
def test_crawl_follows_the_offset_pages_then_stops_at_known_reviews(tmp_path, kind):
    path, _, count = PAGES[kind]
    with LocalSite(make_route(kind)) as site:
        # configured with page two's URL: the crawl still starts at page one
        url = f"{site.url}{path.format('-or10')}"
        result, crawls, reviews = crawl(tmp_path, url)
        assert result.returncode == 0, result.stderr
        assert crawls[-1]["status"] == "ok" and crawls[-1]["pages"] == 2 and crawls[-1]["new_items"] == count
        assert [hit for hit in site.hits if "_Review-" in hit] == [path.format(""), path.format("-or10")]
        assert len(reviews) == count and sum(1 for r in reviews if r["reply_text"]) == 2
        assert all(r["business_url"] == f"{site.url}{path.format('')}" for r in reviews)

        result, crawls, reviews = crawl(tmp_path, url)
        assert result.returncode == 0, result.stderr
        assert [hit for hit in site.hits if "_Review-" in hit][2:] == [path.format("")]
        assert crawls[-1]["new_items"] == 0 and len(reviews) == count
