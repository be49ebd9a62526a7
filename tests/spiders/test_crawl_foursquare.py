"""A real crawl of the Foursquare Places API v3 over HTTP: the key, Link-header paging, the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

VENUE = "5a1b2c3d4e5f60718293a4b5"
PATH = f"/v3/places/{VENUE}/tips"
CURSOR = "c3ViLXBhZ2UtMg"
KEY = "fsq3-api-key-for-tests"


class Api:
    def __init__(self):
        self.headers: list[tuple[str | None, str | None]] = []
        self.site = LocalSite(self.route)
        serve = self.site._serve

        def recording(handler):
            if handler.path.startswith(PATH):
                self.headers.append((handler.headers.get("Authorization"), handler.headers.get("Accept")))
            serve(handler)
        self.site._serve = recording

    def route(self, path, query):
        if path != PATH:
            return None
        if query.get("sort") != ["newest"] or query.get("limit") != ["50"]:
            return Reply(400, '{"message": "sort and limit expected"}', content_type="application/json")
        cursor = (query.get("cursor") or [None])[0]
        if cursor is None:
            link = f'<{self.site.url}{PATH}?sort=newest&limit=50&cursor={CURSOR}>; rel="next"'
            return Reply(body=(FIXTURES / "foursquare/v3-tips-page-1.json").read_bytes(),
                         headers={"Link": link}, content_type="application/json")
        if cursor == CURSOR:
            body = (FIXTURES / "foursquare/v3-tips-page-2.json").read_bytes()
            return Reply(body=body, content_type="application/json")
        return None

    def cursors(self) -> list[str | None]:
        return [CURSOR if f"cursor={CURSOR}" in hit else None for hit in self.site.hits if hit.startswith(PATH)]


@pytest.fixture
def api():
    api = Api()
    with api.site:
        yield api


def crawl(tmp_path, api, key=KEY):
    config = write_config(tmp_path, [("foursquare", f"{api.site.url}{PATH}")], name="Harbour Lane Bakery")
    result = run_cli("--config", str(config), "crawl", "--quiet", env={"REPSCAN_FOURSQUARE_API_KEY": key})
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


def test_tips_every_page_with_the_key_then_only_page_one(tmp_path, api):
    result, crawls, reviews = crawl(tmp_path, api)
    assert result.returncode == 0, result.stderr
    assert api.cursors() == [None, CURSOR]
    assert "/robots.txt" not in api.site.hits  # an API, not pages to crawl
    assert api.headers == [(KEY, "application/json")] * 2  # the key itself, no "Bearer"
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("foursquare", "ok", 3, 2)
    assert [r["source_id"] for r in reviews] == [
        "6543a1b2c3d4e5f600000003", "6543a1b2c3d4e5f600000002", "6543a1b2c3d4e5f600000001"]
    assert all(r["rating"] is None and r["business_url"] == f"https://foursquare.com/v/{VENUE}" for r in reviews)
    newest, oldest = reviews[0], reviews[-1]
    assert (newest["published_at"], newest["url"], newest["text"]) == (
        "2025-11-01T09:12:44Z", "https://foursquare.com/item/6543a1b2c3d4e5f600000003",
        "Get the cardamom bun. Queue moves fast before 9.")
    assert (oldest["published_at"], oldest["language"]) == ("2024-12-24T08:00:00Z", "fr")

    result, crawls, reviews = crawl(tmp_path, api)
    assert result.returncode == 0, result.stderr
    assert api.cursors() == [None, CURSOR, None]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(reviews) == 3 and len(api.headers) == 3


def test_without_the_key_nothing_is_requested(tmp_path, api):
    result, crawls, reviews = crawl(tmp_path, api, key=" ")
    assert result.returncode == 1
    assert api.site.hits == [] and reviews == []
    assert crawls[-1]["status"] == "error" and "REPSCAN_FOURSQUARE_API_KEY" in crawls[-1]["error"]
