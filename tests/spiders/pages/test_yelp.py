"""Yelp beyond its cases (tests/cases/yelp): each source of a field taken away in turn, European dates, start
URLs; the real 2022 and 2019 pages."""

from __future__ import annotations

import re

import pytest

from helpers import case, real_page
from repscan.spiders.pages import NotReadable, yelp

HOST = "http://127.0.0.1:8765"
ALIAS = "copperleaf-plumbing-portland"
BIZ = f"{HOST}/biz/{ALIAS}"
PAGE = {1: f"{BIZ}?sort_by=date_desc", 2: f"{BIZ}?sort_by=date_desc&start=10", 3: f"{BIZ}?sort_by=date_desc&start=20"}


PAGES = {n: case(f"yelp/biz-page-{n}-of-3") for n in (1, 2, 3)}
PAGE_1, BUSINESS = PAGES[1].expected, PAGES[1].expected[-1]


def without(body: str, marker: str) -> str:
    cut = re.sub(rf"<script[^>]*{marker}.*?</script>", "", body, flags=re.S)
    assert cut != body
    return cut


DAYS_1 = ["2024-03-14", "2024-03-02", "2024-02-20", "2024-02-09",
          "2024-01-31"]


def test_without_the_apollo_cache_dates_are_the_days_the_feed_gives(respond):
    body = without(PAGES[1].body.decode(), "data-apollo-state")
    expected = [dict(item, published_at=day, published_precision="day") for item, day in zip(PAGE_1, DAYS_1)] + [BUSINESS]
    assert yelp.extract(respond(body, PAGE[1])) == expected


@pytest.mark.parametrize("number", [1, 2, 3])
def test_without_the_feed_the_markup_gives_the_same_reviews_without_review_links(respond, number):
    body = without(PAGES[number].body.decode(), "data-hypernova-key")
    response = respond(body, PAGE[number])
    assert yelp.extract(response) == [dict(item, url=BIZ) for item in PAGES[number].expected]
    assert yelp.next_page(response) == (PAGE[number + 1] if number < 3 else None)


def test_without_feed_and_cache_the_markup_dates_are_the_printed_days(respond):
    body = PAGES[1].body.decode()
    body = without(without(body, "data-hypernova-key"), "data-apollo-state")
    expected = [dict(item, url=BIZ, published_at=day, published_precision="day") for item, day in zip(PAGE_1, DAYS_1)] + [BUSINESS]
    assert yelp.extract(respond(body, PAGE[1])) == expected


EMB = "https://www.yelp.com/biz/tidewater-bike-repair-seattle"


def test_embedded_feed_s_last_page():
    last = case("yelp/biz-embedded-feed-2020").response(f"{EMB}?sort_by=date_desc&start=40")
    assert yelp.next_page(last) is None


def test_day_first_dates_on_a_european_yelp(respond):
    body = PAGES[3].body.decode().replace('lang="en-US"', 'lang="en-GB"')
    body = without(body, "data-apollo-state").replace("10/2/2023", "2/10/2023")
    items = yelp.extract(respond(body, PAGE[3]))
    assert items[1]["published_at"] == "2023-10-02"


@pytest.mark.parametrize("url, expected", [
    ("https://www.yelp.com/biz/copperleaf-plumbing-portland", "https://www.yelp.com/biz/copperleaf-plumbing-portland?sort_by=date_desc"),
    ("https://www.yelp.com/biz/x?start=40&sort_by=rating_desc&hrid=abc", "https://www.yelp.com/biz/x?hrid=abc&sort_by=date_desc"),
    ("https://www.yelp.com/user_details?userid=abc", "https://www.yelp.com/user_details?userid=abc"),
])
def test_start_url_newest_first_from_page_one(url, expected):
    assert yelp.start_url(url) == expected


def test_business_without_reviews_gives_the_summary_only(respond):
    body = without(PAGES[3].body.decode(), "data-hypernova-key")
    body = re.sub(r"<li .*?</li>", "", body, flags=re.S)
    assert yelp.extract(respond(body, PAGE[3])) == [BUSINESS]


# The real saved pages: a 2022 business page, a 2019 user page.

REAL_BIZ = "biz-aaron-gordon-construction-sf-2022.html"
REAL_BIZ_URL = "https://www.yelp.com/biz/aaron-gordon-construction-san-francisco-4"
REAL_USER = "user-oriole-m-reviews-2019.html"


def test_real_2022_business_page(respond):
    response = respond(real_page("yelp", REAL_BIZ), REAL_BIZ_URL)
    items = yelp.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert items[-1] == {"kind": "business", "source": "yelp", "url": REAL_BIZ_URL,
                         "name": "Aaron Gordon Construction", "rating": 4.5, "review_count": 82}
    assert len(reviews) == 10 and len({r["source_id"] for r in reviews}) == 10
    assert [r["rating"] for r in reviews] == [5, 5, 5, 4, 5, 5, 1, 5, 1, 5]
    # Each reviewer's review count (the feed's user.reviewCount; the markup's "Reviews" figure): none a single review.
    assert sorted(r["author_review_count"] for r in reviews) == [2, 3, 5, 7, 9, 9, 13, 15, 18, 23]
    assert all(r["language"] == "en" and r["text"] and not r["published_approx"] for r in reviews)
    first = reviews[0]
    assert first["source_id"] == "aaron-gordon-construction-san-francisco-4:dbicB78bvNqUY1iy6hIEZg"
    assert first["author"] == "Michael C." and first["published_at"] == "2018-03-02T01:28:44Z"
    assert first["text"].startswith("I have had the immense pleasure of working with Aaron Gordon Construction")
    assert "my co-owner's time frame" in first["text"]  # the feed escapes apostrophes twice
    assert first["url"] == f"{REAL_BIZ_URL}?hrid=aQBdX4HnwjDh-uRSMOf2TQ"
    replied = {r["author"]: (r["reply_text"], r["reply_at"]) for r in reviews if r["reply_text"]}
    assert set(replied) == {"Gno W.", "Sue B."}
    assert replied["Gno W."][0].startswith("Gno W.\n\nThis is Aaron Gordon and we take on small projects")
    assert replied["Gno W."][1] == "2018-11-29"
    assert yelp.next_page(response) == f"{REAL_BIZ_URL}?start=10"


