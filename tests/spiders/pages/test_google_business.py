"""Google Business Profile API beyond its cases (tests/cases/google-business): start URLs, the token, no reviews."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import case
from repscan.spiders.pages import MissingCredentials, google_business

HOST = "http://127.0.0.1:8765"
LOCATION = "/v4/accounts/108273645500012345678/locations/4471298833112233445"
REVIEWS = f"{HOST}{LOCATION}/reviews"
PAGE1_URL = f"{REVIEWS}?orderBy=updateTime+desc&pageSize=50"


@pytest.mark.parametrize("url, expected", [
    (f"https://mybusiness.googleapis.com{LOCATION}/reviews",
     f"https://mybusiness.googleapis.com{LOCATION}/reviews?orderBy=updateTime+desc&pageSize=50"),
    (f"https://mybusiness.googleapis.com{LOCATION}",
     f"https://mybusiness.googleapis.com{LOCATION}/reviews?orderBy=updateTime+desc&pageSize=50"),
    (f"{REVIEWS}?pageSize=10&pageToken=abc&orderBy=rating", PAGE1_URL),
])
def test_start_url_newest_first_fifty_a_page(url, expected):
    assert google_business.start_url(url) == expected


def test_token_comes_from_the_environment_only():
    assert google_business.request_headers({"REPSCAN_GOOGLE_BUSINESS_TOKEN": " ya29.token "}) == {
        "Authorization": "Bearer ya29.token", "Accept": "application/json"}
    for environ in ({}, {"REPSCAN_GOOGLE_BUSINESS_TOKEN": "  "}):
        with pytest.raises(MissingCredentials, match="REPSCAN_GOOGLE_BUSINESS_TOKEN"):
            google_business.request_headers(environ)


def test_location_without_reviews_gives_only_the_summary():
    response = TextResponse(url=PAGE1_URL, body=b'{"averageRating": 0, "totalReviewCount": 0}', encoding="utf-8")
    business = case("google-business/reviews-page-1").expected[-1]
    assert google_business.extract(response) == [dict(business, rating=0, review_count=0)]
