"""Google Business Profile API: every field of every review, translations, paging and credentials."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import FIXTURES
from repscan.spiders.pages import LayoutError, MissingCredentials, google_business

HOST = "http://127.0.0.1:8765"
LOCATION = "/v4/accounts/108273645500012345678/locations/4471298833112233445"
REVIEWS = f"{HOST}{LOCATION}/reviews"
PAGE1_URL = f"{REVIEWS}?orderBy=updateTime+desc&pageSize=50"
PAGE2_URL = f"{PAGE1_URL}&pageToken=CAUQAxoECgIIAw"


def api_response(name: str, url: str) -> TextResponse:
    return TextResponse(url=url, body=(FIXTURES / "google-business" / name).read_bytes(), encoding="utf-8")


def review(review_id, **fields):
    item = {
        "kind": "review", "source": "google-business", "source_id": review_id,
        "url": f"{HOST}{LOCATION}/reviews/{review_id}", "business_url": REVIEWS, "author": None, "rating": None,
        "rating_max": 5, "title": None, "text": None, "language": None, "published_at": None,
        "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {"kind": "business", "source": "google-business", "url": REVIEWS, "name": None, "rating": 4.1,
            "review_count": 5}


def test_page_1_every_field():
    assert google_business.extract(api_response("reviews-page-1.json", PAGE1_URL)) == [
        review("AbFvOqm3Xk9Lr2TtYb1", author="Hannah Lewis", rating=1,
               text="Waited 50 minutes for a plumber who never came. Nobody called to explain.",
               published_at="2024-03-11T08:15:42Z",
               reply_text="Hannah, we are very sorry. Our van broke down; we have refunded your call-out fee.",
               reply_at="2024-03-11T09:02:10Z"),
        review("AbFvOqn7Pq2Ws8Ku4Zc2", author="Stefan Krüger", rating=4,
               text="Schnelle und saubere Arbeit, etwas teuer.",
               published_at="2024-03-02T17:40:00Z", updated_at="2024-03-04T10:00:00Z"),
        review("AbFvOqp1Rr5Yy3Mm9Hd3", author="A Google user", rating=5, published_at="2024-02-20T12:00:00Z"),
        BUSINESS,
    ]


def test_last_page_every_field_translation_after_the_original_and_unspecified_stars():
    assert google_business.extract(api_response("reviews-page-2.json", PAGE2_URL)) == [
        review("AbFvOqr4Tt6Uu1Ii7Je4", author="Mihaela Dobre", rating=2,
               text="Au reparat țeava, dar au lăsat mizerie în baie.", published_at="2024-01-28T19:05:33Z",
               reply_text="Ne pare rău, Mihaela. Echipa va reveni gratuit pentru curățenie.",
               reply_at="2024-01-30T08:00:00Z"),
        review("AbFvOqs9Vv2Oo8Pp5Kf5", author="Raj Patel", rating=None,
               text="Booked online, the engineer arrived on time.", published_at="2024-01-15T07:30:00Z"),
        BUSINESS,
    ]


def test_next_page_carries_the_token_and_keeps_the_order():
    assert google_business.next_page(api_response("reviews-page-1.json", PAGE1_URL)) == PAGE2_URL
    assert google_business.next_page(api_response("reviews-page-2.json", PAGE2_URL)) is None


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


def test_api_error_is_a_layout_error_with_the_reason():
    with pytest.raises(LayoutError, match="401 UNAUTHENTICATED: Request had invalid authentication"):
        google_business.extract(api_response("error-unauthenticated.json", PAGE1_URL))
    assert google_business.next_page(api_response("error-unauthenticated.json", PAGE1_URL)) is None


@pytest.mark.parametrize("body", [b"<html><body>Sign in</body></html>", b"[1, 2]", b'{"kind": "other"}'])
def test_foreign_responses_are_layout_errors(body):
    with pytest.raises(LayoutError):
        google_business.extract(TextResponse(url=PAGE1_URL, body=body, encoding="utf-8"))


def test_location_without_reviews_gives_only_the_summary():
    response = TextResponse(url=PAGE1_URL, body=b'{"averageRating": 0, "totalReviewCount": 0}', encoding="utf-8")
    assert google_business.extract(response) == [dict(BUSINESS, rating=0, review_count=0)]
