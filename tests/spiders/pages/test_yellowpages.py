"""Yellow Pages: JSON-LD reviews merged with review cards (owner responses), cards alone, summary only."""

from __future__ import annotations

import hashlib

import pytest

from repscan.spiders.pages import LayoutError, yellowpages

BIZ = "https://www.yellowpages.com/dublin-oh/mip/harbour-lane-bakery-123456789"


def card_id(author, published, text):
    return hashlib.sha1("\x1f".join((BIZ, author, published, text[:200])).encode()).hexdigest()[:16]


def review(author, published, text, **fields):
    item = {"kind": "review", "source": "yellowpages", "source_id": card_id(author, published, text), "url": BIZ,
            "business_url": BIZ, "author": author, "rating": None, "rating_max": 5, "title": None, "text": text,
            "language": None, "published_at": published, "published_approx": False, "updated_at": None,
            "reply_text": None, "reply_at": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {"kind": "business", "source": "yellowpages", "url": BIZ, "name": "Harbour Lane Bakery", "rating": 3.5,
            "review_count": 3}


def test_json_ld_reviews_with_the_owner_response_from_the_cards(load):
    response = load("yellowpages/page-1.html", BIZ)
    assert yellowpages.extract(response) == [
        review("Dana K.", "2025-10-21T00:00:00Z",
               "The rye is the best I've had outside Chicago. Staff remembered my order.", rating=5,
               title="Great bread"),
        review("Marcus T.", "2025-10-14T00:00:00Z", "Ordered a lemon cake, got carrot. Refund took two calls.",
               rating=2, title="Wrong cake",
               reply_text="Marcus, we're sorry about the mix-up & the wait. The refund went through on 10/16.",
               reply_at="2025-10-16T00:00:00Z"),
        BUSINESS,
    ]
    assert yellowpages.next_page(response) == f"{BIZ}?page=2"


def test_cards_alone_half_stars_us_dates_and_the_html_summary(load):
    response = load("yellowpages/page-2-no-json-ld.html", f"{BIZ}?page=2")
    assert yellowpages.extract(response) == [
        review("Priya N.", "2025-09-03T00:00:00Z", "Good coffee.\nSeating is limited on weekends.", rating=4.5),
        BUSINESS,
    ]
    assert yellowpages.next_page(response) is None


def test_no_reviews_yet_gives_the_business_only(load):
    url = "https://www.yellowpages.com/dublin-oh/mip/quay-street-cafe-55"
    assert yellowpages.extract(load("yellowpages/no-reviews.html", url)) == [
        {"kind": "business", "source": "yellowpages", "url": url, "name": "Quay Street Cafe", "rating": None,
         "review_count": None},
    ]


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "blocked/cloudflare-just-a-moment.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        yellowpages.extract(load(name, BIZ))


def test_start_url_is_the_business_page():
    assert yellowpages.start_url(BIZ) == BIZ
