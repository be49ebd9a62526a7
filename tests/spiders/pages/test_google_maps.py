"""Google Maps beyond its cases (tests/cases/google-maps): other URLs, edited payloads, reviews found by shape,
start URLs; the real place payload and Places API example."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import unquote

import pytest
from scrapy.http import TextResponse

from helpers import case, real_page
from repscan.spiders.pages import google_maps

HOST = "http://127.0.0.1:8765"
DATA_ID = "0x14e70b0f1a2b3c4d:0x8a1b2c3d4e5f6071"
PLACE_URL = (f"{HOST}/maps/place/Harbourside+Meze+House/@34.7512,32.4123,17z/data=!3m1!4b1!4m6!3m5"
             f"!1s{DATA_ID}!8m2!3d34.7512!4d32.4123")
ENDPOINT_1 = google_maps.endpoint_url(HOST, DATA_ID)
TOKEN = "CAESY0NBRVFCUnBGUTJweFNRVkpJUVVGQlFVRkJRa05C"
ENDPOINT_2 = ENDPOINT_1.replace("!2m2!1i20!2s!", f"!2m2!1i20!2s{TOKEN}!")
NOW = datetime(2023, 10, 28, 12, 0, tzinfo=timezone.utc)
PLACE = case("google-maps/place-page")
ENDPOINT_PAGE_1 = case("google-maps/listugcposts-page-1")


def test_endpoint_cases_page_by_token():
    assert ENDPOINT_PAGE_1.url == ENDPOINT_1 and ENDPOINT_PAGE_1.meta["next_page"] == ENDPOINT_2


def test_the_place_page_and_its_bare_payload_give_the_same_items():
    assert case("google-maps/place-payload").expected == PLACE.expected


def test_place_page_leads_to_the_endpoint_sorted_newest_first():
    response = PLACE.response(f"{HOST}/maps/place/?cid=9951113301456987761")
    assert google_maps.next_page(response) == ENDPOINT_1
    assert "!13m1!1e2" in ENDPOINT_1 and f"!1s{DATA_ID.replace(':', '%3A')}!" in ENDPOINT_1


def test_endpoint_served_as_html_is_read_the_same(respond):
    response = respond(ENDPOINT_PAGE_1.body, ENDPOINT_1)
    assert google_maps.extract(response, now=NOW) == ENDPOINT_PAGE_1.expected


def test_token_with_reserved_characters_is_escaped(respond):
    body = ENDPOINT_PAGE_1.body.decode("utf-8")
    body = body.replace(TOKEN, "CAES+a/b=")
    assert google_maps.next_page(respond(body, ENDPOINT_1)) == ENDPOINT_1.replace("!2s!", "!2sCAES%2Ba%2Fb%3D!")


def test_legacy_endpoint_stops_when_a_page_is_not_full():
    legacy = case("google-maps/listentitiesreviews-page-1")
    assert legacy.meta["next_page"] == legacy.url.replace("!2m2!1i0!2i2", "!2m2!1i2!2i2")
    assert google_maps.next_page(legacy.response(legacy.url.replace("!2i2", "!2i10"))) is None


def test_reviews_are_found_by_shape_when_google_moves_the_indexes():
    payload = json.loads(case("google-maps/place-payload").body)
    place = payload[6]
    legacy, current, summary = place[52], place[175], place[4]
    moved = [None, *place]                       # every index +1: data id at [11], name at [12]
    moved[53], moved[176] = None, None
    moved[5], moved[9] = None, summary           # the rating block away from [4]
    moved[120] = current                         # the current-format reviews elsewhere
    moved.append(["wrapped", legacy])            # the legacy list one level deeper, at the end
    payload[6] = None
    payload.append(["state", moved])
    response = TextResponse(url=PLACE_URL, body=json.dumps(payload).encode(), encoding="utf-8")
    assert google_maps.extract(response, now=NOW) == PLACE.expected


def test_review_author_found_in_the_2023_and_the_2026_author_blocks():
    page, place = ENDPOINT_PAGE_1.expected, case("google-maps/place-payload").expected
    assert page[0]["author"] == "Daniel Okafor" and place[0]["author"] == "Eleni Georgiou"


@pytest.mark.parametrize("url, expected", [
    (PLACE_URL, google_maps.endpoint_url(PLACE_URL, DATA_ID)),
    (f"https://www.google.com/maps/place/X/data=!4m2!3m1!1s{DATA_ID.replace(':', '%3A')}",
     google_maps.endpoint_url("https://www.google.com/", DATA_ID)),
    (ENDPOINT_1.replace("!13m1!1e2", "!13m1!1e1"), ENDPOINT_1),
    (f"{HOST}/maps/rpc/listugcposts?authuser=0&pb=!1m6!1sX!2m2!1i10!2s&hl=en",
     f"{HOST}/maps/rpc/listugcposts?authuser=0&pb=!1m6!1sX!2m2!1i10!2s!13m1!1e2&hl=en"),
    (f"{HOST}/maps/preview/review/listentitiesreviews?pb=!1m2!1y1!2y2!2m2!1i0!2i10!3e1",
     f"{HOST}/maps/preview/review/listentitiesreviews?pb=!1m2!1y1!2y2!2m2!1i0!2i10!3e2"),
    ("https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJx&fields=reviews",
     "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJx&fields=reviews"
     "&reviews_sort=newest&reviews_no_translations=true"),
    ("https://www.google.com/maps/place/?cid=123", "https://www.google.com/maps/place/?cid=123"),
])
def test_start_url_goes_newest_first(url, expected):
    assert google_maps.start_url(url) == expected


def test_endpoint_url_names_the_place_and_asks_20_newest_first():
    url = unquote(google_maps.endpoint_url("https://www.google.com/maps/place/x", DATA_ID))
    assert url.startswith("https://www.google.com/maps/rpc/listugcposts?authuser=0&hl=en&pb=!1m6!1s" + DATA_ID)
    assert "!2m2!1i20!2s!" in url and url.endswith("!13m1!1e2")


# The real saved place payload (Sep 2023) and the Places API documentation example (2022).

REAL_PLACE = "place-kipriakon-limassol-2023.json"
REAL_PLACE_URL = "https://www.google.com/maps/place/Kipriakon/data=!4m2!3m1!1s0x14e732fd76f0d90d:0xe5415928d6702b47"
REAL_BUSINESS_URL = "https://www.google.com/maps/place/data=!4m2!3m1!1s0x14e732fd76f0d90d:0xe5415928d6702b47"
REAL_PLACES = "legacy-place-details-docs-example-google-sydney-2022.json"


def test_real_place_payload():
    response = TextResponse(url=REAL_PLACE_URL, body=real_page("google-maps", REAL_PLACE), encoding="utf-8")
    items = google_maps.extract(response, now=datetime(2023, 9, 5, tzinfo=timezone.utc))
    reviews = [item for item in items if item["kind"] == "review"]
    assert items[-1] == {"kind": "business", "source": "google-maps", "url": REAL_BUSINESS_URL,
                         "name": "Kipriakon", "rating": 4.2, "review_count": 396}
    assert len(reviews) == 8 and len({r["source_id"] for r in reviews}) == 8
    assert [r["author"] for r in reviews] == [
        "Cristina Dragoi", "Yossi Konijn", "Andreas Althammer", "Panagiotis Vagianas", "Jacob Alfaro",
        "Karol Mielniczek", "steven patient", "Lior Zeira"]
    first = reviews[0]
    assert first["source_id"] == "ChdDSUhNMG9nS0VJQ0FnSUNKbVp5Q25nRRAB"
    assert first["rating"] == 5 and first["language"] == "en" and first["business_url"] == REAL_BUSINESS_URL
    assert first["published_at"] == "2023-06-30T11:46:30Z" and first["published_approx"] is False
    assert first["text"].startswith("The food we had was AMAZING!") and first["text"].endswith("👏👏")
    assert first["url"].startswith("https://www.google.com/maps/reviews/data=!4m8!14m7!1m6!2m5!1sChdDSUhNMG9nS0VJQ0FnSUNKbVp5Q25nRRAB")
    yossi = reviews[1]
    assert (yossi["published_at"], yossi["updated_at"]) == ("2023-03-29T03:39:10Z", "2023-03-29T03:39:32Z")
    assert all(r["rating"] == 5 and r["text"] and r["reply_text"] is None for r in reviews)
    # Each reviewer's review count; the page prints it as "4 reviews" / "Local Guide · 458 reviews" (one says
    # "28 reviews in Limassol" instead: only that reviewer's reviews there). No single-review account here.
    counts = [r["author_review_count"] for r in reviews]
    assert counts == [4, 458, 5, 137, 9, 72, 44, 57]
    shown = re.findall(r'"(?:Local Guide · )?(\d+) reviews"', real_page("google-maps", REAL_PLACE).decode())
    assert set(map(int, shown)) - {396} == set(counts) - {137}  # 396: the place's own count
    assert google_maps.next_page(response) == google_maps.endpoint_url(REAL_PLACE_URL, "0x14e732fd76f0d90d:0xe5415928d6702b47")


def test_real_places_api_details():
    response = TextResponse(url="https://maps.googleapis.com/maps/api/place/details/json?place_id=x",
                            body=real_page("google-maps", REAL_PLACES), encoding="utf-8")
    items = google_maps.extract(response)
    url = "https://maps.google.com/?cid=10281119596374313554"
    assert items[-1] == {"kind": "business", "source": "google-maps", "url": url, "name": "Google Workplace 6",
                         "rating": 4, "review_count": 939}
    reviews = items[:-1]
    assert [(r["author"], r["rating"]) for r in reviews] == [
        ("Luke Archibald", 1), ("Tevita Taufoou", 1), ("Jordy Baker", 1), ("Prem Rathod", 1), ("Husuni Hamza", 5)]
    assert reviews[0]["source_id"] == "contrib:113389359827989670652"
    assert reviews[0]["published_at"] == "2022-05-11T16:33:18Z" and reviews[0]["language"] == "en"
    assert reviews[0]["text"].startswith("Called regarding paid advertising")
