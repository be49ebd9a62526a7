"""robots.txt in any encoding a server sends it in is obeyed (Scrapy read a UTF-16 file as empty, allowing all)."""

from __future__ import annotations

import codecs

import pytest

from helpers import Reply, run_cli, write_config
from repscan.core.store import Store
from repscan.spiders.robots import decode

RULES = "User-agent: *\nDisallow: /review/\n"


@pytest.mark.parametrize("body", [
    RULES.encode("utf-8"), codecs.BOM_UTF8 + RULES.encode("utf-8"), RULES.encode("utf-16"),
    RULES.encode("utf-16-le"), RULES.encode("utf-16-be"), RULES.encode("utf-32"),
    RULES.encode("utf-8") + b"\xff\xfe garbage \x80\n",
])
def test_decode(body):
    assert decode(body).startswith(RULES)


def test_a_utf16_robots_txt_is_obeyed(tmp_path, site):
    site.server.fail("/robots.txt", Reply(200, RULES.encode("utf-16"), content_type="text/plain"))
    config = write_config(tmp_path, [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}")])
    run_cli("--config", str(config), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        crawl = store.crawls()[-1]
    finally:
        store.close()
    assert [hit for hit in site.server.hits if hit.startswith("/review/")] == []
    assert crawl["status"] == "error" and "robots.txt" in crawl["error"]
