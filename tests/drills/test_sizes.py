"""A page larger than [crawl] max_page_mb, or a gzip bomb, is refused with a reason; nothing huge is read or stored."""

from __future__ import annotations

import gzip

import pytest

from helpers import LocalSite, Reply, run_cli, write_config
from repscan.core.store import Store

pytestmark = pytest.mark.drill


def _crawl(tmp_path, route, max_page_mb: float = 1):
    with LocalSite(route) as site:
        config = write_config(tmp_path, [("jsonld", f"{site.url}/reviews")])
        config.write_text(config.read_text().replace("[crawl]\n", f"[crawl]\nmax_page_mb = {max_page_mb}\n"))
        result = run_cli("--config", str(config), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls()[-1]
    finally:
        store.close()


def test_a_page_over_the_cap_is_an_error(tmp_path):
    big = "<html><body>" + "<p>filler text</p>" * 200_000 + "</body></html>"  # 3.6 MB
    result, crawl = _crawl(tmp_path, lambda path, query: Reply(body=big) if path == "/reviews" else None)
    assert crawl["status"] == "error" and "/reviews" in crawl["error"], crawl


def test_a_gzip_bomb_stops_at_the_cap(tmp_path):
    bomb = gzip.compress(b"<html><body>" + b" " * (200 * 1024 * 1024) + b"</body></html>", compresslevel=9)
    assert len(bomb) < 300 * 1024

    def route(path, query):
        if path == "/reviews":
            return Reply(body=bomb, headers={"Content-Encoding": "gzip"})
        return None

    result, crawl = _crawl(tmp_path, route)
    assert crawl["status"] == "error" and "/reviews" in crawl["error"], crawl
