"""Tripadvisor beyond its cases (tests/cases/tripadvisor): the clock, edited pages, start URLs; the real 2019 page."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from helpers import case, real_page
from repscan.spiders.pages import LayoutError, NotReadable, tripadvisor

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
        "business_url": REAL_URL, "author": "123jeroens", "author_review_count": 172, "rating": 4, "rating_max": 5,
        "title": "Kranj is small but worth a visit",
        "text": ("Kranj is really nice. Don't compare it with Ljubljana, but it is worth spending a few hours and "
                 "enjoy eating in one of the excellent restaurants for reasonable prices."),
        "language": None, "published_at": "2018-07-24", "published_precision": "day", "published_approx": False,
        "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None, "reply_precision": None,
    }
    assert reviews[3]["author"] == "Maša K" and reviews[-1]["published_at"] == "2017-07-03"
    # The member badges' review counts (pencil icon, then the figure): 4 of the 10 from one-review accounts.
    badges = re.findall(r'pencil-paper"></span><span class="badgetext">(\d+)<', real_page("tripadvisor", REAL).decode())
    assert [r["author_review_count"] for r in reviews] == [int(n) for n in badges]
    assert sum(r["author_review_count"] == 1 for r in reviews) == 4
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


# Hotel cards (HR_CC_CARD, 2020–2024): our own pages in tests/cases/tripadvisor/hotel-cards-2023-*, edited here.

HOTEL_EN = case("tripadvisor/hotel-cards-2023-en")
SEAVIEW = HOTEL_EN.meta["url"]
JUNE_2023 = datetime(2023, 6, 19, 4, 39, tzinfo=timezone.utc)


def test_hotel_cards_do_not_depend_on_hashed_classes(respond):
    body = re.sub(r'class="(?!ui_bubble_rating)[^"]*"', 'class="q"', HOTEL_EN.body.decode())
    assert tripadvisor.extract(respond(body, SEAVIEW), now=JUNE_2023) == HOTEL_EN.expected


def test_hotel_card_ratings_from_svg_bubbles(respond):
    # Later hotel cards draw the bubbles as an svg titled "N.N of 5 bubbles" instead of the bubble_NN class.
    body = re.sub(r'<span class="ui_bubble_rating bubble_(\d)(\d)"></span>',
                  lambda m: f'<svg viewBox="0 0 128 24"><title>{m.group(1)}.{m.group(2)} of 5 bubbles</title></svg>',
                  HOTEL_EN.body.decode())
    assert "ui_bubble_rating" not in body
    items = tripadvisor.extract(respond(body, SEAVIEW), now=JUNE_2023)
    assert [item["rating"] for item in items[:-1]] == [item["rating"] for item in HOTEL_EN.expected[:-1]]


@pytest.mark.parametrize("lang, wrote, response_from, responded, expected", [
    ("fr-FR", "a écrit un avis (10 juin)", "Réponse de", "Répondu le 12 juin 2023", ("2023-06-10", "2023-06-12")),
    ("es-ES", "escribió una opinión (jun. de 2023)", "Respuesta de", "Respondido el 12 de junio de 2023",
     ("2023-06-01", "2023-06-12")),
    ("it-IT", "ha scritto una recensione (10 giugno)", "Risposta di", "Risposta inviata il 12 giugno 2023",
     ("2023-06-10", "2023-06-12")),
    ("pl-PL", "napisał(a) opinię 10 czerwca", "Response from", "Responded 12 czerwca 2023", ("2023-06-10", "2023-06-12")),
    ("ru-RU", "написал(а) отзыв 2 дня назад", "Response from", "Responded 12 июня 2023 г.",
     ("2023-06-17T00:00:00Z", "2023-06-12")),
])
def test_hotel_cards_in_other_languages(respond, lang, wrote, response_from, responded, expected):
    """The second card (its response has no ISO date attribute) as the site's other languages print it."""
    body = HOTEL_EN.body.decode().replace('lang="en-US"', f'lang="{lang}"')
    body = body.replace("wrote a review Jun 10", wrote).replace("Response from", response_from)
    body = body.replace("Responded <!-- -->Jun 12", responded)
    second = tripadvisor.extract(respond(body, SEAVIEW), now=JUNE_2023)[1]
    assert (second["published_at"], second["reply_at"]) == expected
    assert second["reply_text"] == HOTEL_EN.expected[1]["reply_text"]
    assert second["text"] == HOTEL_EN.expected[1]["text"]


def test_a_hotel_card_without_a_response_date_keeps_its_response(respond):
    body = HOTEL_EN.body.decode().replace("Responded <!-- -->Jun 12", "")
    second = tripadvisor.extract(respond(body, SEAVIEW), now=JUNE_2023)[1]
    assert (second["reply_text"], second["reply_at"]) == (HOTEL_EN.expected[1]["reply_text"], None)


