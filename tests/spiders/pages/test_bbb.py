"""BBB: customer reviews and complaints (unrated, "Complaint: <type>") with business responses (no real page yet)."""

from __future__ import annotations

import hashlib

import pytest

from repscan.spiders.pages import LayoutError, bbb

PROFILE = "https://www.bbb.org/us/oh/dublin/profile/bakery/harbour-lane-bakery-0302-90012345"
REVIEWS = f"{PROFILE}/customer-reviews"
COMPLAINTS = f"{PROFILE}/complaints"


def review(source_id, url, **fields):
    item = {"kind": "review", "source": "bbb", "source_id": source_id, "url": url, "business_url": PROFILE,
            "author": None, "rating": None, "rating_max": 5, "title": None, "text": None, "language": None,
            "published_at": None, "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {"kind": "business", "source": "bbb", "url": PROFILE, "name": "Harbour Lane Bakery LLC", "rating": 3.67,
            "review_count": 3}


def test_customer_reviews_page_every_field_with_the_business_response(load):
    response = load("bbb/customer-reviews-page-1.html", REVIEWS)
    assert bbb.extract(response) == [
        review("771002", f"{REVIEWS}#771002", author="Paula R", rating=1,
               text="Wedding cake order was cancelled two days before the wedding with no explanation.",
               published_at="2025-10-29T00:00:00Z",
               reply_text="Paula, our oven failed that week and we called you the same day. "
                          "We refunded the full deposit.",
               reply_at="2025-10-30T00:00:00Z"),
        review("771001", f"{REVIEWS}#771001", author="Greg H", rating=5,
               text="Consistently great bread.\nFriendly owners.", published_at="2025-10-02T00:00:00Z"),
        BUSINESS,
    ]
    assert bbb.next_page(response) == f"{REVIEWS}?page=2"


def test_last_reviews_page(load):
    response = load("bbb/customer-reviews-page-2.html", f"{REVIEWS}?page=2")
    assert bbb.extract(response) == [
        review("770999", f"{REVIEWS}#770999", author="Lena V", rating=5,
               text="Best croissants in Ohio & the staff are lovely.", published_at="2025-08-15T14:02:00Z"),
        BUSINESS,
    ]
    assert bbb.next_page(response) is None


def test_complaints_are_unrated_reviews_titled_by_type(load):
    response = load("bbb/complaints.html", COMPLAINTS)
    assert bbb.extract(response) == [
        review("complaint-22334455", f"{COMPLAINTS}#22334455", title="Complaint: Billing/Collection Issues",
               text="I was charged twice for a catering order (#4471) and have not received the second charge back.",
               published_at="2025-10-20T00:00:00Z",
               reply_text="We have refunded the duplicate charge; the customer confirmed receipt.",
               reply_at="2025-10-24T00:00:00Z"),
        review("complaint-22330001", f"{COMPLAINTS}#22330001", title="Complaint: Delivery Issues",
               text="Order never arrived.", published_at="2025-09-02T00:00:00Z"),
        {"kind": "business", "source": "bbb", "url": PROFILE, "name": "Harbour Lane Bakery LLC", "rating": None,
         "review_count": None},
    ]
    assert bbb.next_page(response) is None


def test_json_ld_fallback(load):
    stable = hashlib.sha1("\x1f".join((REVIEWS, "Greg H", "2025-10-02T00:00:00Z", "Consistently great bread."))
                          .encode()).hexdigest()[:16]
    assert bbb.extract(load("bbb/json-ld-only.html", REVIEWS)) == [
        review(stable, REVIEWS, author="Greg H", rating=5, text="Consistently great bread.",
               published_at="2025-10-02T00:00:00Z"),
        {"kind": "business", "source": "bbb", "url": PROFILE, "name": "Harbour Lane Bakery LLC", "rating": 4,
         "review_count": 1},
    ]


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "trustpilot/changed-layout.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        bbb.extract(load(name, REVIEWS))


@pytest.mark.parametrize("url, expected", [
    (PROFILE, [REVIEWS, COMPLAINTS]),
    (f"{PROFILE}/", [REVIEWS, COMPLAINTS]),
    (f"{PROFILE}/details", [REVIEWS, COMPLAINTS]),
    (f"{COMPLAINTS}?page=3", [COMPLAINTS]),
    (REVIEWS, [REVIEWS]),
])
def test_start_urls_cover_reviews_and_complaints(url, expected):
    assert bbb.start_urls(url) == expected
    assert bbb.start_url(url) == expected[0]
