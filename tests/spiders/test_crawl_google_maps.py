"""A real Scrapy crawl of Google Maps over HTTP: place URL -> reviews endpoint, newest first, token paging."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, Reply, run_cli, write_config
from repscan.app.demo.server import LocalSite
from repscan.core.store import Store

DATA_ID = "0x14e70b0f1a2b3c4d:0x8a1b2c3d4e5f6071"
TOKEN = "CAESY0NBRVFCUnBGUTJweFNRVkpJUVVGQlFVRkJRa05C"
ENDPOINT = "/maps/rpc/listugcposts"


def fixture(name: str) -> bytes:
    return (FIXTURES / "google-maps" / name).read_bytes()


def route(path, query):
    if path == ENDPOINT:
        pb = (query.get("pb") or [""])[0]
        if "!13m1!1e2" not in pb or DATA_ID not in pb:
            return Reply(400, "bad request")
        name = "listugcposts-page-2.json" if f"!2s{TOKEN}!" in pb else "listugcposts-page-1.json"
        return Reply(body=fixture(name), content_type="application/json; charset=utf-8")
    if path == "/maps/place/":
        return Reply(body=fixture("place-page.html"))
    return None


@pytest.fixture
def maps():
    site = LocalSite(route)
    with site:
        yield site


def crawl(tmp_path, url):
    result = run_cli("--config", str(write_config(tmp_path, [("google-maps", url)])), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


def test_place_url_crawls_the_endpoint_newest_first_then_stops_at_known_reviews(tmp_path, maps):
    url = f"{maps.url}/maps/place/Harbourside+Meze+House/data=!4m2!3m1!1s{DATA_ID}"
    result, crawls, reviews = crawl(tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 6 and crawls[-1]["pages"] == 2
    assert maps.count(ENDPOINT) == 2 and maps.count("/maps/place") == 0
    assert [r["author"] for r in reviews] == ["Daniel Okafor", "Σοφία Παπαδοπούλου", "Julia Weiss", "Kenji Watanabe",
                                              "Priya Nair", "Ioana Marin"]
    assert {r["source"] for r in reviews} == {"google-maps"}
    okafor = reviews[0]
    assert okafor["rating"] == 1 and okafor["negative"] == 1
    assert okafor["reply_text"] == "Daniel, we are sorry. Please email us so we can make this right."

    result, crawls, reviews = crawl(tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert maps.count(ENDPOINT) == 3  # the second crawl read page one only
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 0 and len(reviews) == 6


def test_place_page_without_a_data_id_leads_to_the_endpoint(tmp_path, maps):
    result, crawls, reviews = crawl(tmp_path, f"{maps.url}/maps/place/?cid=9951113301456987761")
    assert result.returncode == 0, result.stderr
    assert maps.count("/maps/place/") == 1 and maps.count(ENDPOINT) == 2
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 9 and len(reviews) == 9
    store = Store(tmp_path / "repscan.db")
    try:
        business = list(store.db.query("SELECT * FROM businesses"))
    finally:
        store.close()
    assert [(b["name"], b["rating"], b["review_count"]) for b in business] == [("Harbourside Meze House", 4.3, 128)]
