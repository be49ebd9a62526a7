"""Sitejabber: JSON-LD reviews merged with cards (site ids, replies), cards alone (no real page yet)."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import LayoutError, sitejabber

BIZ = "https://www.sitejabber.com/reviews/harbourlane.example"


def review(review_id, **fields):
    item = {"kind": "review", "source": "sitejabber", "source_id": review_id, "url": f"{BIZ}#review-{review_id}",
            "business_url": BIZ, "author": None, "rating": None, "rating_max": 5, "title": None, "text": None,
            "language": None, "published_at": None, "published_approx": False, "updated_at": None,
            "reply_text": None, "reply_at": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def test_json_ld_reviews_take_the_card_ids_and_replies(load):
    response = load("sitejabber/page-1.html", BIZ)
    assert sitejabber.extract(response) == [
        review("3344556", author="Hannah L.", rating=1, title="Never received my order",
               text="Paid for a gift box to be delivered on Friday. Nothing came and the tracking link is dead.",
               published_at="2025-10-30T00:00:00Z",
               reply_text="Hi Hannah, the courier lost the parcel. We've sent a new box by hand today.",
               reply_at="2025-10-31T00:00:00Z"),
        review("3344001", author="Jorge M.", rating=5, title="Lovely cakes",
               text="Ordered online, picked up in store, everything as described.",
               published_at="2025-10-02T00:00:00Z"),
        {"kind": "business", "source": "sitejabber", "url": BIZ, "name": "Harbour Lane Bakery", "rating": 2.7,
         "review_count": 3},
    ]
    assert sitejabber.next_page(response) == f"{BIZ}?page=2"


def test_cards_alone(load):
    response = load("sitejabber/page-2-cards-only.html", f"{BIZ}?page=2")
    assert sitejabber.extract(response) == [
        review("3300002", author="Kasia W.", rating=2,
               text="Website said open until 6, shop was closed at 5.\nWasted trip.",
               published_at="2025-09-14T00:00:00Z"),
    ]
    assert sitejabber.next_page(response) is None


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "trustpilot/changed-layout.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        sitejabber.extract(load(name, BIZ))
