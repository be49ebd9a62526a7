"""Brave Search API beyond its cases (tests/cases/brave): offsets, the query, gzip, the key."""

from __future__ import annotations

import gzip

import pytest

from helpers import case
from repscan.spiders import pages
from repscan.app.cases import response_for
from repscan.spiders.pages import MissingCredentials, brave

API = "https://api.search.brave.com/res/v1/web/search"
PAGE1_URL = f"{API}?q=Acme+Plumbing&count=20"
PAGE2_URL = f"{API}?q=Acme+Plumbing&count=20&offset=1"


def api_response(body: bytes | str, url: str = PAGE1_URL):
    body = body.encode("utf-8") if isinstance(body, str) else body
    return response_for(body, url, kind="text", headers={"Content-Type": "application/json"})


PAGE1, LAST_PAGE = case("brave/web-page-1"), case("brave/web-last-page")


def test_web_results_only():
    # videos, discussions and the infobox are not organic results
    assert not {"https://www.youtube.com/watch?v=AcmeVid0001",
                "https://www.reddit.com/r/Rochester/comments/18abc12/acme_plumbing_never_showed_up/",
                "https://www.yelp.com/biz/acme-plumbing-rochester-3"} & {item["url"] for item in PAGE1.expected}


def test_later_page_ranks_count_whole_pages_of_count():
    assert [item["rank"] for item in LAST_PAGE.expected] == [21, 22]
    third_of_tens = LAST_PAGE.response(f"{API}?q=Acme+Plumbing&count=10&offset=3")
    assert [item["rank"] for item in brave.extract(third_of_tens)] == [31, 32]


def test_query_falls_back_to_the_response_when_the_url_has_none():
    items = brave.extract(LAST_PAGE.response(f"{API}?offset=1&count=20"))
    assert {item["query"] for item in items} == {"Acme Plumbing"}


def test_no_web_key_is_no_results():
    body = '{"type": "search", "query": {"original": "x", "more_results_available": false}, "mixed": {"main": []}}'
    assert brave.extract(api_response(body)) == []


def test_a_raw_gzip_body_is_read_too():
    assert brave.extract(api_response(gzip.compress(PAGE1.body))) == PAGE1.expected


def test_next_page_follows_more_results_available():
    at_the_end = PAGE1.response(f"{API}?q=Acme+Plumbing&count=20&offset=9")
    assert brave.next_page(at_the_end) is None
    assert brave.next_page(api_response("not json")) is None


def test_request_headers_take_the_key_from_the_environment():
    assert brave.request_headers({"REPSCAN_BRAVE_API_KEY": " made-up-token \n"}) == {
        "Accept": "application/json", "X-Subscription-Token": "made-up-token"}


@pytest.mark.parametrize("environ", [{}, {"REPSCAN_BRAVE_API_KEY": "  "}, {"BRAVE_API_KEY": "x"}])
def test_a_missing_key_names_the_variable(environ):
    with pytest.raises(MissingCredentials, match="REPSCAN_BRAVE_API_KEY"):
        brave.request_headers(environ)


def test_search_url():
    assert brave.search_url("Acme Plumbing") == PAGE1_URL
    assert brave.search_url("Acme Plumbing", page=2) == PAGE2_URL
    assert brave.search_url("Acme", base="http://127.0.0.1:8123") == (
        "http://127.0.0.1:8123/res/v1/web/search?q=Acme&count=20")
    for page in (0, 11):
        with pytest.raises(ValueError):
            brave.search_url("Acme", page=page)


def test_module_contract():
    assert (brave.SITE, brave.KIND) == ("brave", "search")
    assert pages.get("brave").start_url(PAGE1_URL) == PAGE1_URL  # the contract's default
