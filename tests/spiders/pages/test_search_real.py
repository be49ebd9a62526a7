"""The engines' extractors on real recorded result pages (../shared/fixtures/real, skipped when absent)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, TextResponse

from helpers import real_path
from repscan.spiders.pages import blocked, bing, brave, duckduckgo, google

yaml = pytest.importorskip("yaml")

DDG = ("duckduckgo", "html-serp-fake-cache-bypass-vcr-2020.yaml")
BING = ("bing", "serp-fake-cache-bypass-vcr-2020.yaml")
GOOGLE = ("google", "serp-fake-cache-bypass-vcr-2020.yaml")
BRAVE = ("brave", "web-search-empty-bad-results-2025.json.gz")


@lru_cache(maxsize=None)
def _recorded(name: tuple[str, str]) -> tuple[str, str]:
    """(URL, body) of the cassette's 200 response; VCR keeps the decoded body as a YAML string."""
    path = real_path(*name)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_bytes(), Loader=loader)
    for interaction in data["interactions"]:
        response = interaction["response"]
        body = (response.get("body") or {}).get("string")
        if response["status"]["code"] == 200 and body:
            return interaction["request"]["uri"], body
    raise AssertionError(f"{name} has no 200 response with a body")


def recorded(name: tuple[str, str]) -> HtmlResponse:
    url, body = _recorded(name)
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def hosts(items) -> set[str]:
    return {urlsplit(item["url"]).hostname for item in items}


def test_duckduckgo_html_page():
    items = duckduckgo.extract(recorded(DDG))
    assert len(items) == 25 and [item["rank"] for item in items] == list(range(1, 26))
    assert not [host for host in hosts(items) if host.endswith("duckduckgo.com")]
    assert all(item["url"].startswith("https://") and item["title"] and item["snippet"] for item in items)
    assert {item["query"] for item in items} == {"Fake cache bypass"}
    assert items[0] == {
        "kind": "search_result", "engine": "duckduckgo", "query": "Fake cache bypass", "rank": 1,
        "url": "https://medium.com/homullus/fake-and-free-bypass-on-cookie-with-cloudflare-edge-cache-workers-for-"
               "wordpress-72c36d23c174",
        "displayed_url": "medium.com/homullus/fake-and-free-bypass-on-cookie-with-cloudflare-edge-cache-workers-for-"
                         "wordpress-72c36d23c174",
        "title": "Fake and free Bypass-on-Cookie, with CloudFlare edge cache...",
        "snippet": "Bypass on cookie is a common HTTP caching technique. For example, if you wanted to spin up a This "
                   "is why, from the perspective of the cache itself, all requests are the same and should have "
                   "the...",
    }
    # a target with its own query string survives the uddg= unwrapping
    assert items[-1]["url"] == "https://www.manualslib.com/manual/378716/3com-Superstack-3-Webcache-3000.html?page=188"


def test_duckduckgo_html_next_page():
    assert duckduckgo.next_page(recorded(DDG)) == (
        "https://html.duckduckgo.com/html/?q=Fake+cache+bypass&s=30&nextParams=&v=&o=json&dc=26&api=%2Fd.js"
        "&vqd=&kl=wt-wt")


def test_bing_page():
    items = bing.extract(recorded(BING))
    assert [item["rank"] for item in items] == list(range(1, 11))
    assert not [host for host in hosts(items) if host.endswith("bing.com")]
    assert all(item["title"] and item["snippet"] and item["displayed_url"] for item in items)
    assert items[0] == {
        "kind": "search_result", "engine": "bing", "query": "Fake cache bypass", "rank": 1,
        "url": "https://medium.com/homullus/fake-and-free-bypass-on-cookie-with-cloudflare-edge-cache-workers-for-"
               "wordpress-72c36d23c174",
        "displayed_url": "https://medium.com/homullus/fake-and-free-bypass...",
        "title": "Fake and free Bypass-on-Cookie, with CloudFlare edge cache ...",
        "snippet": "Fake it till you make it. First of all, there is definitely no way that we can force a "
                   "cache-layer bypass. Simply put, the layer is always there and every request goes through it.",
    }
    assert bing.next_page(recorded(BING)) == (
        "https://www.bing.com/search?q=Fake+cache+bypass&offset=0&count=10&first=11&FORM=PORE")


def test_google_page():
    items = google.extract(recorded(GOOGLE))
    # The recording asked for start=1 (skip one result), so its ten results rank 2 to 11.
    assert [item["rank"] for item in items] == list(range(2, 12))
    assert not [host for host in hosts(items) if "google." in host]
    assert all(item["title"] and item["snippet"] and item["displayed_url"] for item in items)
    assert items[0] == {
        "kind": "search_result", "engine": "google", "query": "Fake cache bypass", "rank": 2,
        "url": "https://sigma.software/about/media/how-bypass-server-cache-when-retrieving-web-content",
        "displayed_url": "sigma.software › about › media › how-bypass-server-ca...",
        "title": "How to Bypass Server Cache When Retrieving Web Content ...",
        "snippet": "Jun 8, 2018 - How can you get a web page bypassing the server cache? ... If the URL already "
                   "contains some parameters, you can add a 'fake' parameter:.",
    }
    assert google.next_page(recorded(GOOGLE)) == (
        "https://www.google.com/search?q=Fake+cache+bypass&client=ubuntu&hs=du4&ei=PjEQX73fH8imoASK676oDw"
        "&start=11&sa=N&ved=2ahUKEwi99qCbzdHqAhVIE4gKHYq1D_U4ARDw0wN6BAgMEDw")


@pytest.mark.parametrize("name", [DDG, BING, GOOGLE], ids=["duckduckgo", "bing", "google"])
def test_real_result_pages_are_not_blocked(name):
    assert blocked.detect(recorded(name)) is None


def test_brave_empty_response():
    path = real_path(*BRAVE)
    url = "https://api.search.brave.com/res/v1/web/search?q=%5C&count=20"
    for body in (gzip.decompress(path.read_bytes()), path.read_bytes()):
        response = TextResponse(url=url, body=body, encoding="utf-8", headers={"Content-Type": "application/json"})
        assert brave.extract(response) == []
        assert brave.next_page(response) is None
