"""A real crawl of a Facebook page's posts tab over HTTP: the "more" payloads, the comments of posts that have some."""

from __future__ import annotations

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

POSTS = "/HarbourLaneBakery/posts/"


@pytest.fixture
def page():
    def body(name):
        return (FIXTURES / "facebook" / name).read_bytes()

    def route(path, query):
        cursor = (query.get("start_cursor") or [""])[0]
        if path == POSTS:
            return Reply(body=body("posts-page.html"))
        if path == "/page_content_list_view/more/":
            name = "more-payload.txt" if "CursorOne" in cursor else "more-payload-last.txt"
            return Reply(body=body(name), content_type="application/x-javascript; charset=utf-8")
        if path == f"{POSTS}900000000000002":
            return Reply(body=body("post-page.html"))
        if path == f"{POSTS}899999999999990":  # a video post: Facebook shows its comments by script only
            return Reply(body="<html><body><div id='root'><video></video></div></body></html>")
        return None

    with LocalSite(route) as site:
        yield site


def crawl(tmp_path, site):
    config = write_config(tmp_path, [("facebook", f"{site.url}/HarbourLaneBakery")])
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "repscan.db")
    try:
        return store.crawls(), list(store.db.query("SELECT * FROM posts ORDER BY source_id"))
    finally:
        store.close()


def test_posts_more_pages_and_comments_then_only_the_first_page(tmp_path, page):
    crawls, posts = crawl(tmp_path, page)
    hits = [hit.split("?")[0] for hit in page.hits if hit != "/robots.txt"]
    assert sorted(hits) == sorted([POSTS, "/page_content_list_view/more/", "/page_content_list_view/more/",
                                   f"{POSTS}900000000000002", f"{POSTS}899999999999990"])
    assert (crawls[-1]["status"], crawls[-1]["new_items"]) == ("ok", 7)
    parent = f"{page.url}{POSTS}900000000000002"
    assert [p["source_id"] for p in posts if p["parent_url"] == parent] == [
        f"900000000000002_91000000000000{n}" for n in range(1, 5)]
    assert {p["source_id"] for p in posts if p["parent_url"] is None} == {
        "899999999999990", "900000000000001", "900000000000002"}
    pumpkin = next(p for p in posts if p["source_id"] == "900000000000002")
    assert (pumpkin["score"], pumpkin["comments_count"]) == (128.0, 14)  # the post page's blanks erase nothing

    before = len(page.hits)
    crawls, posts = crawl(tmp_path, page)
    again = [hit.split("?")[0] for hit in page.hits[before:] if hit != "/robots.txt"]
    assert sorted(again) == [POSTS, f"{POSTS}900000000000002"]
    assert (crawls[-1]["status"], crawls[-1]["new_items"]) == ("ok", 0)
