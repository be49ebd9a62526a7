"""Google Maps: the place page's embedded data, the reviews endpoints and the Places API, every field."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import unquote

import pytest
from scrapy.http import TextResponse

from helpers import FIXTURES
from repscan.spiders.pages import LayoutError, google_maps

HOST = "http://127.0.0.1:8765"
DATA_ID = "0x14e70b0f1a2b3c4d:0x8a1b2c3d4e5f6071"
PLACE_URL = (f"{HOST}/maps/place/Harbourside+Meze+House/@34.7512,32.4123,17z/data=!3m1!4b1!4m6!3m5"
             f"!1s{DATA_ID}!8m2!3d34.7512!4d32.4123")
BUSINESS_URL = f"{HOST}/maps/place/data=!4m2!3m1!1s{DATA_ID}"
ENDPOINT_1 = google_maps.endpoint_url(HOST, DATA_ID)
TOKEN = "CAESY0NBRVFCUnBGUTJweFNRVkpJUVVGQlFVRkJRa05C"
ENDPOINT_2 = ENDPOINT_1.replace("!2m2!1i20!2s!", f"!2m2!1i20!2s{TOKEN}!")
NOW = datetime(2023, 10, 28, 12, 0, tzinfo=timezone.utc)
LINK = ("https://www.google.com/maps/reviews/data=!4m8!14m7!1m6!2m5!1s{id}!2m1!1s0x0:0x8a1b2c3d4e5f6071"
        "!3m1!1s2@1:{head}%7C%7C?hl=en")


def json_response(name: str, url: str) -> TextResponse:
    return TextResponse(url=url, body=(FIXTURES / "google-maps" / name).read_bytes(), encoding="utf-8")


def review(source_id, **fields):
    item = {
        "kind": "review", "source": "google-maps", "source_id": source_id,
        "url": LINK.format(id=source_id, head=source_id[:10]), "business_url": BUSINESS_URL, "author": None,
        "rating": None, "rating_max": 5, "title": None, "text": None, "language": None, "published_at": None,
        "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {"kind": "business", "source": "google-maps", "url": BUSINESS_URL, "name": "Harbourside Meze House",
            "rating": 4.3, "review_count": 128}

PLACE = [
    review("ChdDSUhNMG9nS0VJQ0FnSURIbWEwMXpnRRAB", author="Eleni Georgiou", rating=5,
           text="Grilled halloumi and octopus were perfect. We sat by the water until sunset.", language="en",
           published_at="2023-08-14T09:00:00Z"),
    review("ChZDSUhNMG9nS0VJQ0FnSURIMTIzNDU2EAE", author="Markus Brandt", rating=2,
           text="Das Essen war lauwarm und wir haben 40 Minuten gewartet.", language="de",
           published_at="2023-07-01T10:00:00Z", updated_at="2023-07-02T10:00:00Z",
           reply_text="Lieber Markus, das tut uns leid. Am Samstag war die Küche überlastet.",
           reply_at="2023-07-03T10:00:00Z"),
    review("ChdDSUhNMG9nS0VJQ0FnSURIOTg3NjU0MzJnRRAB", author="Tom Becker", rating=4, text=None, language="en",
           published_at="2022-08-16T10:00:00Z"),
    BUSINESS,
]

ENDPOINT_PAGE_1 = [
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3RRAB", author="Daniel Okafor", rating=1,
           text="Booked a table for six, arrived to find it given away. Staff shrugged. Never again.", language="en",
           published_at="2023-10-26T08:00:00Z",
           reply_text="Daniel, we are sorry. Please email us so we can make this right.",
           reply_at="2023-10-27T08:30:00Z"),
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3UUEQAQ", author="Σοφία Παπαδοπούλου", rating=5,
           text="Υπέροχο φαγητό και φιλικό προσωπικό! Το χταπόδι ήταν τέλειο.", language="el",
           published_at="2023-10-20T09:00:00Z"),
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3ZEEQAQ", author="Julia Weiss", rating=3,
           text="Schöne Lage am Hafen, aber die Preise sind gestiegen.\nDer Wein war gut.", language="de",
           published_at="2023-10-13T08:00:00Z", updated_at="2023-10-14T08:00:00Z"),
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3aEEQAQ", author="Kenji Watanabe", rating=4,
           text=None, language=None, published_at="2023-10-06T08:00:00Z"),
]

ENDPOINT_PAGE_2 = [
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3bEEQAQ", author="Priya Nair", rating=5,
           text="Best meze platter on the island. Ask for the fresh catch.", language="en",
           published_at="2023-09-22T08:00:00Z"),
    review("Ci9DQUlRQUNvZENodHljRjlvT2xGMmRraFdhSFowWW0xWVNURTBObEJ3cEEQAQ", author="Ioana Marin", rating=2,
           text="Porții mici și chelnerul a uitat comanda noastră.", language="ro",
           published_at="2023-08-22T08:00:00Z", reply_text="Ne pare rău, Ioana. Am vorbit cu echipa.",
           reply_at="2023-08-23T08:00:00Z"),
]


def test_place_page_embedded_reviews_and_business_every_field(load):
    response = load("google-maps/place-page.html", PLACE_URL)
    assert google_maps.extract(response, now=NOW) == PLACE


def test_bare_place_payload_gives_the_same_items():
    response = json_response("place-payload.json", PLACE_URL)
    assert google_maps.extract(response, now=NOW) == PLACE


def test_place_page_leads_to_the_endpoint_sorted_newest_first(load):
    response = load("google-maps/place-page.html", f"{HOST}/maps/place/?cid=9951113301456987761")
    assert google_maps.next_page(response) == ENDPOINT_1
    assert "!13m1!1e2" in ENDPOINT_1 and f"!1s{DATA_ID.replace(':', '%3A')}!" in ENDPOINT_1


def test_endpoint_page_1_every_field_and_the_next_token():
    response = json_response("listugcposts-page-1.json", ENDPOINT_1)
    assert google_maps.extract(response, now=NOW) == ENDPOINT_PAGE_1
    assert google_maps.next_page(response) == ENDPOINT_2


def test_endpoint_last_page_every_field_and_no_next():
    response = json_response("listugcposts-page-2.json", ENDPOINT_2)
    assert google_maps.extract(response, now=NOW) == ENDPOINT_PAGE_2
    assert google_maps.next_page(response) is None


def test_endpoint_served_as_html_is_read_the_same(respond):
    body = (FIXTURES / "google-maps" / "listugcposts-page-1.json").read_bytes()
    assert google_maps.extract(respond(body, ENDPOINT_1), now=NOW) == ENDPOINT_PAGE_1


def test_empty_endpoint_answer_is_no_reviews_not_a_layout_error():
    response = json_response("listugcposts-empty.json", ENDPOINT_2)
    assert google_maps.extract(response) == []
    assert google_maps.next_page(response) is None


def test_token_with_reserved_characters_is_escaped(respond):
    body = (FIXTURES / "google-maps" / "listugcposts-page-1.json").read_text(encoding="utf-8")
    body = body.replace(TOKEN, "CAES+a/b=")
    assert google_maps.next_page(respond(body, ENDPOINT_1)) == ENDPOINT_1.replace("!2s!", "!2sCAES%2Ba%2Fb%3D!")


def test_legacy_endpoint_every_field_relative_date_and_offset_paging():
    high, low = (int(part, 16) for part in DATA_ID.replace("0x", "").split(":"))
    url = (f"{HOST}/maps/preview/review/listentitiesreviews?authuser=0&hl=en&gl=us"
           f"&pb=!1m2!1y{high}!2y{low}!2m2!1i0!2i2!3e2!4m5!3b1!4b1!5b1!6b1!7b1")
    response = json_response("listentitiesreviews-page-1.json", url)
    assert google_maps.extract(response, now=NOW) == [
        review("ChdDSUhNMG9nS0VJQ0FnSUNsZWdhY3kxRRAB", author="Ana Ruiz", rating=1,
               text="La comida llegó fría y nadie se disculpó.", language="es", published_at="2023-05-02T10:00:00Z",
               reply_text="Ana, lo sentimos mucho. Hemos cambiado el turno de cocina.",
               reply_at="2023-05-16T10:00:00Z"),
        review("ChZDSUhNMG9nS0VJQ0FnSUNsZWdhY3kyEAE", author="Oliver Hughes", rating=5,
               text="Lovely evening, great grilled fish.", language="en",
               published_at="2019-10-28T00:00:00Z", published_approx=True),
    ]
    assert google_maps.next_page(response) == url.replace("!2m2!1i0!2i2", "!2m2!1i2!2i2")
    short = url.replace("!2i2", "!2i10")
    assert google_maps.next_page(json_response("listentitiesreviews-page-1.json", short)) is None


PLACES_BUSINESS_URL = "https://maps.google.com/?cid=9951113301456987761"


def test_places_api_legacy_details_every_field():
    response = json_response("places-legacy-details.json",
                             "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJx&reviews_sort=newest")
    assert google_maps.extract(response) == [
        review("contrib:131313131313131313131", url=PLACES_BUSINESS_URL, business_url=PLACES_BUSINESS_URL,
               author="Nikos Antoniou", rating=2, text="Τα τραπέζια ήταν βρώμικα και το σουβλάκι κρύο.",
               language="el", published_at="2023-10-09T11:13:20Z"),
        review("contrib:141414141414141414141", url=PLACES_BUSINESS_URL, business_url=PLACES_BUSINESS_URL,
               author="Grace Miller", rating=5, text="Friendly owners and the best tzatziki.", language="en",
               published_at="2023-09-21T12:40:00Z"),
        {"kind": "business", "source": "google-maps", "url": PLACES_BUSINESS_URL, "name": "Harbourside Meze House",
         "rating": 4.3, "review_count": 128},
    ]
    assert google_maps.next_page(response) is None


def test_places_api_new_prefers_the_original_text_every_field():
    response = json_response("places-new-details.json", "https://places.googleapis.com/v1/places/ChIJx")
    review_link = ("https://www.google.com/maps/reviews/data=!4m6!14m5!1m4!2m3!1s{id}"
                   "!2m1!1s0x0:0x8a1b2c3d4e5f6071")
    assert google_maps.extract(response) == [
        review("ChZDSUhNMG9nS0VJQ0FnSURuZXdhcGkxEAE", url=review_link.format(id="ChZDSUhNMG9nS0VJQ0FnSURuZXdhcGkxEAE"),
               business_url=PLACES_BUSINESS_URL, author="Lena Vogel", rating=1,
               text="Der Fisch war nicht frisch und die Rechnung falsch.", language="de",
               published_at="2023-10-20T18:04:11Z"),
        review("ChdDSUhNMG9nS0VJQ0FnSURuZXdhcGkyRRAB", url=review_link.format(id="ChdDSUhNMG9nS0VJQ0FnSURuZXdhcGkyRRAB"),
               business_url=PLACES_BUSINESS_URL, author="Sam Carter", rating=4,
               text="Good food, slow service on a busy night.", language="en", published_at="2023-08-28T12:00:00Z"),
        {"kind": "business", "source": "google-maps", "url": PLACES_BUSINESS_URL, "name": "Harbourside Meze House",
         "rating": 4.3, "review_count": 128},
    ]
    assert google_maps.next_page(response) is None


@pytest.mark.parametrize("body, message", [
    ('{"error_message": "The provided API key is invalid.", "html_attributions": [], "status": "REQUEST_DENIED"}',
     "REQUEST_DENIED: The provided API key is invalid."),
    ('{"error": {"code": 403, "message": "Places API (New) has not been used", "status": "PERMISSION_DENIED"}}',
     "403 PERMISSION_DENIED: Places API (New) has not been used"),
    ('{"hello": "world"}', "without Places API fields"),
])
def test_places_api_errors_are_layout_errors_with_the_reason(body, message):
    response = TextResponse(url="https://places.googleapis.com/v1/places/x", body=body.encode(), encoding="utf-8")
    with pytest.raises(LayoutError, match=re.escape(message)):
        google_maps.extract(response)


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "trustpilot/page-1-of-2.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        google_maps.extract(load(name, PLACE_URL))


def test_endpoint_with_unknown_review_shape_is_a_layout_error(respond):
    body = ")]}'\n" + json.dumps([None, "tok", [[["not", "a", "review"]]]])
    with pytest.raises(LayoutError, match="no place data and no reviews"):
        google_maps.extract(respond(body, ENDPOINT_1))


def test_reviews_are_found_by_shape_when_google_moves_the_indexes():
    payload = json.loads((FIXTURES / "google-maps" / "place-payload.json").read_text(encoding="utf-8"))
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
    assert google_maps.extract(response, now=NOW) == PLACE


def test_review_author_found_in_the_2023_and_the_2026_author_blocks():
    page = google_maps.extract(json_response("listugcposts-page-1.json", ENDPOINT_1), now=NOW)
    place = google_maps.extract(json_response("place-payload.json", PLACE_URL), now=NOW)
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

REAL_PLACE = "google-maps/place-kipriakon-limassol-2023.json"
REAL_PLACE_URL = "https://www.google.com/maps/place/Kipriakon/data=!4m2!3m1!1s0x14e732fd76f0d90d:0xe5415928d6702b47"
REAL_BUSINESS_URL = "https://www.google.com/maps/place/data=!4m2!3m1!1s0x14e732fd76f0d90d:0xe5415928d6702b47"
REAL_PLACES = "google-places/legacy-place-details-docs-example-google-sydney-2022.json"


def test_real_place_payload(real):
    response = TextResponse(url=REAL_PLACE_URL, body=real(REAL_PLACE), encoding="utf-8")
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
    assert google_maps.next_page(response) == google_maps.endpoint_url(REAL_PLACE_URL, "0x14e732fd76f0d90d:0xe5415928d6702b47")


def test_real_places_api_details(real):
    response = TextResponse(url="https://maps.googleapis.com/maps/api/place/details/json?place_id=x",
                            body=real(REAL_PLACES), encoding="utf-8")
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
