"""Trustpilot beyond its cases (tests/cases/trustpilot): other hosts and filters, edited pages, the real page."""

from __future__ import annotations

import re

import pytest

from helpers import case, real_page
from repscan.spiders.pages import NotReadable, trustpilot

TP = "https://www.trustpilot.com"
BIZ = f"{TP}/review/kettleandcrumb.example"
PAGE1_URL = f"{BIZ}?sort=recency"
PAGE2_URL = f"{BIZ}?sort=recency&page=2"
REAL_PAGE = "eventnet-de-review-page-prettified-2024.html"
REAL_URL = f"{TP}/review/eventnet.de"
FALLBACK = case("trustpilot/page-1-truncated-next-data")


def test_served_from_localhost_keeps_site_key_and_host():
    base = "http://127.0.0.1:8765/review/kettleandcrumb.example"
    response = case("trustpilot/page-1-of-2").response(f"{base}?sort=recency")
    items = trustpilot.extract(response)
    assert {item["source"] for item in items} == {"trustpilot"}
    assert items[0]["url"] == "http://127.0.0.1:8765/reviews/6650a1b2c3d4e5f601234501"
    assert {item["business_url"] for item in items[:-1]} == {base}
    assert items[-1]["url"] == base
    assert trustpilot.next_page(response) == f"{base}?sort=recency&page=2"


def test_fallback_button_keeps_our_other_filters():
    response = FALLBACK.response(f"{BIZ}?sort=recency&languages=de")
    assert trustpilot.next_page(response) == f"{BIZ}?page=2&sort=recency&languages=de"


def test_fallback_pagination_stops_at_disabled_button():
    page2 = case("trustpilot/page-2-of-2")
    body = page2.body.decode().replace('id="__NEXT_DATA__"', 'id="__NEXT_DATA_MOVED__"')
    assert trustpilot.next_page(page2.response(body=body)) is None


def test_fallback_without_review_cards_reads_the_reviews_and_says_their_replies_were_not():
    body = re.sub(r"<article.*?</article>", "", FALLBACK.body.decode(), flags=re.S)
    with pytest.raises(NotReadable, match=r"^replies: trustpilot: .* gives 5 of its 5 reviews only as JSON-LD") as caught:
        trustpilot.extract(FALLBACK.response(body=body))
    expected = [dict(item, reply_text=None, reply_at=None, reply_precision=None, author_review_count=None)
                if item["kind"] == "review" else item
                for item in FALLBACK.expected]
    assert caught.value.items == expected


def test_fallback_with_a_card_missing_names_only_the_reviews_it_lacks():
    body = re.sub(r"<article.*?</article>", "", FALLBACK.body.decode(), count=2, flags=re.S)
    with pytest.raises(NotReadable, match="gives 2 of its 5 reviews only as JSON-LD") as caught:
        trustpilot.extract(FALLBACK.response(body=body))
    assert [item.get("reply_text") for item in caught.value.items] == [
        None, None, *(item.get("reply_text") for item in FALLBACK.expected[2:])]


@pytest.mark.parametrize("url, expected", [
    (BIZ, f"{BIZ}?sort=recency"),
    (f"{BIZ}?languages=all", f"{BIZ}?languages=all&sort=recency"),
    (f"{BIZ}?sort=relevance&stars=1", f"{BIZ}?sort=recency&stars=1"),
    (f"{BIZ}?page=3&languages=de#reviews", f"{BIZ}?languages=de&sort=recency"),
    ("http://127.0.0.1:8765/review/x.example", "http://127.0.0.1:8765/review/x.example?sort=recency"),
])
def test_start_url_sorts_newest_first(url, expected):
    assert trustpilot.start_url(url) == expected


# The real page (saved Jul 2024, 20 German reviews, 4 owner replies).

REAL_REPLIES = {
    "665426cb1631934fecd8dc87": ("Vielen lieben Dank für die tolle Bewertung!", "2024-05-28T12:48:25Z"),
    "663b609359ffb1461c348a8e": ("Danke 🙌", "2024-05-28T12:49:17Z"),
}
REAL_REPLIED = {
    "665426cb1631934fecd8dc87", "663b609359ffb1461c348a8e",
    "663cf09c78076725ee455e4d", "663b387173b1bd1953c659a9",
}
REAL_FIRST = {
    "kind": "review", "source": "trustpilot", "source_id": "667d00c443645513f3ae5f18",
    "url": f"{TP}/reviews/667d00c443645513f3ae5f18", "business_url": REAL_URL,
    "author": "Saskia Herrmann", "author_review_count": 1, "rating": 5, "rating_max": 5, "title": "Immer wieder gerne...",
    "text": ("Eine spontane Anfrage in einer recht umtriebigen Zeit. So kann man unsere erste "
             "Zusammenarbeit wohl am besten beschreiben. Das hat einer erfolgreichen Zusammenarbeit "
             "aber in keinster Weise geschadet. Im Gegenteil: fokussierte, umsichtige, kollegiale "
             "Arbeit. Gerne wieder! Auf bald!"),
    "language": "de", "published_at": "2024-06-27T08:03:48Z", "published_precision": "exact", "published_approx": False,
    "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None, "reply_precision": None,
}
REAL_BUSINESS = {"kind": "business", "source": "trustpilot", "url": REAL_URL, "name": "Eventnet",
                 "rating": 4.6, "review_count": 20}


