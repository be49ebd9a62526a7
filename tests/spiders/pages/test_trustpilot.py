"""Trustpilot extraction: every field of every item on our pages, counts and replies on the real one."""

from __future__ import annotations

import re

import pytest

from repscan.spiders.pages import LayoutError, trustpilot

TP = "https://www.trustpilot.com"
BIZ = f"{TP}/review/kettleandcrumb.example"
PAGE1_URL = f"{BIZ}?sort=recency"
PAGE2_URL = f"{BIZ}?sort=recency&page=2"
REAL_PAGE = "trustpilot/eventnet-de-review-page-prettified-2024.html"
REAL_URL = f"{TP}/review/eventnet.de"


def review(source_id, **fields):
    item = {
        "kind": "review", "source": "trustpilot", "source_id": source_id,
        "url": f"{TP}/reviews/{source_id}", "business_url": BIZ, "author": None, "rating": None,
        "rating_max": 5, "title": None, "text": None, "language": None, "published_at": None,
        "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {
    "kind": "business", "source": "trustpilot", "url": BIZ, "name": "Kettle & Crumb",
    "rating": 3.9, "review_count": 10,
}

PAGE1 = [
    review(
        "6650a1b2c3d4e5f601234501", author="Priya Raman", rating=5, title="Best sourdough in town",
        text="Crusty, tangy and still warm at 8am.\nThe cinnamon knots sell out by nine, so go early.",
        language="en", published_at="2024-06-20T07:45:12Z",
        reply_text="Thank you Priya! We bake a second batch of knots on Saturdays.",
        reply_at="2024-06-20T10:02:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234502", author="Jürgen Weiß", rating=4, title="Sehr gutes Brot, etwas teuer",
        text="Das Roggenbrot schmeckt wie bei meiner Oma. Für 6,50 € ist es allerdings nicht ganz billig.",
        language="de", published_at="2024-06-18T15:30:00Z", updated_at="2024-06-19T08:00:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234503", author="Ștefan Țurcanu", rating=2, title="Cozonac uscat",
        text="Cozonacul a fost uscat și prea dulce. Păcat, pâinea țărănească e bună.",
        language="ro", published_at="2024-06-15T12:00:00Z",
        reply_text="Ne pare rău, Ștefan! Am ajustat rețeta de cozonac.",
        reply_at="2024-06-16T09:15:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234504", author="Олена Коваленко", rating=1, title=None,
        text="Замовила торт на день народження, а його не було готово вчасно. Дуже розчарована.",
        language="uk", published_at="2024-06-10T18:05:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234505", author="佐藤 花子", rating=3, title="まあまあです 🥐",
        text="クロワッサンは美味しかったけど、店内が狭いです。☕️ コーヒーは普通。",
        language="ja", published_at="2024-06-02T03:10:00Z",
    ),
    BUSINESS,
]

PAGE2 = [
    review(
        "6650a1b2c3d4e5f601234506", author="Tom O'Neill", rating=4, title="Friendly staff",
        text="Staff remembered my order after two visits. 👍", language="en",
        published_at="2024-05-28T09:00:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234507", author=None, rating=5, title="Gluten-free that tastes good",
        text="Bought a gluten-free loaf for my sister, she loved it.", language="en",
        published_at="2024-05-20T11:11:11Z",
    ),
    review(
        "6650a1b2c3d4e5f601234508", author="Anna Schmidt", rating=3, title=None,
        text="Brötchen okay, Kaffee lauwarm.", language="de", published_at=None,
    ),
    review(
        "6650a1b2c3d4e5f601234509", author="Mark Ellison", rating=1, title="Found a hair in my croissant",
        text="Not what you want with breakfast. Staff apologised but offered no refund.", language="en",
        published_at="2024-05-02T16:20:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234510", author="Ioana Popescu", rating=5, title="Cel mai bun covrig",
        text="Covrigii cu susan sunt excelenți, iar personalul e foarte amabil.", language="ro",
        published_at="2024-04-25T07:30:00Z",
    ),
    BUSINESS,
]

# What the JSON-LD fallback can know: no updatedDate, the text without its line breaks
# (Trustpilot's JSON-LD drops them), replies read from the review cards.
PAGE1_FALLBACK = [
    review(
        "6650a1b2c3d4e5f601234501", author="Priya Raman", rating=5, title="Best sourdough in town",
        text="Crusty, tangy and still warm at 8am.The cinnamon knots sell out by nine, so go early.",
        language="en", published_at="2024-06-20T07:45:12Z",
        reply_text="Thank you Priya! We bake a second batch of knots on Saturdays.",
        reply_at="2024-06-20T10:02:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234502", author="Jürgen Weiß", rating=4, title="Sehr gutes Brot, etwas teuer",
        text="Das Roggenbrot schmeckt wie bei meiner Oma. Für 6,50 € ist es allerdings nicht ganz billig.",
        language="de", published_at="2024-06-18T15:30:00Z", updated_at=None,
    ),
    review(
        "6650a1b2c3d4e5f601234503", author="Ștefan Țurcanu", rating=2, title="Cozonac uscat",
        text="Cozonacul a fost uscat și prea dulce. Păcat, pâinea țărănească e bună.",
        language="ro", published_at="2024-06-15T12:00:00Z",
        reply_text="Ne pare rău, Ștefan! Am ajustat rețeta de cozonac.",
        reply_at="2024-06-16T09:15:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234504", author="Олена Коваленко", rating=1, title=None,
        text="Замовила торт на день народження, а його не було готово вчасно. Дуже розчарована.",
        language="uk", published_at="2024-06-10T18:05:00Z",
    ),
    review(
        "6650a1b2c3d4e5f601234505", author="佐藤 花子", rating=3, title="まあまあです 🥐",
        text="クロワッサンは美味しかったけど、店内が狭いです。☕️ コーヒーは普通。",
        language="ja", published_at="2024-06-02T03:10:00Z",
    ),
    BUSINESS,
]


