"""A real crawl of the X API v2 recent search over HTTP: the bearer token, next_token paging, mentions only,
the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PATH = "/2/tweets/search/recent"
NEXT = "b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy0example"
TOKEN = "AAAA-bearer-token-for-tests"


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
        if path != PATH or query.get("query") != ['"Harbour Lane Bakery" OR @HarbourLaneBakery']:
            return None
        name = {None: "search-page-1.json", NEXT: "search-page-2.json"}.get((query.get("next_token") or [None])[0])
        body = (FIXTURES / "twitter" / name).read_bytes() if name else None
        return Reply(body=body, content_type="application/json; charset=utf-8") if body else None

    def searches(self) -> list[str | None]:
        """The next_token of each search request, in order (None for page one)."""
        return [NEXT if f"next_token={NEXT}" in hit else None for hit in self.site.hits if hit.startswith(PATH)]


@pytest.fixture
def api():
    api = Api()
    with api.site:
        yield api


def crawl(tmp_path, api, token=TOKEN, aliases=("@HarbourLaneBakery",)):
    url = f"{api.site.url}{PATH}?query=%22Harbour+Lane+Bakery%22+OR+%40HarbourLaneBakery"
    config = write_config(tmp_path, [("twitter", url)], name="Harbour Lane Bakery", aliases=aliases)
    result = run_cli("--config", str(config), "crawl", "--quiet", env={"REPSCAN_X_BEARER_TOKEN": token})
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), list(store.db.query("SELECT * FROM posts ORDER BY published_at DESC"))
    finally:
        store.close()


def test_search_pages_with_the_token_then_only_page_one(tmp_path, api):
    result, crawls, posts = crawl(tmp_path, api)
    assert result.returncode == 0, result.stderr
    assert api.searches() == [None, NEXT]
    assert "/robots.txt" not in api.site.hits  # an API, not pages to crawl
    assert api.authorizations == [f"Bearer {TOKEN}"] * 2
    first = next(hit for hit in api.site.hits if hit.startswith(PATH))
    assert "tweet.fields=created_at" in first and "expansions=author_id" in first and "max_results=100" in first
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("twitter", "ok", 4, 2)
    assert [p["source_id"] for p in posts] == [
        "1984915907670978617", "1984893237457858617", "1984746017387458617", "1984164686853058617"]
    queue = posts[0]
    assert (queue["author"], queue["url"], queue["published_at"], queue["score"], queue["comments_count"]) == \
        ("sinead_bakes", "https://x.com/sinead_bakes/status/1984915907670978617", "2025-11-02T09:30:05Z", 14.0, 1)
    reply = posts[1]
    assert reply["text"] == "@dublin_eats @HarbourLaneBakery mine was stale yesterday tbh & no receipt"
    assert reply["parent_url"] == "https://x.com/i/web/status/1984890000000000000"
    assert posts[2]["author"] is None and posts[2]["url"] == "https://x.com/i/web/status/1984746017387458617"

    result, crawls, posts = crawl(tmp_path, api)
    assert result.returncode == 0, result.stderr
    assert api.searches() == [None, NEXT, None]
    assert len(api.authorizations) == 3
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(posts) == 4


def test_only_posts_naming_the_client_are_kept(tmp_path, api):
    result, crawls, posts = crawl(tmp_path, api, aliases=())
    assert result.returncode == 0, result.stderr
    # without the @handle alias, the two tweets that only tag @HarbourLaneBakery do not name the client
    assert [p["source_id"] for p in posts] == ["1984746017387458617", "1984164686853058617"]
    assert (crawls[-1]["status"], crawls[-1]["pages"]) == ("ok", 2)


def test_without_the_token_nothing_is_requested(tmp_path, api):
    result, crawls, posts = crawl(tmp_path, api, token="")
    assert result.returncode == 1
    assert api.site.hits == [] and posts == []
    assert crawls[-1]["status"] == "error" and "REPSCAN_X_BEARER_TOKEN" in crawls[-1]["error"]