def test_attraction_cards_in_french(respond):
    """The reviewCard layout of attractions and restaurants on tripadvisor.fr: "Écrit le", "Réponse de", "bulles"."""
    cards = case("tripadvisor/cards-page-1")
    body = cards.body.decode().replace('lang="en-US"', 'lang="fr-FR"')
    body = body.replace("Written November 12, 2023", "Écrit le 12 novembre 2023").replace("Response from", "Réponse de")
    body = re.sub(r"(\d)\.0 of 5 bubbles", r"\1,0 sur 5 bulles", body)
    body = re.sub(r"Responded (\w+) (\d+), (\d{4})", lambda m: f"Répondu le {m.group(2)} {FRENCH[m.group(1)]} {m.group(3)}",
                  body)
    assert "of 5 bubbles" not in body and "Responded" not in body
    assert tripadvisor.extract(respond(body, TOUR), now=NOW) == cards.expected


FRENCH = {"January": "janvier", "February": "février", "March": "mars", "April": "avril", "May": "mai", "June": "juin",
          "July": "juillet", "August": "août", "September": "septembre", "October": "octobre", "November": "novembre",
          "December": "décembre", "Nov": "nov.", "Oct": "oct.", "Dec": "déc."}


# The real saved 2023 hotel page (19 June 2023, HR_CC_CARD cards, 8 management responses).

REAL_2023 = "hotel-review-lords-plaza-surat-owner-responses-2023.html"
REAL_2023_URL = "https://www.tripadvisor.com/Hotel_Review-g297612-d1490155-Reviews-A_Hotel-A_Town.html"
SAVED_2023 = datetime(2023, 6, 19, 4, 39, tzinfo=timezone.utc)


def test_real_2023_hotel_page(respond):
    body = real_page("tripadvisor", REAL_2023)
    response = respond(body, REAL_2023_URL)
    items = tripadvisor.extract(response, now=SAVED_2023)
    reviews, business = items[:-1], items[-1]
    page = body.decode("utf-8")
    cards = page.count('data-test-target="HR_CC_CARD"')
    shown_responses = len(re.findall(r'title="\d{4}-\d{2}-\d{2}">Responded ', page))
    assert (cards, shown_responses) == (10, 8)
    assert len(reviews) == cards and len({r["source_id"] for r in reviews}) == cards
    assert all(r["author"] and r["title"] and r["text"] and r["published_at"] for r in reviews)
    assert all(r["rating"] == 5 for r in reviews)
    # "N contributions" under each author: every card shows one, one of them a single contribution.
    shown = re.findall(r"<span[^>]*>(\d+)</span> contributions?</span>", page)
    assert [r["author_review_count"] for r in reviews] == [int(n) for n in shown] and len(shown) == cards
    assert sum(r["author_review_count"] == 1 for r in reviews) == 1
    assert sum(1 for r in reviews if r["reply_text"] and r["reply_at"]) == shown_responses
    assert all(r["reply_at"] == "2023-05-12" and r["reply_precision"] == "day" for r in reviews if r["reply_text"])
    assert (reviews[0]["published_at"], reviews[0]["published_precision"]) == ("2023-06-01", "day")
    assert (reviews[1]["published_at"], reviews[1]["published_precision"]) == ("2023-05-01", "approximate")
    assert not any(r["text"].endswith(("…", "Read more")) or "Date of stay" in r["text"] for r in reviews)
    assert not any("Response from" in (r["reply_text"] or "") or "Responded" in (r["reply_text"] or "")
                   for r in reviews)
    assert business["name"] and (business["url"], business["rating"], business["review_count"]) == \
        (REAL_2023_URL, 4.5, 1484)
    assert re.fullmatch(r"https://www\.tripadvisor\.com/Hotel_Review-g297612-d1490155-Reviews-or10-[\w-]+\.html",
                        tripadvisor.next_page(response))


@pytest.mark.parametrize("header", ["Reply from", "Management response by"])
def test_real_2023_hotel_page_with_its_response_header_renamed_and_dates_untitled_says_so(respond, header):
    # "Response from" becomes another wording and the ISO title dates go: the cards still say "Responded <date>" 8 times.
    page = real_page("tripadvisor", REAL_2023).decode("utf-8")
    damaged = re.sub(r' title="\d{4}-\d{2}-\d{2}"', "", page.replace("Response from", header.lower()))
    assert "Response from" not in damaged and damaged.count(">Responded ") == 8
    with pytest.raises(NotReadable, match=r"^replies: tripadvisor: .* reviews with a reply from the business: 8 shown "
                                          r"\(management responses\), 0 read") as caught:
        tripadvisor.extract(respond(damaged, REAL_2023_URL), now=SAVED_2023)
    reviews = [item for item in caught.value.items if item["kind"] == "review"]
    assert len(reviews) == 10 and not any(r["reply_text"] for r in reviews)


def test_real_2019_page_without_responses_says_nothing_of_replies(respond):
    # Its only trace of responses is the mgrRspnInline CSS: no card shows one, so no note.
    items = tripadvisor.extract(respond(real_page("tripadvisor", REAL), REAL_URL))
    assert len([item for item in items if item["kind"] == "review"]) == 10


def test_a_review_that_says_responded_is_no_management_response(respond):
    # A title "Responded …" without a date in it is the reviewer's words: no note on a page whose responses were read.
    body = HOTEL_EN.body.decode()
    assert body.count("Good value, thin walls") == 1
    items = tripadvisor.extract(respond(body.replace("Good value, thin walls", "Responded quickly to every request"),
                                        SEAVIEW), now=JUNE_2023)
    assert sum(1 for item in items if item.get("reply_text")) == 3
