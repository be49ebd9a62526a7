"""SearXNG beyond its cases (tests/cases/searxng): what is left out, page offsets, the query, the instance URL."""

from __future__ import annotations

import pytest

from helpers import case
from repscan.spiders import pages
from repscan.app.cases import response_for
from repscan.spiders.pages import searxng

INSTANCE = "https://searx.example.org"
PAGE1_URL = f"{INSTANCE}/search?q=Acme+Plumbing&format=json&categories=general&pageno=1"
PAGE2_URL = f"{INSTANCE}/search?q=Acme+Plumbing&format=json&categories=general&pageno=2"


def api_response(body: bytes | str, url: str = PAGE1_URL):
    body = body.encode("utf-8") if isinstance(body, str) else body
    return response_for(body, url, kind="text", headers={"Content-Type": "application/json"})


PAGE1 = case("searxng/page-1")


def test_page_1_general_results_only():
    # the video, the image, the answer's and the infobox's links are not organic results
    assert not {"https://www.youtube.com/watch?v=AcmeVid0001", "https://www.acmeplumbing.example/images/van.jpg",
                "https://www.acmeplumbing.example/contact/"} & {item["url"] for item in PAGE1.expected}


def test_page_n_ranks_start_after_n_minus_one_pages_of_ten():
    items = searxng.extract(PAGE1.response(f"{INSTANCE}/search?q=Acme+Plumbing&format=json&pageno=3"))
    assert [item["rank"] for item in items] == [21, 22, 23, 24, 25]


def test_query_falls_back_to_the_response_body():
    items = searxng.extract(PAGE1.response(f"{INSTANCE}/search?format=json"))
    assert {item["query"] for item in items} == {"Acme Plumbing"}


def test_no_next_page_without_results():
    assert searxng.next_page(api_response("<html></html>")) is None


def test_search_url_needs_the_instance():
    assert searxng.search_url("Acme Plumbing", base=INSTANCE) == PAGE1_URL
    assert searxng.search_url("Acme", base="http://127.0.0.1:8888/searx/", page=2) == (
        "http://127.0.0.1:8888/searx/search?q=Acme&format=json&categories=general&pageno=2")
    for base in (None, "", "searx.example.org", "ftp://searx.example.org"):
        with pytest.raises(ValueError, match="searxng"):
            searxng.search_url("Acme", base=base)


def test_module_contract():
    assert (searxng.SITE, searxng.KIND) == ("searxng", "search")
    assert pages.get("searxng").start_url(PAGE1_URL) == PAGE1_URL