def _check_real(items):
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 20
    assert len({r["source_id"] for r in reviews}) == 20
    assert [item for item in items if item["kind"] == "business"] == [REAL_BUSINESS]
    for r in reviews:
        assert r["author"] and r["text"] and r["published_at"], r
        assert r["rating"] == 5 and r["rating_max"] == 5 and r["language"] == "de"
        assert r["url"] == f"{TP}/reviews/{r['source_id']}" and r["business_url"] == REAL_URL
        assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["published_at"])
    # Each reviewer's review count (consumer.numberOfReviews; the cards' data-consumer-reviews-count): 18 of 1, 2 of 2.
    assert sorted(r["author_review_count"] for r in reviews) == [1] * 18 + [2] * 2
    replied = {r["source_id"] for r in reviews if r["reply_text"]}
    assert replied == REAL_REPLIED
    assert all(r["reply_at"] for r in reviews if r["reply_text"])
    by_id = {r["source_id"]: r for r in reviews}
    for review_id, (text, at) in REAL_REPLIES.items():
        assert (by_id[review_id]["reply_text"], by_id[review_id]["reply_at"]) == (text, at)
    return reviews


def test_real_page(respond):
    response = respond(real_page("trustpilot", REAL_PAGE), REAL_URL)
    items = trustpilot.extract(response)
    reviews = _check_real(items)
    assert reviews[0] == REAL_FIRST
    assert trustpilot.next_page(response) is None


@pytest.mark.parametrize("damage", ["removed", "truncated"])
def test_real_page_json_ld_fallback_gives_the_same_reviews(respond, damage):
    body = real_page("trustpilot", REAL_PAGE).decode("utf-8")
    full = trustpilot.extract(respond(body, REAL_URL))

    def cut(match):
        return "" if damage == "removed" else match.group(0)[:5000]

    damaged = re.sub(r'<script id="__NEXT_DATA__".*?</script>', cut, body, count=1, flags=re.S)
    assert damaged != body
    response = respond(damaged, REAL_URL)
    fallback = trustpilot.extract(response)
    _check_real(fallback)
    assert len(fallback) == len(full)
    for ours, theirs in zip(fallback, full):
        # Trustpilot's JSON-LD drops the line breaks inside review texts; all else is equal.
        if ours["kind"] == "review":
            assert re.sub(r"\s", "", ours["text"]) == re.sub(r"\s", "", theirs["text"])
            ours, theirs = dict(ours, text=None), dict(theirs, text=None)
        assert ours == theirs
    assert trustpilot.next_page(response) is None


@pytest.mark.parametrize("damage", ["renamed", "nested"])
def test_real_page_read_from_its_json_ld_alone_says_its_replies_were_not_read(respond, damage):
    # The real page's JSON-LD carries no reply (4 replies on the page, 0 in its 20 Review objects): with the cards
    # and __NEXT_DATA__ gone, the 20 reviews come without them, and the page says so.
    body = real_page("trustpilot", REAL_PAGE).decode("utf-8")
    if damage == "renamed":
        damaged = body.replace('id="__NEXT_DATA__"', 'id="__NEXT_DATA_V2__"').replace(
            "data-service-review-card-paper", "data-review-card-paper")
    else:
        damaged = re.sub(r"(<main[^>]*>)", r"\1" + "<div>" * 10_000, body, count=1)
    assert damaged != body
    with pytest.raises(NotReadable, match="gives 20 of its 20 reviews only as JSON-LD") as caught:
        trustpilot.extract(respond(damaged, REAL_URL))
    reviews = [item for item in caught.value.items if item["kind"] == "review"]
    assert len(reviews) == 20 and not any(r["reply_text"] for r in reviews)
    assert [item for item in caught.value.items if item["kind"] == "business"] == [REAL_BUSINESS]


def test_real_page_with_its_reply_key_renamed_reads_the_replies_from_the_cards(respond):
    body = real_page("trustpilot", REAL_PAGE).decode("utf-8")
    damaged = body.replace('"reply":', '"companyReply":')
    assert damaged != body
    _check_real(trustpilot.extract(respond(damaged, REAL_URL)))


@pytest.mark.parametrize("renamed", ["data-service-review-business-reply-text-typography", "data-service-review-business-reply"])
def test_real_page_with_its_reply_key_and_card_text_renamed_says_its_replies_were_not_all_read(respond, renamed):
    # The cards still show the 4 replies (their "Reply from" title, time or replyInfo box): a note, never "no reply".
    body = real_page("trustpilot", REAL_PAGE).decode("utf-8")
    damaged = body.replace('"reply":', '"companyReply":').replace(renamed, "data-service-review-answer")
    with pytest.raises(NotReadable, match=r"^replies: trustpilot: .* reviews with a reply from the business: 4 shown "
                                          r"\(reply cards\), 0 read") as caught:
        trustpilot.extract(respond(damaged, REAL_URL))
    reviews = [item for item in caught.value.items if item["kind"] == "review"]
    assert len(reviews) == 20 and not any(r["reply_text"] for r in reviews)