def test_real_2019_user_page(respond):
    response = respond(real_page("yelp", REAL_USER), "https://www.yelp.com/user_details?userid=bMpE9cdUirpSBPzDJubIrg")
    items = yelp.extract(response)
    assert len(items) == 9 and {item["kind"] for item in items} == {"review"}
    assert {item["author"] for item in items} == {"Oriole M."}
    assert [item["rating"] for item in items] == [1, 3, 3, 5, 1, 5, 1, 2, 1]
    umai = items[1]
    assert umai["source_id"] == "umai-bar-and-grill-elk-grove:bMpE9cdUirpSBPzDJubIrg"
    assert umai["url"] == "https://www.yelp.com/biz/umai-bar-and-grill-elk-grove?hrid=6zcGJd2YhWHkPJdbl_R37g"
    assert umai["published_at"] == "2018-08-06" and umai["language"] == "en"
    assert umai["reply_text"].startswith("Hi Oriole,\nWe use bar jiggers") and umai["reply_text"].endswith("through training.")
    replied = [item["business_url"].rsplit("/", 1)[-1] for item in items if item["reply_text"]]
    assert replied == ["umai-bar-and-grill-elk-grove", "logans-roadhouse-elk-grove"]


def test_real_2022_business_page_markup_fallback_gives_the_same_reviews(respond):
    body = real_page("yelp", REAL_BIZ).decode("utf-8")
    full = yelp.extract(respond(body, REAL_BIZ_URL))
    response = respond(without(body, "data-hypernova-key"), REAL_BIZ_URL)
    fallback = yelp.extract(response)
    assert len(fallback) == len(full) == 11
    for ours, theirs in zip(fallback, full):
        if ours["kind"] == "review":
            # The markup has no review ids (so no ?hrid= links) and collapses blank lines.
            assert ours["url"] == REAL_BIZ_URL and theirs["url"].startswith(f"{REAL_BIZ_URL}?hrid=")
            for key in ("text", "reply_text"):
                assert re.sub(r"\s", "", ours[key] or "") == re.sub(r"\s", "", theirs[key] or "")
            ours = dict(ours, url=None, text=None, reply_text=None)
            theirs = dict(theirs, url=None, text=None, reply_text=None)
        assert ours == theirs
    assert yelp.next_page(response) == f"{REAL_BIZ_URL}?start=10"


def test_real_2022_business_page_with_its_feed_reply_key_renamed_reads_the_replies_from_the_markup(respond):
    body = real_page("yelp", REAL_BIZ).decode("utf-8")
    full = yelp.extract(respond(body, REAL_BIZ_URL))
    damaged = body.replace("businessOwnerReplies", "ownerReplies")
    assert damaged != body
    items = yelp.extract(respond(damaged, REAL_BIZ_URL))
    replied = [(r["author"], r["rating"], r["reply_at"]) for r in items if r.get("reply_text")]
    assert replied == [(r["author"], r["rating"], r["reply_at"]) for r in full if r.get("reply_text")]
    assert replied == [("Gno W.", 1, "2018-11-29"), ("Sue B.", 1, "2017-04-11")]
    for ours, theirs in zip(items, full):  # the markup collapses the reply's blank lines
        assert re.sub(r"\s", "", ours.get("reply_text") or "") == re.sub(r"\s", "", theirs.get("reply_text") or "")


@pytest.mark.parametrize("page, url, renamed, shown", [
    (REAL_BIZ, REAL_BIZ_URL, ("businessOwnerReplies", "businessOwner-"), 2),
    (REAL_USER, "https://www.yelp.com/user_details?userid=bMpE9cdUirpSBPzDJubIrg", ("js-content-toggleable",), 2),
], ids=["2022-feed-and-owner-region", "2019-reply-text-class"])
def test_real_page_whose_replies_cannot_be_read_says_so(respond, page, url, renamed, shown):
    # The markup still shows each reply ("Business owner information", "Business Owner"; "Comment from …"): a note.
    body = real_page("yelp", page).decode("utf-8")
    for name in renamed:
        assert name in body
        body = body.replace(name, "x" + name[::-1])
    with pytest.raises(NotReadable, match=rf"^replies: yelp: .* reviews with a reply from the business: {shown} shown "
                                          r"\(owner reply blocks\), 0 read") as caught:
        yelp.extract(respond(body, url))
    reviews = [item for item in caught.value.items if item["kind"] == "review"]
    assert len(reviews) in (9, 10) and not any(r["reply_text"] for r in reviews)
