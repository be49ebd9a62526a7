"""A real crawl of Reddit's search API over HTTP: the client-credentials token, paging, the incremental stop."""

from __future__ import annotations

import base64

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

CREDENTIALS = {"REPSCAN_REDDIT_CLIENT_ID": "app-id-123", "REPSCAN_REDDIT_CLIENT_SECRET": "app-secret-456"}


class RedditApi:
    """Reddit's token endpoint (POST) and search (GET, bearer token required) on 127.0.0.1."""

    def __init__(self):
        self.pages = {None: (FIXTURES / "reddit/search-page-1.json").read_bytes(),
                      "t3_1abc001": (FIXTURES / "reddit/search-page-2.json").read_bytes()}
        self.token_posts: list[tuple[str | None, bytes]] = []
        self.search_auth: list[str | None] = []
        self.site = LocalSite(self.route)
        handler = self.site.server.RequestHandlerClass
        api = self

        def do_post(request):
            body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
            api.token_posts.append((request.headers.get("Authorization"), body))
            api.site._serve(request)

        def do_get(request):
            if request.path.startswith("/search"):
                api.search_auth.append(request.headers.get("Authorization"))
            api.site._serve(request)

        handler.do_POST = do_post
        handler.do_GET = do_get

    def route(self, path, query):
        if path == "/api/v1/access_token":
            return Reply(body=(FIXTURES / "reddit/token.json").read_bytes(), content_type="application/json")
        if path == "/search" and query.get("q") == ["Harbour Lane Bakery"]:
            body = self.pages.get((query.get("after") or [None])[0])
            return Reply(body=body, content_type="application/json; charset=UTF-8") if body else None
        return None


@pytest.fixture
def api():
    api = RedditApi()
    with api.site:
        yield api


def crawl(tmp_path, api, env):
    config = write_config(tmp_path, [("reddit", f"{api.site.url}/search?q=Harbour+Lane+Bakery")],
                          name="Harbour Lane Bakery", aliases=("Harbour Lane",))
    result = run_cli("--config", str(config), "crawl", "--quiet", env=env)
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM posts ORDER BY source_id"))
    finally:
        store.close()


def searches(api):
    return [hit for hit in api.site.hits if hit.startswith("/search")]


def test_token_exchange_then_every_page_then_only_the_first(tmp_path, api):
    result, crawls, posts = crawl(tmp_path, api, CREDENTIALS)
    assert result.returncode == 0, result.stderr
    basic = "Basic " + base64.b64encode(b"app-id-123:app-secret-456").decode()
    assert api.token_posts == [(basic, b"grant_type=client_credentials")]
    first = "/search?q=Harbour+Lane+Bakery&sort=new&limit=100&raw_json=1"
    assert searches(api) == [first, f"{first}&after=t3_1abc001"]
    assert api.search_auth == ["bearer test-token-abc123"] * 2
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("reddit", "ok", 4, 2)
    assert [p["source_id"] for p in posts] == ["t3_1abb999", "t3_1abc001", "t3_1abc002", "t3_1abc003"]
    complaint = posts[-1]
    assert (complaint["title"], complaint["author"], complaint["score"], complaint["comments_count"],
            complaint["published_at"]) == ("Harbour Lane Bakery charged me twice", "loafer_dub", 42.0, 17,
                                           "2025-11-01T12:00:00Z")

    result, crawls, posts = crawl(tmp_path, api, CREDENTIALS)
    assert result.returncode == 0, result.stderr
    assert searches(api)[2:] == [first]
    assert len(api.token_posts) == 2
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)


def test_missing_credentials_end_the_crawl_as_an_error_naming_them(tmp_path, api):
    result, crawls, posts = crawl(tmp_path, api, {name: "" for name in CREDENTIALS})
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error"
    assert "REPSCAN_REDDIT_CLIENT_ID and REPSCAN_REDDIT_CLIENT_SECRET" in crawls[-1]["error"]
    assert api.site.hits == [] and posts == []


def test_a_refused_token_is_an_error_and_nothing_is_searched(tmp_path, api):
    api.site.fail("/api/v1/access_token", Reply(401, '{"message": "Unauthorized", "error": 401}',
                                                content_type="application/json"))
    result, crawls, posts = crawl(tmp_path, api, CREDENTIALS)
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error" and "token request refused: HTTP 401" in crawls[-1]["error"]
    assert searches(api) == []


def test_posts_that_do_not_name_the_client_are_not_kept(tmp_path, api):
    config = write_config(tmp_path, [("reddit", f"{api.site.url}/search?q=Harbour+Lane+Bakery")],
                          name="Harbour Lane Bakery")  # no "Harbour Lane" alias this time
    result = run_cli("--config", str(config), "crawl", "--quiet", env=CREDENTIALS)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "repscan.db")
    try:
        titles = [p["title"] for p in store.db.query("SELECT title FROM posts ORDER BY source_id")]
    finally:
        store.close()
    assert "Harbour Lane Bakery charged me twice" in titles
    assert "New bakery on Harbour Lane — worth it?" not in titles  # names the street, not the business
