"""A real crawl of the Graph API over HTTP: feed and ratings for a bare page, paging.next, the incremental stop."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PAGE_ID = "100200300400500"
TOKEN = {"REPSCAN_FACEBOOK_PAGE_TOKEN": "EAAGpage-token-for-tests"}


class GraphApi:
    def __init__(self):
        self.auth: list[str | None] = []
        self.site = LocalSite(self.route)
        handler, api = self.site.server.RequestHandlerClass, self

        def do_get(request):
            if request.path.startswith("/v19.0/"):
                api.auth.append(request.headers.get("Authorization"))
            api.site._serve(request)

        handler.do_GET = do_get

    def body(self, name: str) -> bytes:
        text = (FIXTURES / "facebook-graph" / name).read_text(encoding="utf-8")
        return text.replace("https://graph.facebook.com", self.site.url).encode()

    def route(self, path, query):
        after = (query.get("after") or [None])[0]
        pages = {
            (f"/v19.0/{PAGE_ID}/feed", None): "feed-page-1.json",
            (f"/v19.0/{PAGE_ID}/feed", "QVFIUmNk"): "feed-page-2.json",
            (f"/v19.0/{PAGE_ID}/ratings", None): "ratings-page-1.json",
            (f"/v19.0/{PAGE_ID}/ratings", "MjA="): "ratings-page-2.json",
        }
        name = pages.get((path, after))
        return Reply(body=self.body(name), content_type="application/json; charset=UTF-8") if name else None


@pytest.fixture
def graph():
    api = GraphApi()
    with api.site:
        yield api


def crawl(tmp_path, graph, env=TOKEN):
    config = write_config(tmp_path, [("facebook-graph", f"{graph.site.url}/v19.0/{PAGE_ID}")])
    result = run_cli("--config", str(config), "crawl", "--quiet", env=env)
    store = Store(tmp_path / "repscan.db")
    try:
        return (result, store.crawls(), list(store.db.query("SELECT * FROM posts ORDER BY source_id")),
                list(store.db.query("SELECT * FROM reviews ORDER BY source_id")))
    finally:
        store.close()


def edge_hits(graph):
    return sorted((hit.split("?")[0].rsplit("/", 1)[-1], "after=" in hit) for hit in graph.site.hits
                  if hit.startswith("/v19.0/"))


def test_feed_and_ratings_every_page_then_only_the_first_pages(tmp_path, graph):
    result, crawls, posts, reviews = crawl(tmp_path, graph)
    assert result.returncode == 0, result.stderr
    assert edge_hits(graph) == [("feed", False), ("feed", True), ("ratings", False), ("ratings", True)]
    assert not any("access_token" in hit for hit in graph.site.hits)
    assert graph.auth == ["Bearer EAAGpage-token-for-tests"] * 4
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("facebook-graph", "ok", 10, 4)
    assert len(posts) == 6 and len(reviews) == 4
    complaint = next(r for r in reviews if r["source_id"] == "870000000000003")
    assert (complaint["rating"], complaint["negative"], complaint["reply_at"], complaint["author"]) == \
        (1.0, 1, "2025-11-02T21:02:00Z", "Eoin Murphy")
    comment = next(p for p in posts if p["source_id"] == "800000000000003_810000000000001")
    assert comment["parent_url"] == f"https://www.facebook.com/{PAGE_ID}/posts/800000000000003"

    result, crawls, posts, reviews = crawl(tmp_path, graph)
    assert result.returncode == 0, result.stderr
    assert len(graph.site.hits) == 6
    assert edge_hits(graph).count(("feed", False)) == 2 and edge_hits(graph).count(("ratings", False)) == 2
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 2)


def test_missing_page_token_is_an_error_naming_the_variable(tmp_path, graph):
    result, crawls, posts, reviews = crawl(tmp_path, graph, env={"REPSCAN_FACEBOOK_PAGE_TOKEN": ""})
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error" and "REPSCAN_FACEBOOK_PAGE_TOKEN" in crawls[-1]["error"]
    assert graph.site.hits == []


def test_an_expired_token_is_an_error_not_an_empty_page(tmp_path, graph):
    expired = (FIXTURES / "facebook-graph/error-expired-token.json").read_bytes()
    feed = (f"/v19.0/{PAGE_ID}/feed?fields=id%2Cmessage%2Ccreated_time%2Cpermalink_url%2Cfrom%2C"
            "comments.summary%28true%29%7Bid%2Cmessage%2Ccreated_time%2Cfrom%7D")
    graph.site.fail(feed, Reply(400, expired, content_type="application/json"))
    result, crawls, posts, reviews = crawl(tmp_path, graph)
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error" and "HTTP 400" in crawls[-1]["error"]
    assert len(reviews) == 4  # the ratings edge still came in
