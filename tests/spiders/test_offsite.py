"""Keys and crawls stay on the source's site: a next page or a redirect to another host is refused and recorded."""

from __future__ import annotations

import json

import pytest

import helpers
from helpers import LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store
from repscan.spiders.middlewares import same_site

PAGE_ID = "100200300400500"
TOKEN = "EAAGpage-token-for-tests"


@pytest.fixture
def trap():
    with helpers.trap() as site:
        yield site


def _crawl(tmp_path, source: tuple[str, str], env=None):
    config = write_config(tmp_path, [source])
    result = run_cli("--config", str(config), "crawl", "--quiet", env=env)
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls()[-1], store.query("SELECT source_id FROM posts")
    finally:
        store.close()


def test_a_graph_api_next_page_on_another_host_gets_no_token(tmp_path, trap):
    feed = {"data": [{"id": f"{PAGE_ID}_1", "message": "Open on Sunday", "created_time": "2026-11-01T10:00:00+0000",
                      "from": {"name": "Acme", "id": PAGE_ID}}],
            "paging": {"next": f"{trap.url}/v19.0/{PAGE_ID}/feed?after=X"}}

    def route(path, query):
        if path == f"/v19.0/{PAGE_ID}/feed":
            return Reply(body=json.dumps(feed), content_type="application/json")
        return None

    with LocalSite(route) as api:
        result, crawl, posts = _crawl(tmp_path, ("facebook-graph", f"{api.url}/v19.0/{PAGE_ID}/feed"),
                                      env={"REPSCAN_FACEBOOK_PAGE_TOKEN": TOKEN})
    assert trap.seen == []
    assert posts == [{"source_id": f"{PAGE_ID}_1"}]  # the first page is kept
    assert crawl["status"] == "error"
    assert f"next page on another host, not followed: http://127.0.0.1:{trap.server.server_port}" in crawl["error"]
    assert TOKEN not in crawl["error"] and TOKEN not in result.stdout + result.stderr


def test_a_redirect_to_another_host_is_refused(tmp_path, trap):
    def route(path, query):
        if path == "/reviews":
            return Reply(status=302, headers={"Location": f"{trap.url}/collect?from=reviews"})
        return None

    with LocalSite(route) as site:
        result, crawl, _ = _crawl(tmp_path, ("jsonld", f"{site.url}/reviews"))
    assert [path for path, _ in trap.seen if path != "/robots.txt"] == []
    assert crawl["status"] == "error"
    assert f"redirect to another site refused: {trap.url}/collect?from=reviews" in crawl["error"]


@pytest.mark.parametrize("url, target, same", [
    ("https://yelp.com/biz/x", "https://www.yelp.com/biz/x", True),
    ("http://www.trustpilot.com/review/a", "https://uk.trustpilot.com/review/a", True),
    ("https://a.example/x", "https://evil.example/x", False),
    ("https://a.example/x", "http://10.0.0.1/", False),
    ("https://a.example/x", "https://a.example:8443/", False),
    ("https://a.example/x", "file:///etc/passwd", False),
    ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", True),
    ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b", False),
    ("https://user.github.io/a", "https://other.github.io/a", False),  # a private suffix: another owner
])
def test_same_site(url, target, same):
    assert same_site(url, target) is same
