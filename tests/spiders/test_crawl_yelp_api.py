"""A real Scrapy crawl of the Yelp Fusion API over HTTP: the key, one page of excerpts, the stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, Reply, run_cli, write_config
from repscan.app.demo.server import LocalSite
from repscan.core.store import Store

PATH = "/v3/businesses/copperleaf-plumbing-portland/reviews"


class Api:
    def __init__(self):
        self.authorizations: list[str | None] = []
        self.site = LocalSite(self.route)
        serve = self.site._serve

        def recording(handler):
            if handler.path.startswith(PATH):
                self.authorizations.append(handler.headers.get("Authorization"))
            serve(handler)
        self.site._serve = recording

    def route(self, path, query):
        if path != PATH:
            return None
        if query.get("sort_by") != ["newest"]:
            return Reply(400, '{"error": {"code": "VALIDATION_ERROR", "description": "sort_by"}}')
        return Reply(body=(FIXTURES / "yelp" / "api-reviews.json").read_bytes(), content_type="application/json")


@pytest.fixture
def api():
    api = Api()
    with api.site:
        yield api


def crawl(tmp_path, url, key):
    path = write_config(tmp_path, [("yelp-api", url)])
    result = run_cli("--config", str(path), "crawl", "--quiet", env={"REPSCAN_YELP_API_KEY": key})
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


def test_crawl_sends_the_key_and_stores_the_excerpts(tmp_path, api):
    url = f"{api.site.url}/v3/businesses/copperleaf-plumbing-portland"
    result, crawls, reviews = crawl(tmp_path, url, "test-key")
    assert result.returncode == 0, result.stderr
    assert api.authorizations == ["Bearer test-key"]
    assert crawls[-1]["status"] == "ok" and crawls[-1]["pages"] == 1 and crawls[-1]["new_items"] == 3
    assert [(r["author"], r["published_at"]) for r in reviews] == [
        ("Marcy T.", "2024-03-15T02:00:00Z"), ("Luis G.", "2024-03-02T23:00:00Z"), ("Priya S.", "2024-02-20T17:30:00Z")]

    result, crawls, reviews = crawl(tmp_path, url, "test-key")
    assert result.returncode == 0, result.stderr
    assert len(api.authorizations) == 2 and crawls[-1]["new_items"] == 0 and len(reviews) == 3


def test_without_the_key_nothing_is_requested(tmp_path, api):
    result, crawls, reviews = crawl(tmp_path, f"{api.site.url}/v3/businesses/copperleaf-plumbing-portland", "")
    assert api.authorizations == [] and reviews == []
    assert crawls[-1]["status"] == "error" and "REPSCAN_YELP_API_KEY" in crawls[-1]["error"]
