"""A real crawl of a paged Atom feed over HTTP: rel=next paging, the incremental stop, fetched despite robots.txt."""

from __future__ import annotations

import hashlib

import pytest

from helpers import FIXTURES, LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

PAGE1, PAGE2 = "/comments/feed.atom", "/comments/feed.atom?page=2"


@pytest.fixture
def blog():
    pages = {n: (FIXTURES / f"feed/paged-{n}.atom.xml").read_bytes() for n in ("1", "2")}

    def route(path, query):
        if path != PAGE1:
            return None
        return Reply(body=pages[(query.get("page") or ["1"])[0]], content_type="application/atom+xml; charset=utf-8")

    with LocalSite(route) as site:
        # Google Alerts feeds sit under a Disallow too; a subscribed feed is read regardless.
        site.fail("/robots.txt", *[Reply(200, "User-agent: *\nDisallow: /\n", content_type="text/plain")] * 3)
        yield site


def crawl(tmp_path, site):
    config = write_config(tmp_path, [("feed", f"{site.url}{PAGE1}")])
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "repscan.db")
    try:
        return store.crawls(), list(store.db.query("SELECT * FROM posts ORDER BY published_at DESC"))
    finally:
        store.close()


def test_paged_feed_then_an_incremental_recrawl(tmp_path, blog):
    crawls, posts = crawl(tmp_path, blog)
    assert [hit for hit in blog.hits if hit.startswith("/comments")] == [PAGE1, PAGE2]
    assert (crawls[-1]["source"], crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == \
        ("feed", "ok", 3, 2)
    host = blog.url.split("://", 1)[1]
    comment = posts[0]
    assert comment["source_id"] == hashlib.sha1(f"{host}/blog/autumn-menu#comment-31".encode()).hexdigest()[:16]
    assert (comment["url"], comment["parent_url"], comment["author"], comment["published_at"]) == (
        f"{blog.url}/blog/autumn-menu/#comment-31", f"{blog.url}/blog/autumn-menu/", "Pádraig", "2025-11-02T10:45:00Z")
    assert [p["title"] for p in posts] == ["Comment on Autumn menu by Pádraig", "Autumn menu", "Summer closing hours"]

    crawls, posts = crawl(tmp_path, blog)
    assert [hit for hit in blog.hits if hit.startswith("/comments")][2:] == [PAGE1]
    assert (crawls[-1]["status"], crawls[-1]["new_items"], crawls[-1]["pages"]) == ("ok", 0, 1)
    assert len(posts) == 3
