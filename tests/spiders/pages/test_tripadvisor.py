"""Tripadvisor: legacy markup, current review cards, JSON-LD only; every field, -orNN- paging."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from repscan.spiders.pages import LayoutError, tripadvisor

HOST = "http://127.0.0.1:8765"
HOTEL = f"{HOST}/Hotel_Review-g274873-d1234567-Reviews-Pension_Alpenrose-Bled_Upper_Carniola_Region.html"
HOTEL_2 = HOTEL.replace("-Reviews-", "-Reviews-or10-")
TOUR = f"{HOST}/Attraction_Review-g187791-d7654321-Reviews-Vicolo_Tours-Rome_Lazio.html"
TOUR_2 = TOUR.replace("-Reviews-", "-Reviews-or10-")
NOW = datetime(2019, 1, 6, 15, 0, tzinfo=timezone.utc)


def review(source_id, business_url, slug, **fields):
    item = {
        "kind": "review", "source": "tripadvisor", "source_id": source_id,
        "url": f"{HOST}/ShowUserReviews-{slug.replace('-r-', f'-r{source_id}-')}", "business_url": business_url,
        "author": None, "rating": None, "rating_max": 5, "title": None, "text": None, "language": None,
        "published_at": None, "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def hotel_review(source_id, **fields):
    return review(source_id, HOTEL, "g274873-d1234567-r-Pension_Alpenrose-Bled_Upper_Carniola_Region.html", **fields)


def tour_review(source_id, **fields):
    return review(source_id, TOUR, "g187791-d7654321-r-Vicolo_Tours-Rome_Lazio.html", **fields)


HOTEL_BUSINESS = {"kind": "business", "source": "tripadvisor", "url": HOTEL, "name": "Pension Alpenrose",
                  "rating": 4, "review_count": 14}
TOUR_BUSINESS = {"kind": "business", "source": "tripadvisor", "url": TOUR, "name": "Vicolo Tours", "rating": 4.2,
                 "review_count": 5}

LEGACY_1 = [
    hotel_review("681234501", author="hikerjoe77", rating=1, title="Cold room, rude reception",
                 text=("The heating was off in January and the night porter told us to use the spare blanket.\n"
                       "Would not stay again."),
                 published_at="2019-01-06T00:00:00Z",
                 reply_text=("Dear guest, the boiler failed that night and was repaired the next morning. "
                             "We have refunded one night."),
                 reply_at="2019-01-08T00:00:00Z"),
    hotel_review("681234502", author="Sabine W", rating=5, title="Wunderbarer Blick auf den See",
                 text="Sehr sauberes Zimmer, herzliche Gastgeber und ein Frühstück mit hausgemachter Marmelade.",
                 published_at="2019-01-02T00:00:00Z"),
    hotel_review("681234503", author="TravellingTeds", rating=4, title="Good value near the lake",
                 text="Ten minutes on foot to the lake. Rooms are small but spotless.",
                 published_at="2018-12-28T00:00:00Z"),
    HOTEL_BUSINESS,
]
LEGACY_2 = [
    hotel_review("681234504", author="Marco_B", rating=3, title="Nella media",
                 text="Posizione comoda, ma la colazione era scarsa.",
                 published_at="2019-01-05T00:00:00Z", published_approx=True),
    hotel_review("681234505", author="Olivia R", rating=2, title="Noisy street side",
                 text="Trucks from 5am. Ask for a lake-side room.", published_at="2018-11-30T00:00:00Z",
                 reply_text="Thank you Olivia, we now fit all street-side rooms with new windows.",
                 reply_at="2018-12-01T00:00:00Z"),
    HOTEL_BUSINESS,
]
CARDS_1 = [
    tour_review("912345601", author="Laura P", rating=1, title="Guide never showed up",
                text="We waited 45 minutes at the meeting point. No call, no refund so far.",
                published_at="2023-11-12T00:00:00Z",
                reply_text="Dear Laura, our guide was taken ill. A full refund went out today.\nWe apologise.",
                reply_at="2023-11-14T00:00:00Z"),
    tour_review("912345602", author="Kenta Y", rating=5, title="最高のツアー",
                text="ガイドさんの説明がとても分かりやすく、楽しかったです。", published_at="2023-10-30T00:00:00Z"),
    tour_review("912345603", author="Dmitri V", rating=4, title="Good walk, too long",
                text="Interesting stories about the old quarter, but three hours is a lot in the heat.",
                published_at="2023-10-02T00:00:00Z"),
    TOUR_BUSINESS,
]
CARDS_2 = [
    tour_review("912345604", author="Anna M", rating=2, title="Trop de monde",
                text="Groupe de 30 personnes, on n'entendait rien.", published_at="2023-09-21T00:00:00Z",
                reply_text="Merci Anna, we now cap groups at 15.", reply_at="2023-09-23T00:00:00Z"),
    tour_review("912345605", author="Peter Q", rating=5, title="Loved it", text="Best tour of our trip.",
                published_at="2023-09-03T00:00:00Z"),
    TOUR_BUSINESS,
]


@pytest.mark.parametrize("name, url, expected, following", [
    ("legacy-page-1.html", HOTEL, LEGACY_1, HOTEL_2),
    ("legacy-page-2.html", HOTEL_2, LEGACY_2, None),
    ("cards-page-1.html", TOUR, CARDS_1, TOUR_2),
    ("cards-page-2.html", TOUR_2, CARDS_2, None),
])
def test_pages_every_field_and_the_next_page(load, name, url, expected, following):
    response = load(f"tripadvisor/{name}", url)
    assert tripadvisor.extract(response, now=NOW) == expected
    assert tripadvisor.next_page(response) == following


def test_relative_review_date_needs_now(load):
    items = tripadvisor.extract(load("tripadvisor/legacy-page-2.html", HOTEL_2),
                                now=datetime(2019, 3, 1, tzinfo=timezone.utc))
    assert (items[0]["published_at"], items[0]["published_approx"]) == ("2019-02-28T00:00:00Z", True)


def test_cards_do_not_depend_on_hashed_classes(load, respond):
    body = re.sub(r'class="[^"]*"', 'class="q"', load("tripadvisor/cards-page-1.html", TOUR).text)
    assert tripadvisor.extract(respond(body, TOUR), now=NOW) == CARDS_1


def test_legacy_link_to_another_host_stays_on_ours(load, respond):
    body = load("tripadvisor/legacy-page-1.html", HOTEL).text.replace(
        'href="/Hotel_Review-g274873-d1234567-Reviews-or10-', 'href="https://www.tripadvisor.com/Hotel_Review-g274873-d1234567-Reviews-or10-')
    assert tripadvisor.next_page(respond(body, HOTEL)) == HOTEL_2


def test_json_ld_only_page(load):
    url = f"{HOST}/Restaurant_Review-g187791-d1111111-Reviews-Trattoria_Il_Gufo-Rome_Lazio.html"
    link = "https://www.tripadvisor.com/ShowUserReviews-g187791-d1111111-r{}-Trattoria_Il_Gufo-Rome_Lazio.html"
    base = {"kind": "review", "source": "tripadvisor", "business_url": url, "rating_max": 5, "published_approx": False,
            "updated_at": None, "reply_text": None, "reply_at": None}
    assert tripadvisor.extract(load("tripadvisor/jsonld-only.html", url)) == [
        {**base, "source_id": "700000001", "url": link.format("700000001"), "author": "Franco T", "rating": 5,
         "title": "Carbonara perfetta", "text": "Pasta fatta in casa, servizio veloce.", "language": "it",
         "published_at": "2023-05-04T00:00:00Z"},
        {**base, "source_id": "700000002", "url": link.format("700000002"), "author": "Helen G", "rating": 2,
         "title": "Overpriced", "text": "Forty euros for two bowls of pasta and tap water.", "language": "en",
         "published_at": "2023-04-20T00:00:00Z"},
        {"kind": "business", "source": "tripadvisor", "url": url, "name": "Trattoria Il Gufo", "rating": 3.5,
         "review_count": 2},
    ]


@pytest.mark.parametrize("url, expected", [
    (HOTEL_2, HOTEL),
    (HOTEL, HOTEL),
    (f"{TOUR_2}#REVIEWS", TOUR),
    ("https://www.tripadvisor.co.uk/Restaurant_Review-g1-d2-Reviews-or40-X-Y.html",
     "https://www.tripadvisor.co.uk/Restaurant_Review-g1-d2-Reviews-X-Y.html"),
])
def test_start_url_is_the_first_page(url, expected):
    assert tripadvisor.start_url(url) == expected


def test_foreign_pages_are_layout_errors(load, respond):
    with pytest.raises(LayoutError, match="no review cards"):
        tripadvisor.extract(load("jsonld/no-markup.html", HOTEL))
    body = load("yelp/biz-embedded-feed-2020.html", HOTEL).text
    body = re.sub(r'<script type="application/ld\+json">.*?</script>', "", body, flags=re.S)
    with pytest.raises(LayoutError):
        tripadvisor.extract(respond(body, HOTEL))


def test_real_page_truncated_texts_keep_their_ellipsis(real, respond):
    items = tripadvisor.extract(respond(real(REAL), REAL_URL))
    assert items[1]["text"].endswith("Lovely member of staff provided maps…")
    assert not any(item.get("text", "").endswith("More") for item in items[:-1])


# The real saved page (Jan 2019, legacy markup, 10 reviews, no management responses).

REAL = "tripadvisor/kranj-house-attraction-reviews-2019.html"
REAL_URL = ("https://www.tripadvisor.com/Attraction_Review-g644300-d7289577-Reviews-"
            "Tourist_Information_Centre_Kranj_House-Kranj_Upper_Carniola_Region.html")


def test_real_page(real, respond):
    response = respond(real(REAL), REAL_URL)
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
        "language": None, "published_at": "2018-07-24T00:00:00Z", "published_approx": False, "updated_at": None,
        "reply_text": None, "reply_at": None,
    }
    assert reviews[3]["author"] == "Maša K" and reviews[-1]["published_at"] == "2017-07-03T00:00:00Z"
    assert all(r["title"] and r["text"] and r["reply_text"] is None for r in reviews)
    assert tripadvisor.next_page(response) == REAL_URL.replace("-Reviews-", "-Reviews-or10-")


def test_real_page_with_a_management_response_added(real, respond):
    body = real(REAL).decode("utf-8")
    answer = ('<div class="mgrRspnInline"><div class="header">Ana, Manager at Kranj House, responded to this review'
              '</div><span class="responseDate" title="July 26, 2018">Responded July 26, 2018</span>'
              '<div class="entry"><p class="partial_entry">Thank you for visiting!</p></div></div>')
    marker = '<DIV class="prw_rup prw_reviews_stay_date_hsx"'
    assert marker in body
    body = body.replace(marker, answer + marker, 1)
    first = tripadvisor.extract(respond(body, REAL_URL))[0]
    assert (first["reply_text"], first["reply_at"]) == ("Thank you for visiting!", "2018-07-26T00:00:00Z")
    assert first["text"].startswith("Kranj is really nice.")
