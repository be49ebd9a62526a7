"""Reviews that keep apart and fields that never vanish silently: no merging of records that disagree, ids that stay
what they were; a page whose reviews mostly lack what its site always gives (stars, dates,
texts, the business summary) is read in part, naming the field (real saved pages, mutated as a layout change would)."""

from __future__ import annotations

import re

import pytest
from scrapy.http import HtmlResponse

import real_responses
from helpers import case, real_page
from repscan.core import sites
from repscan.spiders.pages import NotReadable, get
from repscan.spiders.pages.common.coverage import mostly_without, notes
from repscan.core.items import page_zone
from repscan.spiders.pages.common.dates import when
from repscan.spiders.pages.common.values import fallback_id

UNMARKED = "jsonld/microdata-cards-text-unmarked"  # ours: two Karens, 4 and 1 stars, dates and texts outside markup
CONSUMER = "https://www.consumeraffairs.com/automotive/autonation.htm"
TRUSTPILOT = ("eventnet-de-review-page-prettified-2024.html", "https://www.trustpilot.com/review/eventnet.de")
TRIPADVISOR = {name: url for site, name, url in real_responses.PAGES if site == "tripadvisor"}
JSON_LD = re.compile(rb"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.S | re.I)


def html(body: bytes, url: str) -> HtmlResponse:
    return HtmlResponse(url, body=body, encoding="utf-8")


def read_in_part(site: str, response) -> tuple[list[dict], str]:
    """The items and the note of a page read in part (fails when the page reads whole)."""
    with pytest.raises(NotReadable) as raised:
        get(site).extract(response)
    assert raised.value.items is not None
    return raised.value.items, str(raised.value)


def reviews(items: list[dict]) -> list[dict]:
    return [item for item in items if item["kind"] == "review"]


# Ids: two reviews stay two, and a stored review keeps its id.

def test_two_reviewers_of_one_first_name_without_text_or_date_stay_two_the_first_keeping_its_id():
    saved = case(UNMARKED)
    found = reviews(get("jsonld").extract(saved.response()))  # a generic page: jsonld claims no field it must give
    assert [(r["author"], r["rating"]) for r in found] == [("Karen", 4), ("Karen", 1), ("Dmitri", 5)]
    assert len({r["source_id"] for r in found}) == 3
    assert found[0]["source_id"] == "4f08c7c840886550"  # the id 509f414 stored her under (fallback_id then)


def test_a_time_without_an_offset_read_in_the_business_zone_keeps_the_id_it_had_when_read_in_utc():
    url, body = "https://shop.example/reviews", "Parcel arrived late."
    with page_zone("Asia/Tokyo"):
        local = when("2026-12-05T08:00:00")
    assert local == "2026-12-04T23:00:00Z"  # stored and shown as the business's 08:00
    assert fallback_id(url, "Aiko", local, body) == fallback_id(url, "Aiko", "2026-12-05T08:00:00Z", body)
    assert fallback_id(url, "Aiko", local, body) != fallback_id(url, "Aiko", "2026-12-04T23:00:00Z", body)


def test_records_under_one_url_that_disagree_are_two_reviews_and_copies_of_one_are_one():
    page = """<html><head><script type="application/ld+json">{"@type": "LocalBusiness", "name": "Quayside Bakes",
      "review": [
        {"@type": "Review", "url": "https://quay.example/reviews", "author": "Sam", "reviewRating": {"ratingValue": 5},
         "reviewBody": "Best sourdough in town."},
        {"@type": "Review", "url": "https://quay.example/reviews", "author": "Sam", "reviewRating": {"ratingValue": 1},
         "reviewBody": "Stale bread and a rude answer."},
        {"@type": "Review", "url": "https://quay.example/reviews", "author": "Sam", "reviewRating": {"ratingValue": 5},
         "reviewBody": "Best sourdough in town.", "datePublished": "2026-09-01"}]}</script></head></html>"""
    found = reviews(get("jsonld").extract(html(page.encode(), "https://quay.example/reviews")))
    assert [(r["rating"], r["text"], r["published_at"]) for r in found] == [
        (5, "Best sourdough in town.", "2026-09-01"), (1, "Stale bread and a rude answer.", None)]
    assert len({r["source_id"] for r in found}) == 2


def test_the_real_consumer_review_page_keeps_a_one_star_karen_beside_a_renamed_four_star_one():
    body = real_page("jsonld", "autonation-reviews-rendered-2025.html")
    renamed = body.replace(b'itemprop="name">Sonia<', b'itemprop="name">Karen<', 1)
    assert renamed != body
    for page in (body, renamed):
        items = get("jsonld").extract(html(page, CONSUMER))  # a generic page: no field is claimed, none said missing
        found = reviews(items)
        assert len(found) == 10 and len({r["source_id"] for r in found}) == 10
    assert sorted(r["rating"] for r in found if r["author"] == "Karen") == [1, 4]
    business = [item for item in items if item["kind"] == "business"]
    assert [(b["rating"], b["review_count"]) for b in business] == [(1.5, 509)]


# Coverage: a field the site always gives, gone from most of a page's reviews, is named.

@pytest.mark.parametrize("old, new, field, what", [
    (b'"rating":', b'"stars":', "ratings", "stars"),
    (b'"publishedDate":', b'"published":', "dates", "a date"),
])
def test_a_trustpilot_page_whose_reviews_lost_a_field_is_read_in_part_naming_it(old, new, field, what):
    name, url = TRUSTPILOT
    body = real_page("trustpilot", name)
    assert old in body
    items, note = read_in_part("trustpilot", html(body.replace(old, new), url))
    assert len(reviews(items)) == 20
    assert note.startswith(f"{field}: trustpilot: {url} gives 20 of its 20 reviews without {what}")


def test_a_tripadvisor_2023_page_whose_bubbles_were_renamed_says_its_stars_were_not_read():
    name = "hotel-review-lords-plaza-surat-owner-responses-2023.html"
    body = real_page("tripadvisor", name).replace(b"ui_bubble_rating", b"ui_bubble_score")
    items, note = read_in_part("tripadvisor", html(body, TRIPADVISOR[name]))
    assert len(reviews(items)) == 10 and not any(r["rating"] for r in reviews(items))
    assert f"ratings: tripadvisor: {TRIPADVISOR[name]} gives 10 of its 10 reviews without stars" in note


@pytest.mark.parametrize("site, name", [
    ("tripadvisor", "kranj-house-attraction-reviews-2019.html"),
    ("tripadvisor", "hotel-review-lords-plaza-surat-owner-responses-2023.html"),
    ("googleplay", "minecraft-app-details-page-2026.html"),
    ("yelp", "biz-aaron-gordon-construction-sf-2022.html"),
])
def test_a_page_without_its_json_ld_says_the_business_summary_was_not_read(site, name):
    [url] = [url for key, page, url in real_responses.PAGES if (key, page) == (site, name)]
    body = real_page(site, name)
    stripped = JSON_LD.sub(b"", body)
    assert stripped != body
    items, note = read_in_part(site, html(stripped, url))
    assert reviews(items) and not any(item["kind"] == "business" for item in items)
    assert f"business summary: {site}: {url} gives {len(reviews(items))} reviews but no business summary" in note


@pytest.mark.parametrize("site, name, url", real_responses.PAGES, ids=[f"{s}:{n}" for s, n, _ in real_responses.PAGES])
def test_no_real_page_as_saved_is_said_to_lack_a_field(site, name, url):
    """Every declaration holds on the real pages: the App Store's 2015 JP feed has no dates and declares none, a Yelp
    user's page shows no business summary, a Play reviews batch carries none."""
    page = get(site)
    for response in real_responses.responses(site, name, url):
        try:
            items = page.module.extract(response)
        except Exception:  # noqa: BLE001 (what a page reads as, error or not, is test_cases' and test_expected's)
            continue
        assert notes(site, response.url, items, page.gives(response)) == [], response.url


def test_the_bound_is_more_than_half_of_the_page():
    assert [mostly_without(missing, 4) for missing in range(5)] == [False, False, False, True, True]
    assert mostly_without(1, 1) and not mostly_without(0, 0)


def test_what_each_site_declares_is_a_known_field():
    assert all(set(site.gives) <= {"rating", "date", "text", "summary"} for site in sites.TABLE)
    assert "date" not in sites.get("appstore").gives and "rating" not in sites.get("foursquare").gives


def test_the_second_of_two_reviews_under_one_id_keeps_its_id_whatever_the_business_zone():
    page = b"""<html><head><script type="application/ld+json">{"@type": "LocalBusiness", "name": "Quayside Bakes",
      "review": [
        {"@type": "Review", "url": "https://quay.example/reviews", "author": "Sam", "reviewRating": {"ratingValue": 5},
         "reviewBody": "Best sourdough in town.", "datePublished": "2026-09-01T10:00:00"},
        {"@type": "Review", "url": "https://quay.example/reviews", "author": "Sam", "reviewRating": {"ratingValue": 1},
         "reviewBody": "Stale bread.", "datePublished": "2026-09-02T10:00:00"}]}</script></head></html>"""
    ids = []
    for zone in (None, "Asia/Tokyo"):
        with page_zone(zone):
            ids.append([r["source_id"] for r in reviews(get("jsonld").extract(html(page, "https://quay.example/reviews")))])
    assert ids[0] == ids[1] and len(set(ids[0])) == 2
