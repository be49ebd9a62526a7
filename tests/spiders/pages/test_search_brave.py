"""Brave Search API: web results only, every field, offsets, the key from the environment."""

from __future__ import annotations

import gzip

import pytest
from scrapy.http import TextResponse

from helpers import FIXTURES
from repscan.spiders.pages import LayoutError, MissingCredentials, brave

API = "https://api.search.brave.com/res/v1/web/search"
PAGE1_URL = f"{API}?q=Acme+Plumbing&count=20"
PAGE2_URL = f"{API}?q=Acme+Plumbing&count=20&offset=1"


def api_response(body: bytes | str, url: str = PAGE1_URL) -> TextResponse:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return TextResponse(url=url, body=body, encoding="utf-8", headers={"Content-Type": "application/json"})


def fixture(name: str, url: str = PAGE1_URL) -> TextResponse:
    return api_response((FIXTURES / "search" / "brave" / name).read_bytes(), url)


def result(rank, url, displayed_url, title, snippet, query="Acme Plumbing"):
    return {"kind": "search_result", "engine": "brave", "query": query, "rank": rank, "url": url,
            "displayed_url": displayed_url, "title": title, "snippet": snippet}


PAGE1 = [
    result(1, "https://www.acmeplumbing.example/", "www.acmeplumbing.example",
           "Acme Plumbing – Emergency Plumbers in Rochester, NY",
           "Family-run plumbers serving Rochester since 1998. 24/7 emergency call-outs, water heater repair and "
           "drain cleaning."),
    result(2, "https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/"
              "acme-plumbing-overcharged-for-a-water-heater-rochester-new-york-1523377",
           "www.ripoffreport.com › reports › acme-plumbing › rochester-new-york",
           "Ripoff Report | Acme Plumbing Complaint Review Rochester, New York",
           "Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"),
    result(3, "https://www.trustpilot.com/review/acmeplumbing.example",
           "www.trustpilot.com › review › acmeplumbing.example",
           "Acme Plumbing Reviews | Read Customer Service Reviews of acmeplumbing.example",
           "Do you agree with Acme Plumbing's TrustScore? Voice your opinion today and hear what 212 customers have "
           "already said."),
    result(4, "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711/complaints",
           "www.bbb.org › us › ny › rochester › profile › plumber",
           "Acme Plumbing | Complaints | Better Business Bureau® Profile",
           "This business has 9 complaints on file. Read complaint details and the business's responses."),
    result(5, "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/",
           "www.reddit.com › r › Rochester › comments › 17xq2m4 › has_anyone_used_acme_plumbing",
           "Has anyone used Acme Plumbing? : r/Rochester",
           "They quoted $300 and billed $1,100. Took three weeks to get a partial refund."),
    result(6, "https://patch.com/new-york/rochester/rochester-plumber-fined-over-botched-water-heater-installs",
           "patch.com › new-york › rochester",
           "Rochester Plumber Fined Over Botched Water Heater Installs | Rochester, NY Patch",
           "State regulators fined Acme Plumbing $15,000 after inspectors found 14 unpermitted installs."),
    result(7, "https://www.facebook.com/acmeplumbing", "www.facebook.com › acmeplumbing",
           "Acme Plumbing | Rochester NY - Facebook",
           "Acme Plumbing, Rochester. 1,204 likes · 12 talking about this. Plumbing, heating & drains since 1998."),
]

LAST_PAGE = [
    result(21, "https://www.yelp.com/biz/acme-plumbing-rochester-3", "www.yelp.com › biz › acme-plumbing-rochester-3",
           "ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York - Yelp",
           '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."'),
    result(22, "https://acme-plumbing.pissedconsumer.com/review.html", "acme-plumbing.pissedconsumer.com › review.html",
           "Acme Plumbing Reviews and Complaints | PissedConsumer", "4 reviews and complaints about Acme Plumbing."),
]


def test_page_1_web_results_only():
    items = brave.extract(fixture("web-page-1.json"))
    assert items == PAGE1
    # videos, discussions and the infobox are not organic results
    assert not {"https://www.youtube.com/watch?v=AcmeVid0001",
                "https://www.reddit.com/r/Rochester/comments/18abc12/acme_plumbing_never_showed_up/",
                "https://www.yelp.com/biz/acme-plumbing-rochester-3"} & {item["url"] for item in items}


def test_later_page_ranks_count_whole_pages_of_count():
    assert brave.extract(fixture("web-last-page.json", PAGE2_URL)) == LAST_PAGE
    third_of_tens = fixture("web-last-page.json", f"{API}?q=Acme+Plumbing&count=10&offset=3")
    assert [item["rank"] for item in brave.extract(third_of_tens)] == [31, 32]


def test_query_falls_back_to_the_response_when_the_url_has_none():
    items = brave.extract(fixture("web-last-page.json", f"{API}?offset=1&count=20"))
    assert {item["query"] for item in items} == {"Acme Plumbing"}


def test_no_web_key_is_no_results():
    body = '{"type": "search", "query": {"original": "x", "more_results_available": false}, "mixed": {"main": []}}'
    assert brave.extract(api_response(body)) == []


def test_a_raw_gzip_body_is_read_too():
    body = gzip.compress((FIXTURES / "search" / "brave" / "web-page-1.json").read_bytes())
    assert brave.extract(api_response(body)) == PAGE1


@pytest.mark.parametrize("body", [
    "<html><body>Bad gateway</body></html>", "[1, 2]",
    '{"query": "Acme Plumbing", "results": []}',
])
def test_anything_but_a_web_search_response_is_a_layout_error(body):
    with pytest.raises(LayoutError, match="brave"):
        brave.extract(api_response(body))


def test_next_page_follows_more_results_available():
    assert brave.next_page(fixture("web-page-1.json")) == PAGE2_URL
    assert brave.next_page(fixture("web-last-page.json", PAGE2_URL)) is None
    at_the_end = fixture("web-page-1.json", f"{API}?q=Acme+Plumbing&count=20&offset=9")
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
    assert brave.start_url(PAGE1_URL) == PAGE1_URL
