"""Facebook Graph API beyond its cases (tests/cases/facebook-graph): empty data, start URLs, the token."""

from __future__ import annotations

import hashlib

import pytest
from scrapy.http import TextResponse

from helpers import case
from repscan.spiders.pages import MissingCredentials, facebook_graph

PAGE_ID = "100200300400500"
G = "https://graph.facebook.com/v19.0"
FB = "https://www.facebook.com"
FEED_URL = facebook_graph.start_urls(f"{G}/{PAGE_ID}/feed")[0]
FEED_FIELDS = ("fields=id%2Cmessage%2Ccreated_time%2Cpermalink_url%2Cfrom%2Ccomments.summary%28true%29"
               "%7Bid%2Cmessage%2Ccreated_time%2Cfrom%7D")
RATING_FIELDS = ("fields=reviewer%2Crating%2Crecommendation_type%2Creview_text%2Ccreated_time%2Copen_graph_story"
                 "%7Bid%2Ccomments%7Bid%2Cmessage%2Ccreated_time%2Cfrom%7D%7D")


def test_paging_next_never_carries_the_access_token():
    next_url = case("facebook-graph/feed-page-1").meta["next_page"]
    assert "access_token" not in next_url and "EAAG" not in next_url
    assert next_url.startswith(f"{G}/{PAGE_ID}/feed?pretty=0&fields=") and next_url.endswith("&limit=3&after=QVFIUmNk")
    assert case("facebook-graph/ratings-page-1").meta["next_page"] == \
        f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}&limit=2&after=MjA%3D"


def test_a_rating_without_reviewer_or_story_is_keyed_by_page_and_time():
    fallback_id = hashlib.sha1(f"{PAGE_ID}\x1f\x1f2025-10-01T09:30:00+0000".encode()).hexdigest()[:16]
    assert case("facebook-graph/ratings-page-2").expected[1]["source_id"] == fallback_id


def test_empty_page_of_data():
    response = TextResponse(FEED_URL, body=b'{"data": [], "paging": {"next": "https://x.example/next"}}')
    assert facebook_graph.extract(response) == []
    assert facebook_graph.next_page(response) is None


@pytest.mark.parametrize("url, expected", [
    (f"{FB}/HarbourLaneBakery",
     [f"{G}/HarbourLaneBakery/feed?{FEED_FIELDS}", f"{G}/HarbourLaneBakery/ratings?{RATING_FIELDS}"]),
    (f"{FB}/profile.php?id={PAGE_ID}", [f"{G}/{PAGE_ID}/feed?{FEED_FIELDS}", f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}"]),
    (f"{G}/{PAGE_ID}/ratings", [f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}"]),
    (f"{G}/{PAGE_ID}/feed?fields=id,message&limit=10&access_token=SECRET",
     [f"{G}/{PAGE_ID}/feed?fields=id%2Cmessage&limit=10"]),
    ("http://127.0.0.1:8765/v19.0/1/feed", [f"http://127.0.0.1:8765/v19.0/1/feed?{FEED_FIELDS}"]),
])
def test_start_urls(url, expected):
    assert facebook_graph.start_urls(url) == expected
    assert facebook_graph.start_url(url) == expected[0]


def test_start_urls_need_a_page():
    with pytest.raises(ValueError):
        facebook_graph.start_urls(f"{FB}/")


def test_request_headers_bearer_token_from_the_environment_only():
    assert facebook_graph.request_headers({"REPSCAN_FACEBOOK_PAGE_TOKEN": " EAAGtoken "}) == \
        {"Authorization": "Bearer EAAGtoken"}
    with pytest.raises(MissingCredentials, match="REPSCAN_FACEBOOK_PAGE_TOKEN"):
        facebook_graph.request_headers({})
