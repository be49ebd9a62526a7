"""Yellow Pages beyond its cases (tests/cases/yellowpages): the id rule of cards, the start URL."""

from __future__ import annotations

import hashlib

from helpers import case
from repscan.spiders import pages
from repscan.spiders.pages import yellowpages

BIZ = "https://www.yellowpages.com/dublin-oh/mip/harbour-lane-bakery-123456789"


def card_id(author, published, text):
    return hashlib.sha1("\x1f".join((BIZ, author, published, text[:200])).encode()).hexdigest()[:16]


def test_review_ids_hash_page_author_date_and_text():
    reviews = [item for name in ("page-1", "page-2-no-json-ld") for item in case(f"yellowpages/{name}").expected
               if item["kind"] == "review"]
    assert len(reviews) == 3
    for review in reviews:
        # a date-only day hashes as its midnight, the form ids had before days had their own precision
        assert review["source_id"] == card_id(review["author"], review["published_at"] + "T00:00:00Z", review["text"])


def test_start_url_is_the_business_page():
    assert pages.get("yellowpages").start_url(BIZ) == BIZ
