"""Yelp Fusion API beyond its cases (tests/cases/yelp-api): one possible language, the endpoint URL, the key."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import case
from repscan.spiders.pages import MissingCredentials, yelp_api

API_URL = "http://127.0.0.1:8765/v3/businesses/copperleaf-plumbing-portland/reviews?sort_by=newest"
BIZ = "https://www.yelp.com/biz/copperleaf-plumbing-portland"


def test_one_possible_language_is_every_review_s_language():
    body = case("yelp-api/reviews").body.decode().replace('["en", "es"]', '["en"]')
    items = yelp_api.extract(TextResponse(url=API_URL, body=body.encode(), encoding="utf-8"))
    assert [item.get("language") for item in items[:-1]] == ["en", "en", "en"]


@pytest.mark.parametrize("url, expected", [
    ("https://www.yelp.com/biz/copperleaf-plumbing-portland?osq=plumber",
     "https://api.yelp.com/v3/businesses/copperleaf-plumbing-portland/reviews?sort_by=newest"),
    ("https://api.yelp.com/v3/businesses/WavvLdfdP6g8aZTtbBQHTw",
     "https://api.yelp.com/v3/businesses/WavvLdfdP6g8aZTtbBQHTw/reviews?sort_by=newest"),
    ("https://api.yelp.com/v3/businesses/x/reviews?locale=de_DE&sort_by=yelp_sort",
     "https://api.yelp.com/v3/businesses/x/reviews?locale=de_DE&sort_by=newest"),
    ("https://example.com/reviews", "https://example.com/reviews"),
])
def test_start_url(url, expected):
    assert yelp_api.start_url(url) == expected


def test_key_comes_from_the_environment_only():
    assert yelp_api.request_headers({"REPSCAN_YELP_API_KEY": "k3y"}) == {
        "Authorization": "Bearer k3y", "Accept": "application/json"}
    with pytest.raises(MissingCredentials, match="REPSCAN_YELP_API_KEY"):
        yelp_api.request_headers({})
