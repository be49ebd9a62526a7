"""A real Scrapy crawl of the Google Business Profile API over HTTP: the token, pageToken paging, the stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, Reply, run_cli, write_config
from repscan.app.demo.server import LocalSite
from repscan.core.store import Store

LOCATION = "/v4/accounts/108273645500012345678/locations/4471298833112233445"
TOKEN = "ya29.test-token"


class Api:
    def __init__(self):
        self.authorizations: list[str | None] = []
        self.site = LocalSite(self.route)
        serve = self.site._serve

        def recording(handler):
            if handler.path.startswith(LOCATION):
                self.authorizations.append(handler.headers.get("Authorization"))
            serve(handler)
        self.site._serve = recording

    def route(self, path, query):
        if path != f"{LOCATION}/reviews":
            return None
        if query.get("orderBy") != ["updateTime desc"] or query.get("pageSize") != ["50"]:
            return Reply(400, '{"error": {"code": 400, "message": "bad order", "status": "INVALID_ARGUMENT"}}')
        page = 2 if query.get("pageToken") == ["CAUQAxoECgIIAw"] else 1
        return Reply(body=(FIXTURES / "google-business" / f"reviews-page-{page}.json").read_bytes(),
                     content_type="application/json; charset=UTF-8")


@pytest.fixture
def api():
    api = Api()
    with api.site:
        yield api


def crawl(tmp_path, url, token):
    path = write_config(tmp_path, [("google-business", url)])
    result = run_cli("--config", str(path), "crawl", "--quiet", env={"REPSCAN_GOOGLE_BUSINESS_TOKEN": token})
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM reviews ORDER BY published_at DESC"))
    finally:
        store.close()


def test_crawl_sends_the_token_pages_through_and_stops_at_known_reviews(tmp_path, api):
    url = f"{api.site.url}{LOCATION}"
    result, crawls, reviews = crawl(tmp_path, url, TOKEN)
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok" and crawls[-1]["pages"] == 2 and crawls[-1]["new_items"] == 5
    assert api.authorizations == [f"Bearer {TOKEN}"] * 2
    assert [r["author"] for r in reviews] == ["Hannah Lewis", "Stefan Krüger", "A Google user", "Mihaela Dobre",
                                              "Raj Patel"]
    assert reviews[0]["reply_at"] == "2024-03-11T09:02:10Z" and reviews[0]["negative"] == 1

    result, crawls, reviews = crawl(tmp_path, url, TOKEN)
    assert result.returncode == 0, result.stderr
    assert len(api.authorizations) == 3
    assert crawls[-1]["new_items"] == 0 and len(reviews) == 5


def test_without_the_token_nothing_is_requested_and_the_crawl_names_the_variable(tmp_path, api):
    result, crawls, reviews = crawl(tmp_path, f"{api.site.url}{LOCATION}", "")
    assert api.authorizations == []
    assert crawls[-1]["status"] == "error"
    assert "REPSCAN_GOOGLE_BUSINESS_TOKEN" in crawls[-1]["error"] and reviews == []
