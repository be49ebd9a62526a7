"""Yelp Fusion API: the three excerpts, Pacific times to UTC, the endpoint URL and the key."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import FIXTURES
from repscan.spiders.pages import LayoutError, MissingCredentials, yelp_api

API_URL = "http://127.0.0.1:8765/v3/businesses/copperleaf-plumbing-portland/reviews?sort_by=newest"
BIZ = "https://www.yelp.com/biz/copperleaf-plumbing-portland"


def api_response(name: str, url: str = API_URL) -> TextResponse:
    return TextResponse(url=url, body=(FIXTURES / "yelp" / name).read_bytes(), encoding="utf-8")


def review(review_id, **fields):
    item = {
        "kind": "review", "source": "yelp-api", "source_id": review_id, "url": f"{BIZ}?hrid={review_id}",
        "business_url": BIZ, "author": None, "rating": None, "rating_max": 5, "title": None, "text": None,
        "language": None, "published_at": None, "published_approx": False, "updated_at": None,
        "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def test_excerpts_every_field():
    assert yelp_api.extract(api_response("api-reviews.json")) == [
        review("yA1bC2dE3fG4hI5jK6lM7n", author="Marcy T.", rating=1,
               text=("Called for a burst pipe on a Saturday. They quoted one price on the phone and charged almost "
                     "double. The tech was..."),
               published_at="2024-03-15T02:00:00Z"),
        review("yB2cD3eF4gH5iJ6kL7mN8o", author="Luis G.", rating=5,
               text="Excelente servicio. Llegaron en una hora y arreglaron el calentador de agua.",
               published_at="2024-03-02T23:00:00Z"),
        review("yC3dE4fG5hI6jK7lM8nO9p", author="Priya S.", rating=4,
               text="Fair price for a new shower valve. Booking online was easy.",
               published_at="2024-02-20T17:30:00Z"),
        {"kind": "business", "source": "yelp-api", "url": BIZ, "name": None, "rating": None, "review_count": 11},
    ]
    assert yelp_api.next_page(api_response("api-reviews.json")) is None


def test_one_possible_language_is_every_review_s_language():
    body = (FIXTURES / "yelp" / "api-reviews.json").read_text().replace('["en", "es"]', '["en"]')
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


def test_api_error_is_a_layout_error_with_the_reason():
    with pytest.raises(LayoutError, match="TOKEN_INVALID: Invalid access token"):
        yelp_api.extract(api_response("api-error-unauthorized.json"))


@pytest.mark.parametrize("body", [b"<html></html>", b"[]", b'{"businesses": []}'])
def test_foreign_responses_are_layout_errors(body):
    with pytest.raises(LayoutError):
        yelp_api.extract(TextResponse(url=API_URL, body=body, encoding="utf-8"))
