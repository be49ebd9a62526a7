"""SearXNG JSON API: general results only, every field, pages, the required instance URL."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import FIXTURES
from repscan.spiders.pages import LayoutError, searxng

INSTANCE = "https://searx.example.org"
PAGE1_URL = f"{INSTANCE}/search?q=Acme+Plumbing&format=json&categories=general&pageno=1"
PAGE2_URL = f"{INSTANCE}/search?q=Acme+Plumbing&format=json&categories=general&pageno=2"


def api_response(body: bytes | str, url: str = PAGE1_URL) -> TextResponse:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return TextResponse(url=url, body=body, encoding="utf-8", headers={"Content-Type": "application/json"})


def fixture(name: str, url: str = PAGE1_URL) -> TextResponse:
    return api_response((FIXTURES / "search" / "searxng" / name).read_bytes(), url)


def result(rank, url, displayed_url, title, snippet, query="Acme Plumbing"):
    return {"kind": "search_result", "engine": "searxng", "query": query, "rank": rank, "url": url,
            "displayed_url": displayed_url, "title": title, "snippet": snippet}


RIPOFF = ("https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/"
          "acme-plumbing-overcharged-for-a-water-heater-rochester-new-york-1523377")
BBB = "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711/complaints"

PAGE1 = [
    result(1, "https://www.acmeplumbing.example/", "https://www.acmeplumbing.example/",
           "Acme Plumbing – Emergency Plumbers in Rochester, NY",
           "Family-run plumbers serving Rochester since 1998. 24/7 emergency call-outs, water heater repair and "
           "drain cleaning."),
    result(2, RIPOFF, RIPOFF, "Ripoff Report | Acme Plumbing Complaint Review Rochester, New York",
           "Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"),
    result(3, "https://www.trustpilot.com/review/acmeplumbing.example",
           "https://www.trustpilot.com/review/acmeplumbing.example",
           "Acme Plumbing Reviews | Read Customer Service Reviews of acmeplumbing.example",
           "Do you agree with Acme Plumbing's TrustScore? Voice your opinion today and hear what 212 customers have "
           "already said."),
    result(4, BBB, BBB, "Acme Plumbing | Complaints | Better Business Bureau® Profile",
           "This business has 9 complaints on file. Read complaint details and the business's responses."),
    result(5, "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/",
           "reddit.com › r › Rochester", "Has anyone used Acme Plumbing? : r/Rochester",
           "They quoted $300 and billed $1,100. Took three weeks to get a partial refund."),
]


def test_page_1_general_results_only():
    items = searxng.extract(fixture("page-1.json"))
    assert items == PAGE1
    # the video, the image, the answer's and the infobox's links are not organic results
    assert not {"https://www.youtube.com/watch?v=AcmeVid0001", "https://www.acmeplumbing.example/images/van.jpg",
                "https://www.acmeplumbing.example/contact/"} & {item["url"] for item in items}


def test_page_n_ranks_start_after_n_minus_one_pages_of_ten():
    items = searxng.extract(fixture("page-1.json", f"{INSTANCE}/search?q=Acme+Plumbing&format=json&pageno=3"))
    assert [item["rank"] for item in items] == [21, 22, 23, 24, 25]


def test_query_falls_back_to_the_response_body():
    items = searxng.extract(fixture("page-1.json", f"{INSTANCE}/search?format=json"))
    assert {item["query"] for item in items} == {"Acme Plumbing"}


def test_empty_page():
    assert searxng.extract(fixture("page-2-empty.json", PAGE2_URL)) == []


@pytest.mark.parametrize("body", [
    "<!DOCTYPE html><html><body>403 Forbidden</body></html>",
    '{"type": "search", "web": {"results": []}}',
    '{"results": {"url": "https://x.example/"}}',
])
def test_anything_but_a_results_list_is_a_layout_error(body):
    with pytest.raises(LayoutError, match="searxng"):
        searxng.extract(api_response(body))


def test_next_page_while_results_come():
    assert searxng.next_page(fixture("page-1.json")) == PAGE2_URL
    assert searxng.next_page(fixture("page-2-empty.json", PAGE2_URL)) is None
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
    assert searxng.start_url(PAGE1_URL) == PAGE1_URL
