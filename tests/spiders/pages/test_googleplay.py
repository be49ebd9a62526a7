"""Google Play beyond its cases (tests/cases/googleplay): the RPC form, start URLs; the real 2019 page."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import real_page
from repscan.spiders.pages import googleplay

APP = "https://play.google.com/store/apps/details?id=com.example.harbourlane"
DETAILS_URL = f"{APP}&hl=en_GB&gl=gb"
BATCH = "https://play.google.com/_/PlayStoreUi/data/batchexecute"
BATCH1_URL = f"{BATCH}?rpcids=oCPfdb&hl=en_GB&gl=gb&id=com.example.harbourlane"
BATCH2_URL = f"{BATCH1_URL}&token=CpEXAMPLETOKENnewest2"


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

REAL = "igtv-app-details-page-2019.html"
REAL_APP = "https://play.google.com/store/apps/details?id=com.instagram.igtv"


def test_real_details_page(respond):
    response = respond(real_page("googleplay", REAL), f"{REAL_APP}&hl=en")
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


# The real 2026 page: Minecraft's details page, recorded Jul 2026 (20 "most relevant" reviews with UUID ids).

REAL_2026 = "minecraft-app-details-page-2026.html"
REAL_2026_APP = "https://play.google.com/store/apps/details?id=com.mojang.minecraftpe"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_real_2026_details_page_has_its_reviews(respond):
    """Ids became UUIDs: before, the page gave 0 reviews and no error (a silent zero)."""
    response = respond(real_page("googleplay", REAL_2026), f"{REAL_2026_APP}&hl=en")
    items = googleplay.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 20 and all(UUID.fullmatch(r["source_id"]) for r in reviews)
    assert len({r["source_id"] for r in reviews}) == 20
    assert all(r["author"] and r["text"] and r["rating"] in (1, 2, 3, 4, 5) for r in reviews)
    assert all(re.fullmatch(r"202[4-6]-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["published_at"]) for r in reviews)
    assert all(r["url"] == f"{REAL_2026_APP}&reviewId={r['source_id']}" for r in reviews)
    first = next(r for r in reviews if r["source_id"] == "967728e2-5c69-4198-9da0-3b27ba3b8d5c")
    assert (first["author"], first["rating"], first["published_at"]) == (
        "Crazed Axe But Better", 4, "2024-12-30T22:46:38Z")
    [business] = [item for item in items if item["kind"] == "business"]
    assert (business["rating"], business["review_count"]) == (4.315863132476807, 5715302)
    replies = [r for r in reviews if r["reply_text"]]
    assert not replies  # this page's 20 "most relevant" reviews carry no developer reply (PROVENANCE.tsv)
    assert all(r["reply_at"] is None and r["reply_precision"] is None for r in reviews)


# The batchexecute answer of 2019-2026: the same review entries by shape, whatever the RPC name, framing and
# where the token pair sits ([reviews, [null, token]] until 2022; [reviews, [null, token], [...]] since).

def batch(payload, rpc="oCPfdb") -> bytes:
    envelope = ["wrb.fr", rpc, json.dumps(payload), None, None, None, "generic"]
    return (")]}'\n\n" + json.dumps([envelope, ["di", 9]])).encode()


def entry(review_id, *, reply=None, reply_at=7, length=17):
    fields = [review_id, ["Made-up Person", [None, 2, None, [None, None, "https://example.invalid/a.png"]]], 2, None,
              "Made-up text.", [1790000000, 5], 0]
    fields += [None] * (length - len(fields))
    if reply is not None:
        fields[reply_at] = reply
    return fields


@pytest.mark.parametrize("reply_at", [7, 13])
def test_the_developer_reply_is_found_by_its_shape(respond, reply_at):
    reply = ["Harbour Lane Bakery", "Made-up answer.", [1790003600, 0]]
    response = respond(batch([[entry("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", reply=reply, reply_at=reply_at)],
                              [None, "tok"], [[None, [[1800], None, [72000]]]]]), BATCH1_URL)
    [review] = googleplay.extract(response)
    assert (review["reply_text"], review["reply_at"], review["reply_precision"]) == (
        "Made-up answer.", "2026-09-21T15:13:20Z", "exact")
    assert review["published_at"] == "2026-09-21T14:13:20Z"
    assert googleplay.next_page(response) == f"{BATCH1_URL}&token=tok"


def test_a_reply_without_its_time_keeps_its_text(respond):
    response = respond(batch([[entry("gp:AOqpTOmadeUpId0000000001", reply=["Dev", "Answer.", None], length=13)]],
                             rpc="UsvDTd"), BATCH1_URL)
    [review] = googleplay.extract(response)
    assert (review["reply_text"], review["reply_at"], review["reply_precision"]) == ("Answer.", None, None)
    assert googleplay.next_page(response) is None


def test_a_user_block_is_not_a_reply(respond):
    """Index 9 ([user id, name, null, [avatar]]) has the author's name at [1] but no time at [2]."""
    user = ["100000000000000000099", "Made-up Person", None, [[None, 2, None, [None, None, "x"]], 1]]
    response = respond(batch([[entry("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", reply=user, reply_at=9)]]), BATCH1_URL)
    [review] = googleplay.extract(response)
    assert (review["reply_text"], review["reply_at"]) == (None, None)
