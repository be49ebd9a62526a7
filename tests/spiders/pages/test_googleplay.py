"""Google Play: the details page's embedded reviews and JSON-LD, the reviews RPC pages; the real 2019 page."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import TextResponse

from repscan.spiders.pages import LayoutError, googleplay

APP = "https://play.google.com/store/apps/details?id=com.example.harbourlane"
DETAILS_URL = f"{APP}&hl=en_GB&gl=gb"
BATCH = "https://play.google.com/_/PlayStoreUi/data/batchexecute"
BATCH1_URL = f"{BATCH}?rpcids=oCPfdb&hl=en_GB&gl=gb&id=com.example.harbourlane"
BATCH2_URL = f"{BATCH1_URL}&token=CpEXAMPLETOKENnewest2"


def review(source_id, **fields):
    item = {
        "kind": "review", "source": "googleplay", "source_id": source_id,
        "url": f"{APP}&reviewId={source_id.replace(':', '%3A')}", "business_url": APP, "author": None,
        "rating": None, "rating_max": 5, "title": None, "text": None, "language": None, "published_at": None,
        "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def text_response(load, name, url):
    return TextResponse(url, body=load(name, url).body, encoding="utf-8")


DETAILS = [
    review("gp:AOqpTOExampleReviewAAA1", author="Maeve Brennan", rating=5,
           text="Ordering the Saturday loaf takes ten seconds now. 🍞", published_at="2025-11-01T09:00:00Z"),
    review("gp:AOqpTOExampleReviewAAA2", author="Kenji Watanabe", rating=1,
           text="注文ボタンを押すとアプリが落ちます。\n再インストールしても同じです。", published_at="2025-10-31T09:00:00Z",
           reply_text="Sorry Kenji! Version 4.2.1 fixes the crash on the order button.",
           reply_at="2025-10-31T21:00:00Z"),
    review("gp:AOqpTOExampleReviewAAA3", author="Radu Ionescu", rating=3,
           text="Merge bine, dar notificările vin târziu.", published_at="2025-10-30T09:00:00Z"),
    {"kind": "business", "source": "googleplay", "url": APP, "name": "Harbour Lane Bakery", "rating": 4.1666665,
     "review_count": 1204},
]
BATCH1 = [
    review("gp:AOqpTOExampleNewest0001", author="Niamh O'Connor", rating=4,
           text="Pickup slots are great; wish there were more on Sundays.", published_at="2025-11-02T16:13:20Z"),
    review("gp:AOqpTOExampleNewest0002", author="Björn Svensson", rating=1, text="Charged twice for one order!",
           published_at="2025-11-02T13:26:40Z",
           reply_text="Hi Björn, the duplicate charge was refunded on Monday.", reply_at="2025-11-02T14:50:00Z"),
]
BATCH2 = [
    review("gp:AOqpTOExampleNewest0003", author="Zofia Nowak", rating=5, text="Najlepszy chleb w okolicy.",
           published_at="2025-11-01T12:26:40Z"),
]


def test_details_page_every_field_found_by_shape_not_by_key(load):
    assert googleplay.extract(load("googleplay/details-page.html", DETAILS_URL)) == DETAILS


def test_details_page_with_inline_data_and_no_json_ld(load):
    assert googleplay.extract(load("googleplay/details-page-2022-inline-data.html", DETAILS_URL)) == [
        review("gp:AOqpTOExampleReviewBBB1", author="Aoife Kelly", rating=2,
               text="Loyalty stamps vanished after the update.", published_at="2025-11-01T12:26:40Z"),
    ]


def test_details_page_continues_with_the_newest_first_rpc(load):
    assert googleplay.next_page(load("googleplay/details-page.html", DETAILS_URL)) == BATCH1_URL


def test_batch_page_every_field_and_its_token(load):
    response = text_response(load, "googleplay/batch-page-1.txt", BATCH1_URL)
    assert googleplay.extract(response) == BATCH1
    assert googleplay.next_page(response) == BATCH2_URL


def test_chunked_last_batch_page_has_no_next(load):
    response = text_response(load, "googleplay/batch-page-2-chunked-last.txt", BATCH2_URL)
    assert googleplay.extract(response) == BATCH2
    assert googleplay.next_page(response) is None


def test_rpc_error_is_a_layout_error(load):
    response = text_response(load, "googleplay/batch-error.txt", BATCH1_URL)
    with pytest.raises(LayoutError, match="no readable batchexecute payload"):
        googleplay.extract(response)
    assert googleplay.next_page(response) is None


@pytest.mark.parametrize("body", ["<html><body><h1>We're sorry</h1></body></html>", '{"reviews": []}'])
def test_pages_without_play_data_are_layout_errors(respond, body):
    with pytest.raises(LayoutError):
        googleplay.extract(respond(body, DETAILS_URL))


def test_batch_form_asks_for_newest_first_with_the_token():
    first = json.loads(googleplay.batch_form(BATCH1_URL)["f.req"])
    assert first[0][0][0] == "oCPfdb" and first[0][0][3] == "generic"
    inner = json.loads(first[0][0][1])
    assert inner[1][:3] == [2, 2, [100]] and inner[2] == ["com.example.harbourlane", 7]
    later = json.loads(json.loads(googleplay.batch_form(BATCH2_URL)["f.req"])[0][0][1])
    assert later[1][2] == [100, None, "CpEXAMPLETOKENnewest2"]
    assert googleplay.batch_form(DETAILS_URL) is None


@pytest.mark.parametrize("url, expected", [
    (DETAILS_URL, BATCH1_URL),
    (f"{APP}&showAllReviews=true", f"{BATCH}?rpcids=oCPfdb&id=com.example.harbourlane"),
    ("http://127.0.0.1:8765/store/apps/details?id=com.example.harbourlane",
     "http://127.0.0.1:8765/_/PlayStoreUi/data/batchexecute?rpcids=oCPfdb&id=com.example.harbourlane"),
])
def test_start_url_is_the_newest_first_rpc(url, expected):
    assert googleplay.start_url(url) == expected


def test_details_url_keeps_language_and_country():
    assert googleplay.details_url(f"{DETAILS_URL}&showAllReviews=true") == DETAILS_URL


def test_start_url_needs_an_app_id():
    with pytest.raises(ValueError):
        googleplay.start_url("https://play.google.com/store/apps")


# The real page: IGTV's details page, saved Dec 2019 (27 ds:* blocks, 40 reviews in ds:23).

REAL = "google-play/igtv-app-details-page-2019.html"
REAL_APP = "https://play.google.com/store/apps/details?id=com.instagram.igtv"


def test_real_details_page(real, respond):
    response = respond(real(REAL), f"{REAL_APP}&hl=en")
    items = googleplay.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 40 and len({r["source_id"] for r in reviews}) == 40
    assert all(r["source_id"].startswith("gp:AOqp") and r["author"] and r["text"] for r in reviews)
    assert all(r["rating"] in (1, 2, 3, 4, 5) for r in reviews)
    assert all(re.fullmatch(r"2019-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["published_at"]) for r in reviews)
    first = reviews[0]
    assert (first["source_id"], first["author"], first["rating"], first["published_at"]) == (
        "gp:AOqpTOHpDiDVq6UwVU-FPMGnz3IrzBPdlZD_DOHXiqfAyucVpOgmcogx4LHNAnN7Ts1KxNnrPS6ZFoJS7bSEyA", "Cazzie", 1,
        "2019-11-19T06:43:47Z")
    assert first["text"].startswith("I uploaded one video then a few days later it won't show my files")
    assert [item for item in items if item["kind"] == "business"] == [
        {"kind": "business", "source": "googleplay", "url": REAL_APP, "name": "IGTV", "rating": 3.778657913208008,
         "review_count": 21628},
    ]
    next_url = googleplay.next_page(response)
    assert parse_qs(urlsplit(next_url).query) == {"rpcids": ["oCPfdb"], "hl": ["en"], "id": ["com.instagram.igtv"]}
