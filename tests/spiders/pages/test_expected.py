"""Never a silent zero: each page module's evidence of reviews (`expected`), and the guard that turns evidence
without items into LayoutChanged; pages of the wrong kind are NotAReviewPage."""

from __future__ import annotations

import inspect

import pytest

from helpers import CASES, case
from real_responses import PAGES, responses
from repscan.app.cases import find_cases
from repscan.spiders.pages import CONTENT_KINDS, SITES, LayoutChanged, LayoutError, NotAReviewPage, get

READ = [c for c in find_cases(CASES) if c.expected is not None]


def content(items: list[dict]) -> list[dict]:
    return [item for item in items if item["kind"] in CONTENT_KINDS]


@pytest.mark.parametrize("site", SITES)
def test_every_site_module_declares_its_evidence(site):
    own = getattr(get(site).module, "expected", None)
    assert inspect.isfunction(own), f"{site}: the page module defines no expected(response)"
    assert list(inspect.signature(own).parameters) == ["response"]


@pytest.mark.parametrize("saved", READ, ids=[c.name for c in READ])
def test_every_case_with_items_has_evidence_and_every_empty_one_none(saved):
    response = saved.response()
    evidence = get(saved.site).expected(response)
    if content(saved.expected):
        assert evidence, f"{saved.name}: items, but the page module sees no evidence of them"
    else:
        assert evidence is None, f"{saved.name}: no items, and the guard would call {evidence!r} a changed layout"


@pytest.mark.parametrize("page", PAGES, ids=[f"{site}/{name}" for site, name, _ in PAGES])
def test_real_pages_with_reviews_show_evidence_and_never_trip_the_guard(page):
    site, name, url = page
    read = 0
    for response in responses(site, name, url):
        try:
            items = get(site).extract(response)
        except LayoutChanged:
            raise
        except LayoutError:
            continue  # what the page module already refused (a token answer, a video page): not this guard's
        read += 1
        evidence = get(site).expected(response)
        assert bool(content(items)) == bool(evidence), f"{response.url}: {len(content(items))} items, {evidence!r}"
    assert read, f"{name}: no response read"


def test_a_changed_layout_with_a_declared_count_is_an_error_naming_the_evidence():
    saved = case("tripadvisor/count-without-known-cards")
    with pytest.raises(LayoutChanged) as caught:
        saved.extract()
    assert str(caught.value) == (f"layout changed: expected a review count of 128, found none at {saved.url}")
    # The module alone still gives the business summary: that alone is what a silent zero looked like.
    assert [item["kind"] for item in get("tripadvisor").module.extract(saved.response())] == ["business"]


def test_cards_the_extractor_no_longer_reads_are_counted_by_their_container():
    saved = case("trustpilot/page-1-of-2")
    body = saved.body.decode("utf-8")
    assert body.count("data-service-review-card-paper") == 5
    # Trustpilot renames its embedded list and its JSON-LD type: the extractor finds no review, the cards remain.
    changed = body.replace('"reviews":', '"reviewItems":').replace('"Review"', '"Critique"')
    with pytest.raises(LayoutChanged, match="expected 5 review cards, found none"):
        get("trustpilot").extract(saved.response(body=changed))


def test_a_genuine_zero_is_no_error():
    for name in ("trustpilot/no-reviews-yet", "tripadvisor/no-reviews-yet", "yellowpages/no-reviews",
                 "google-maps/listugcposts-empty", "appstore/no-entries", "duckduckgo/html-no-results"):
        saved = case(name)
        assert not content(saved.extract()), name
        assert get(saved.site).expected(saved.response()) is None, name


def test_a_business_item_alone_does_not_count_as_the_reviews_found():
    # Google Play's review ids changed form before (gp:… to UUIDs): ids of a shape the extractor refuses.
    saved = case("googleplay/details-page-2026-uuid-ids")
    body = saved.body.decode("utf-8")
    for n, uuid in enumerate(("3f2b6c1e-8d4a-4e1b-9c7a-1a2b3c4d5e61", "7c9d0e2f-4b5a-4c3d-8e1f-2b3c4d5e6f72",
                              "b1e2c3d4-5f6a-4b7c-9d8e-3c4d5e6f7a83")):
        assert body.count(uuid) == 1
        body = body.replace(uuid, f"rv.{n}")
    response = saved.response(body=body)
    module_items = get("googleplay").module.extract(response)
    assert [item["kind"] for item in module_items] == ["business"] and module_items[0]["review_count"]
    with pytest.raises(LayoutChanged) as caught:
        get("googleplay").extract(response)
    assert str(caught.value) == f"layout changed: expected 3 rated entries, found none at {saved.url}"


def test_review_cards_whose_links_changed_are_still_counted():
    saved = case("tripadvisor/cards-page-1")
    body = saved.body.decode("utf-8")
    assert body.count("ShowUserReviews-") == 3
    with pytest.raises(LayoutChanged, match="expected 3 review cards, found none"):
        get("tripadvisor").extract(saved.response(body=body.replace("ShowUserReviews-", "UserReviewPage-")))


@pytest.mark.parametrize("name,what", [
    ("tripadvisor/restaurant-list", "a Tripadvisor restaurants list of 3 places"),
    ("yelp/search-page", "a Yelp search page listing 3 businesses"),
    ("trustpilot/category-page", "a Trustpilot category page listing 2 businesses"),
    ("google-maps/places-text-search", "a Places API search listing 2 places"),
])
def test_pages_of_the_wrong_kind(name, what):
    saved = case(name)
    with pytest.raises(NotAReviewPage) as caught:
        saved.extract()
    assert str(caught.value).startswith(f"not a review page: {saved.url} is {what}")


def test_a_saved_list_page_at_no_place_url_is_told_by_its_links():
    saved = case("tripadvisor/restaurant-list")
    with pytest.raises(NotAReviewPage, match="is a Tripadvisor list of 3 places"):
        get("tripadvisor").extract(saved.response(url="file:///tmp/saved.html"))
    # A review page's own links to nearby places do not make it a list.
    assert get("tripadvisor").wrong_kind(case("tripadvisor/cards-page-1").response()) is None
