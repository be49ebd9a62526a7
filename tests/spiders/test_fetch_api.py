"""Fetch mode "api": the Zyte API plugin is set up for that crawl alone, each page request is marked for it, the key
comes from the environment (under the name the source gives it) and is never written down. A real Zyte API call is
impossible here; a loopback server that answers as the API does (POST /v1/extract) stands in for it."""

from __future__ import annotations

import base64
import json

from scrapy.settings import Settings

from helpers import run_cli, write_config
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.store import Store
from repscan.spiders import fetch

KEY = "made-up-zyte-key-0123456789"
RENDERED = """<!doctype html><html><head><title>Acme Plumbing</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "LocalBusiness", "name": "Acme Plumbing",
 "review": [{"@type": "Review", "@id": "#r-2", "author": {"@type": "Person", "name": "Marta Quinlan"},
             "datePublished": "2026-10-02", "reviewBody": "They never called back about the quote.",
             "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5}},
            {"@type": "Review", "@id": "#r-1", "author": {"@type": "Person", "name": "Olu Adeyemi"},
             "datePublished": "2026-09-21", "reviewBody": "Fixed the radiator in an hour.",
             "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5}}]}</script>
</head><body><h1>Acme Plumbing</h1></body></html>"""


def test_api_mode_sets_the_plugin_for_its_crawl_and_marks_each_page_request():
    settings = Settings()
    settings.setmodule("repscan.spiders.settings", priority="project")
    fetch.configure(settings, "api", api_key=KEY, environ={})
    assert settings.getdict("ADDONS") == {fetch.ZYTE_ADDON: 500}
    assert settings.getbool("ZYTE_API_TRANSPARENT_MODE") is False  # only the marked requests go through the API
    assert settings.get("ZYTE_API_KEY") == KEY
    assert fetch.request_meta("api") == {"zyte_api_automap": {"browserHtml": True}}
    plain = Settings()
    plain.setmodule("repscan.spiders.settings", priority="project")
    fetch.configure(plain, "http")
    assert not plain.getdict("ADDONS") and not plain.get("ZYTE_API_KEY") and fetch.request_meta("http") == {}


def crawl_through_the_api(tmp_path, env: dict) -> tuple[object, dict, list[dict], list[tuple[str, dict, str | None]]]:
    asked: list[tuple[str, dict, str | None]] = []  # (path, JSON body, Authorization) of each API call

    def route(path, query):
        if path == "/v1/extract":
            body = json.loads(api.posts[-1][1])
            return Reply(body=json.dumps({"url": body["url"], "statusCode": 200, "browserHtml": RENDERED}),
                         content_type="application/json")
        return None

    with LocalSite(lambda path, query: Reply(404, "not here")) as shop, LocalSite(route) as api:
        handler = api.server.RequestHandlerClass
        serve = handler.do_POST

        def do_post(request):
            serve(request)
            asked.append((request.path, json.loads(api.posts[-1][1]), request.headers.get("Authorization")))

        handler.do_POST = do_post
        config = write_config(tmp_path, [{"site": "jsonld", "url": f"{shop.url}/reviews", "fetch": "api",
                                          "credentials": {"REPSCAN_ZYTE_API_KEY": "ACME_ZYTE_KEY"}}])
        result = run_cli("--config", str(config), "crawl", "--quiet",
                         env={"REPSCAN_ZYTE_API_URL": f"{api.url}/v1/", "REPSCAN_ZYTE_API_KEY": "", **env})
        shop_hits = list(shop.hits)
    store = Store(tmp_path / "repscan.db")
    try:
        row = store.crawls()[-1]
        reviews = store.query("SELECT * FROM reviews ORDER BY published_at DESC")
    finally:
        store.close()
    return result, {**row, "shop_hits": shop_hits}, reviews, asked


def test_a_page_fetched_through_the_api_reaches_sqlite(tmp_path):
    result, row, reviews, asked = crawl_through_the_api(tmp_path, {"ACME_ZYTE_KEY": KEY})
    assert result.returncode == 0, result.stderr[-3000:]
    assert (row["status"], row["error"]) == ("ok", None)
    assert [(r["author"], r["rating"]) for r in reviews] == [("Marta Quinlan", 2), ("Olu Adeyemi", 5)]
    [(path, body, auth)] = asked
    assert path == "/v1/extract" and body["url"].endswith("/reviews") and body["browserHtml"] is True
    assert auth == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert row["shop_hits"] == ["/robots.txt"]  # only robots.txt over plain HTTP; the page came through the API
    kept = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert KEY.encode() not in kept and KEY not in result.stdout + result.stderr


def test_without_its_key_the_crawl_is_a_missing_credentials_error(tmp_path):
    result, row, reviews, asked = crawl_through_the_api(tmp_path, {})
    assert result.returncode == 1
    assert (row["status"], row["error"]) == ("error", "missing credentials: ACME_ZYTE_KEY (the Zyte API key)")
    assert reviews == [] and asked == [] and row["shop_hits"] == []
