"""Google beyond its cases (tests/cases/google): exclusions, edited pages, other hosts, search URLs."""

from __future__ import annotations

import pytest

from helpers import case
from repscan.spiders import pages
from repscan.spiders.pages import google

SEARCH = "https://www.google.com/search"
PAGE1_URL = f"{SEARCH}?q=Acme+Plumbing"
BASIC_URL = f"{SEARCH}?q=Acme+Plumbing&gbv=1"
PAGE2_URL = f"{SEARCH}?q=Acme+Plumbing&sca_esv=made-up&start=10&sa=N"

PAGE1, BASIC = case("google/serp-page-1"), case("google/serp-basic")
NOT_RESULTS = ("angi.com", "youtube.com", "rapidrooter", "utm_medium=cpc", "water-heaters", "contact",
               "yelp.com", "aclk", "google.com", "/search")


@pytest.mark.parametrize("name", ["serp-page-1", "serp-basic"])
def test_ads_questions_carousels_sitelinks_related_and_panel_are_left_out(name):
    urls = [item["url"] for item in case(f"google/{name}").expected]
    for absent in NOT_RESULTS:
        assert not [u for u in urls if absent in u], absent


def test_every_excluded_block_is_excluded_on_its_own(respond):
    """The blocks sit inside the results container: their links are dropped by what they are in."""
    page = PAGE1.body.decode()
    for block in ('class="wQiwMc related-question-pair"', "<video-voyager>", "<g-scrolling-carousel>"):
        assert block in page
    # Lift the people-also-ask and video blocks out of their markers: their links become results.
    bare = (page.replace('class="wQiwMc related-question-pair" data-q="Is Acme Plumbing legit?" '
                         'data-initq="Acme Plumbing"', "")
            .replace('jsname="yEVEwb"', "").replace('jsname="Cpkphb"', "")
            .replace("g-section-with-header", "div").replace("video-voyager", "div")
            .replace("g-scrolling-carousel", "div"))
    urls = [item["url"] for item in google.extract(respond(bare, PAGE1_URL))]
    assert "https://www.angi.com/companylist/us/ny/rochester/acme-plumbing-reviews-1234.htm" in urls
    assert "https://www.youtube.com/watch?v=AcmeVid0001" in urls


def test_url_redirects_unwrap_on_a_local_server():
    items = google.extract(BASIC.response("http://127.0.0.1:8123/search?q=Acme+Plumbing"))
    assert [item["url"] for item in items] == [item["url"] for item in BASIC.expected]


def test_search_url():
    assert google.search_url("Acme Plumbing") == PAGE1_URL
    assert google.search_url("Acme Plumbing", page=3) == f"{SEARCH}?q=Acme+Plumbing&start=20"
    assert google.search_url("Acme", base="http://127.0.0.1:8123") == "http://127.0.0.1:8123/search?q=Acme"
    with pytest.raises(ValueError):
        google.search_url("Acme", page=0)


def test_module_contract():
    assert (google.SITE, google.KIND) == ("google", "search")
    assert pages.get("google").start_url(PAGE1_URL) == PAGE1_URL
