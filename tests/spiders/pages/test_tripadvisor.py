"""Tripadvisor beyond its cases (tests/cases/tripadvisor): the clock, edited pages, start URLs; the real 2019 page."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from helpers import case, real_page
from repscan.spiders.pages import LayoutError, tripadvisor

HOST = "http://127.0.0.1:8765"
HOTEL = f"{HOST}/Hotel_Review-g274873-d1234567-Reviews-Pension_Alpenrose-Bled_Upper_Carniola_Region.html"
HOTEL_2 = HOTEL.replace("-Reviews-", "-Reviews-or10-")
TOUR = f"{HOST}/Attraction_Review-g187791-d7654321-Reviews-Vicolo_Tours-Rome_Lazio.html"
TOUR_2 = TOUR.replace("-Reviews-", "-Reviews-or10-")
NOW = datetime(2019, 1, 6, 15, 0, tzinfo=timezone.utc)


def test_relative_review_date_needs_now():
    items = tripadvisor.extract(case("tripadvisor/legacy-page-2").response(),
                                now=datetime(2019, 3, 1, tzinfo=timezone.utc))
    assert (items[0]["published_at"], items[0]["published_approx"]) == ("2019-02-28T00:00:00Z", True)


def test_cards_do_not_depend_on_hashed_classes(respond):
    cards = case("tripadvisor/cards-page-1")
    body = re.sub(r'class="[^"]*"', 'class="q"', cards.body.decode())
    assert tripadvisor.extract(respond(body, TOUR), now=NOW) == cards.expected


def test_legacy_link_to_another_host_stays_on_ours(respond):
    body = case("tripadvisor/legacy-page-1").body.decode().replace(
        'href="/Hotel_Review-g274873-d1234567-Reviews-or10-', 'href="https://www.tripadvisor.com/Hotel_Review-g274873-d1234567-Reviews-or10-')
    assert tripadvisor.next_page(respond(body, HOTEL)) == HOTEL_2


@pytest.mark.parametrize("url, expected", [
    (HOTEL_2, HOTEL),
    (HOTEL, HOTEL),
    (f"{TOUR_2}#REVIEWS", TOUR),
    ("https://www.tripadvisor.co.uk/Restaurant_Review-g1-d2-Reviews-or40-X-Y.html",
     "https://www.tripadvisor.co.uk/Restaurant_Review-g1-d2-Reviews-X-Y.html"),
])
def test_start_url_is_the_first_page(url, expected):
    assert tripadvisor.start_url(url) == expected


def test_a_yelp_page_without_its_json_ld_is_a_layout_error(respond):
    body = case("yelp/biz-embedded-feed-2020").body.decode()
    body = re.sub(r'<script type="application/ld\+json">.*?</script>', "", body, flags=re.S)
    with pytest.raises(LayoutError):
        tripadvisor.extract(respond(body, HOTEL))


def test_real_page_truncated_texts_keep_their_ellipsis(respond):
    items = tripadvisor.extract(respond(real_page("tripadvisor", REAL), REAL_URL))
    assert items[1]["text"].endswith("Lovely member of staff provided maps…")
    assert not any(item.get("text", "").endswith("More") for item in items[:-1])


# The real saved page (Jan 2019, legacy markup, 10 reviews, no management responses).

REAL = "kranj-house-attraction-reviews-2019.html"
REAL_URL = ("https://www.tripadvisor.com/Attraction_Review-g644300-d7289577-Reviews-"
            "Tourist_Information_Centre_Kranj_House-Kranj_Upper_Carniola_Region.html")


def test_real_page(respond):
    response = respond(real_page("tripadvisor", REAL), REAL_URL)
    items = tripadvisor.extract(response)
    reviews = items[:-1]
    assert items[-1] == {"kind": "business", "source": "tripadvisor", "url": REAL_URL,
                         "name": "Tourist Information Centre – Kranj House", "rating": 4.5, "review_count": 34}
    assert len(reviews) == 10 and len({r["source_id"] for r in reviews}) == 10
    assert [r["rating"] for r in reviews] == [4, 5, 5, 5, 5, 5, 5, 5, 5, 3]
    assert reviews[0] == {
        "kind": "review", "source": "tripadvisor", "source_id": "599246690",
        "url": ("https://www.tripadvisor.com/ShowUserReviews-g644300-d7289577-r599246690-"
                "Tourist_Information_Centre_Kranj_House-Kranj_Upper_Carniola_Region.html"),
        "business_url": REAL_URL, "author": "123jeroens", "rating": 4, "rating_max": 5,
        "title": "Kranj is small but worth a visit",
        "text": ("Kranj is really nice. Don't compare it with Ljubljana, but it is worth spending a few hours and "
                 "enjoy eating in one of the excellent restaurants for reasonable prices."),
        "language": None, "published_at": "2018-07-24", "published_precision": "day", "published_approx": False,
        "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None, "reply_precision": None,
    }
    assert reviews[3]["author"] == "Maša K" and reviews[-1]["published_at"] == "2017-07-03"
    assert all(r["title"] and r["text"] and r["reply_text"] is None for r in reviews)
    assert tripadvisor.next_page(response) == REAL_URL.replace("-Reviews-", "-Reviews-or10-")


def test_real_page_with_a_management_response_added(respond):
    body = real_page("tripadvisor", REAL).decode("utf-8")
    answer = ('<div class="mgrRspnInline"><div class="header">Ana, Manager at Kranj House, responded to this review'
              '</div><span class="responseDate" title="July 26, 2018">Responded July 26, 2018</span>'
              '<div class="entry"><p class="partial_entry">Thank you for visiting!</p></div></div>')
    marker = '<DIV class="prw_rup prw_reviews_stay_date_hsx"'
    assert marker in body
    body = body.replace(marker, answer + marker, 1)
    first = tripadvisor.extract(respond(body, REAL_URL))[0]
    assert (first["reply_text"], first["reply_at"]) == ("Thank you for visiting!", "2018-07-26")
    assert first["text"].startswith("Kranj is really nice.")
