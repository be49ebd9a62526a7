"""BBB beyond its cases (tests/cases/bbb): the JSON-LD fallback's id rule, start URLs for both sections."""

from __future__ import annotations

import hashlib

import pytest

from helpers import case
from repscan.spiders.pages import bbb

PROFILE = "https://www.bbb.org/us/oh/dublin/profile/bakery/harbour-lane-bakery-0302-90012345"
REVIEWS = f"{PROFILE}/customer-reviews"
COMPLAINTS = f"{PROFILE}/complaints"


def test_json_ld_fallback_ids_hash_page_author_date_and_text():
    stable = hashlib.sha1("\x1f".join((REVIEWS, "Greg H", "2025-10-02T00:00:00Z", "Consistently great bread."))
                          .encode()).hexdigest()[:16]
    assert case("bbb/json-ld-only").expected[0]["source_id"] == stable


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