def test_page_1_every_field(load):
    assert trustpilot.extract(load("trustpilot/page-1-of-2.html", PAGE1_URL)) == PAGE1


def test_page_2_every_field_with_missing_consumer_title_dates_and_string_rating(load):
    assert trustpilot.extract(load("trustpilot/page-2-of-2.html", PAGE2_URL)) == PAGE2


def test_pagination_follows_next_data(load):
    assert trustpilot.next_page(load("trustpilot/page-1-of-2.html", PAGE1_URL)) == PAGE2_URL
    assert trustpilot.next_page(load("trustpilot/page-2-of-2.html", PAGE2_URL)) is None


def test_served_from_localhost_keeps_site_key_and_host(load):
    base = "http://127.0.0.1:8765/review/kettleandcrumb.example"
    response = load("trustpilot/page-1-of-2.html", f"{base}?sort=recency")
    items = trustpilot.extract(response)
    assert {item["source"] for item in items} == {"trustpilot"}
    assert items[0]["url"] == "http://127.0.0.1:8765/reviews/6650a1b2c3d4e5f601234501"
    assert {item["business_url"] for item in items[:-1]} == {base}
    assert items[-1]["url"] == base
    assert trustpilot.next_page(response) == f"{base}?sort=recency&page=2"


def test_truncated_next_data_falls_back_to_json_ld(load):
    response = load("trustpilot/page-1-truncated-next-data.html", PAGE1_URL)
    assert trustpilot.extract(response) == PAGE1_FALLBACK


def test_fallback_pagination_uses_the_next_button(load):
    response = load("trustpilot/page-1-truncated-next-data.html", PAGE1_URL)
    assert trustpilot.next_page(response) == f"{BIZ}?page=2&sort=recency"


def test_fallback_button_keeps_our_other_filters(load):
    response = load("trustpilot/page-1-truncated-next-data.html", f"{BIZ}?sort=recency&languages=de")
    assert trustpilot.next_page(response) == f"{BIZ}?page=2&sort=recency&languages=de"


def test_fallback_pagination_stops_at_disabled_button(load, respond):
    body = (load("trustpilot/page-2-of-2.html", PAGE2_URL).text
            .replace('id="__NEXT_DATA__"', 'id="__NEXT_DATA_MOVED__"'))
    assert trustpilot.next_page(respond(body, PAGE2_URL)) is None


def test_fallback_without_review_cards_has_no_replies(load, respond):
    body = load("trustpilot/page-1-truncated-next-data.html", PAGE1_URL).text
    body = re.sub(r"<article.*?</article>", "", body, flags=re.S)
    items = trustpilot.extract(respond(body, PAGE1_URL))
    expected = [dict(item, reply_text=None, reply_at=None) if item["kind"] == "review" else item
                for item in PAGE1_FALLBACK]
    assert items == expected


def test_changed_layout_is_a_layout_error(load):
    with pytest.raises(LayoutError, match="neither parseable __NEXT_DATA__"):
        trustpilot.extract(load("trustpilot/changed-layout.html", PAGE1_URL))


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "blocked/cloudflare-just-a-moment.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        trustpilot.extract(load(name, PAGE1_URL))


def test_page_with_structure_but_no_reviews_gives_only_the_business(load):
    response = load("trustpilot/no-reviews-yet.html", PAGE1_URL)
    assert trustpilot.extract(response) == [
        {"kind": "business", "source": "trustpilot", "url": BIZ, "name": "Kettle & Crumb",
         "rating": 0, "review_count": 0},
    ]
    assert trustpilot.next_page(response) is None


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
    "author": "Saskia Herrmann", "rating": 5, "rating_max": 5, "title": "Immer wieder gerne...",
    "text": ("Eine spontane Anfrage in einer recht umtriebigen Zeit. So kann man unsere erste "
             "Zusammenarbeit wohl am besten beschreiben. Das hat einer erfolgreichen Zusammenarbeit "
             "aber in keinster Weise geschadet. Im Gegenteil: fokussierte, umsichtige, kollegiale "
             "Arbeit. Gerne wieder! Auf bald!"),
    "language": "de", "published_at": "2024-06-27T08:03:48Z", "published_approx": False,
    "updated_at": None, "reply_text": None, "reply_at": None,
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
    replied = {r["source_id"] for r in reviews if r["reply_text"]}
    assert replied == REAL_REPLIED
    assert all(r["reply_at"] for r in reviews if r["reply_text"])
    by_id = {r["source_id"]: r for r in reviews}
    for review_id, (text, at) in REAL_REPLIES.items():
        assert (by_id[review_id]["reply_text"], by_id[review_id]["reply_at"]) == (text, at)
    return reviews


def test_real_page(real, respond):
    response = respond(real(REAL_PAGE), REAL_URL)
    items = trustpilot.extract(response)
    reviews = _check_real(items)
    assert reviews[0] == REAL_FIRST
    assert trustpilot.next_page(response) is None


@pytest.mark.parametrize("damage", ["removed", "truncated"])
def test_real_page_json_ld_fallback_gives_the_same_reviews(real, respond, damage):
    body = real(REAL_PAGE).decode("utf-8")
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
