"""Schema.org beyond its cases (tests/cases/jsonld): id rules, inline markup, next links; the real recipe page."""

from __future__ import annotations

import hashlib
import json

import pytest

from helpers import case, real_page
from repscan.spiders import pages
from repscan.spiders.pages import NotReadable, jsonld
from repscan.spiders.pages.common import dates, values

DENTIST = "https://harbourlane.example/reviews/"
TENT = "https://shop.example/products/trailblazer-2"
REAL_PAGE = "chefjeanpierre-beef-bourguignon-2024.html"
REAL_URL = "https://chefjeanpierre.com/recipes/beef-bourguignon-recipe/"


def review(page, source_id, **fields):
    item = {
        "kind": "review", "source": "jsonld", "source_id": source_id, "url": page,
        "business_url": page, "author": None, "author_review_count": None, "rating": None, "rating_max": 5, "title": None,
        "text": None, "language": None, "published_at": None, "published_precision": None, "published_approx": False,
        "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None, "reply_precision": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def business(page, name, rating, review_count):
    return {"kind": "business", "source": "jsonld", "url": page, "name": name, "rating": rating,
            "review_count": review_count}


LOCAL_BUSINESS = case("jsonld/local-business-graph")


def test_hash_ids_are_sha1_of_page_author_date_and_text():
    text = "Tratament bun, însă am așteptat 40 de minute.\nParcarea e greu de găsit."
    key = "\x1f".join([DENTIST, "Mihai Ionescu", "2024-02-11T00:00:00Z", text[:200]])
    assert hashlib.sha1(key.encode()).hexdigest()[:16] == "50b660fda76d04c9"
    assert LOCAL_BUSINESS.expected[1]["source_id"] == "50b660fda76d04c9"


def test_ids_are_stable_across_query_strings_and_fragments():
    again = jsonld.extract(LOCAL_BUSINESS.response(DENTIST + "?utm_source=x#top"))
    assert [item.get("source_id") for item in again] == [item.get("source_id") for item in LOCAL_BUSINESS.expected]
    assert again[1]["url"] == DENTIST + "?utm_source=x#top"
    assert again[1]["business_url"] == DENTIST


def test_script_type_is_case_insensitive(respond):
    page = ('<html><head><script type="Application/LD+JSON">{"@type": "Review", "@id": "https://x.example/r1",'
            ' "reviewBody": "Ok.", "reviewRating": {"ratingValue": 3}}</script></head></html>')
    (item,) = jsonld.extract(respond(page, "https://x.example/"))
    assert (item["source_id"], item["text"], item["rating"]) == ("https://x.example/r1", "Ok.", 3)


def _page(*blocks) -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>'
        for b in blocks
    )
    return f"<html><head>{scripts}</head><body><p>x</p></body></html>"


def test_standalone_review_of_an_inline_book(respond):
    page = _page({
        "@context": "https://schema.org", "@type": "Review", "url": "https://blog.example/orchard-review",
        "itemReviewed": {"@type": "Book", "name": "The Quiet Orchard",
                         "aggregateRating": {"ratingValue": "4.1", "ratingCount": "1.234"}},
        "author": {"@type": "Person", "givenName": "Ada", "familyName": "Byrne"},
        "headline": "Slow &amp; lovely", "reviewBody": "<p>Slow start.</p><p>Worth it.</p>",
        "datePublished": "2024-02-29T23:30:00", "reviewRating": {"ratingValue": "4,5", "bestRating": "5"},
    })
    assert jsonld.extract(respond(page, "https://blog.example/orchard-review?ref=rss")) == [
        review("https://blog.example/orchard-review", "https://blog.example/orchard-review",
               author="Ada Byrne", rating=4.5, title="Slow & lovely", text="Slow start.\nWorth it.",
               published_at="2024-02-29T23:30:00Z", published_precision="exact"),
        business("https://blog.example/orchard-review", "The Quiet Orchard", 4.1, 1234),
    ]


def test_type_lists_reviews_key_and_nested_graphs(respond):
    page = _page([{"@graph": [
        {"@type": ["Organization", "Thing"], "@id": "#org", "name": "Tidewater Tours",
         "reviews": [{"author": ["Ana", {"name": "Ben"}], "reviewRating": {"ratingValue": 1},
                      "reviewBody": "Cancelled twice.", "datePublished": "2024-07-01T08:00:00+02:00"},
                     {"@id": "#r2", "author": "Cleo", "reviewRating": {"ratingValue": "3"},
                      "reviewBody": "Fine."}]},
        {"@type": "AggregateRating", "itemReviewed": {"@id": "#org"}, "ratingValue": 2.0,
         "reviewCount": 9},
    ]}])
    url = "https://tidewater.example/reviews"
    sid = hashlib.sha1("\x1f".join([url, "Ana, Ben", "2024-07-01T06:00:00Z", "Cancelled twice."])
                       .encode()).hexdigest()[:16]
    on_page = dict(url=url + "?page=1", business_url=url)
    assert jsonld.extract(respond(page, url + "?page=1")) == [
        review(url, sid, author="Ana, Ben", rating=1, text="Cancelled twice.",
               published_at="2024-07-01T06:00:00Z", published_precision="exact", **on_page),
        review(url, "https://tidewater.example/reviews#r2", author="Cleo", rating=3, text="Fine.",
               **on_page),
        business(url, "Tidewater Tours", 2, 9),
    ]


def test_rating_without_best_rating_above_five_is_out_of_ten(respond):
    page = _page({"@type": "Hotel", "name": "Hotel Nord", "review": [
        {"@type": "Review", "@id": "https://nord.example/r/1", "reviewRating": {"ratingValue": "8.5"},
         "reviewBody": "Quiet rooms."}]})
    (item,) = jsonld.extract(respond(page, "https://nord.example/"))
    assert (item["rating"], item["rating_max"], item["url"]) == (8.5, 10, "https://nord.example/r/1")


def test_review_reply_only_when_the_business_wrote_it(respond):
    page = _page({"@type": "Restaurant", "@id": "https://bistro.example/#r", "name": "Bistro Vela",
                  "review": [{"@type": "Review", "@id": "https://bistro.example/#rev1",
                              "reviewBody": "Cold soup.", "reviewRating": {"ratingValue": 2},
                              "comment": {"@type": "Comment", "author": "Another Diner",
                                          "text": "Same for me"}}]})
    (item,) = jsonld.extract(respond(page, "https://bistro.example/"))
    assert (item["reply_text"], item["reply_at"]) == (None, None)


def test_duplicate_blocks_collapse_and_fill_gaps():
    items = case("jsonld/product-list").expected
    assert [item["kind"] for item in items] == ["review", "review", "business"]
    assert items[1]["language"] == "uk"  # only the second copy says so


@pytest.mark.parametrize("url, href, expected", [
    ("https://a.example/reviews/page/2/", "/reviews/page/3/", "https://a.example/reviews/page/3/"),
    ("https://a.example/post/", "/post/comment-page-2/", "https://a.example/post/comment-page-2/"),
    ("https://a.example/", "/page/2/", "https://a.example/page/2/"),
    ("https://a.example/", "/another-post/", None),
    ("https://a.example/recipes/stew/", "https://a.example/recipes/soup/", None),
    ("https://a.example/reviews", "https://b.example/reviews?page=2", None),
    ("https://a.example/reviews?page=2", "?page=2", None),
])
def test_next_page_rules(respond, url, href, expected):
    page = f'<html><body><a rel="nofollow next" href="{href}">Next</a></body></html>'
    assert jsonld.next_page(respond(page, url)) == expected


def test_start_url_is_unchanged():
    assert pages.get("jsonld").start_url(f"{TENT}?page=1#reviews") == f"{TENT}?page=1#reviews"


# The real page: a WordPress recipe with the same 12 reviews in two JSON-LD blocks.

def test_real_page(respond):
    response = respond(real_page("jsonld", REAL_PAGE), REAL_URL)
    items = jsonld.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 12
    assert len({r["source_id"] for r in reviews}) == 12
    assert reviews[0] == review(
        REAL_URL, reviews[0]["source_id"], author="Karen Harrington", rating=5,
        text=("Chef! I'm making this right now as a \"trial run\" for Christmas dinner. It's been on "
              "the stove for 1.5 hours and already tastes AMAZING! You are a gifted, talented chef "
              "and TEACHER (retired teacher here!). Thank you!"),
        published_at="2024-11-24", published_precision="day",  # a calendar day: datePublished has no time
    )
    assert all(r["author"] and r["text"] and r["published_at"] and r["rating"] for r in reviews)
    assert not any("\r" in r["text"] for r in reviews)  # the page's CRLFs become LFs
    assert reviews[8]["author"] == "Joseph Patrick"
    assert reviews[8]["text"].startswith("Chef,\n   Nous avons rendu visite à notre fils")
    assert [r["author"] for r in reviews][-1] == "Joseph Bauer"
    # The 4.34 is over 355 ratings (ratingCount), of which 12 are written reviews (reviewCount): the count is 355.
    assert [item for item in items if item["kind"] == "business"] == [
        business(REAL_URL, "Awesome Beef Bourguignon Recipe!", 4.34, 355)]
    # The theme's rel=next points at the next recipe, not at more reviews.
    assert jsonld.next_page(response) is None
    again = jsonld.extract(respond(real_page("jsonld", REAL_PAGE), REAL_URL + "?utm_medium=email"))
    assert [r["source_id"] for r in again[:-1]] == [r["source_id"] for r in reviews]


# The value helpers both extractors share.

@pytest.mark.parametrize("raw, expected", [
    ("2024-11-24", "2024-11-24"),
    ("2024-06-27T08:03:48.000Z", "2024-06-27T08:03:48Z"),
    ("2024-03-05T14:30:00+01:00", "2024-03-05T13:30:00Z"),
    ("2024-03-05 14:30:00", "2024-03-05T14:30:00Z"),
    ("November 24, 2024", "2024-11-24"),
    ("24 Nov 2024", "2024-11-24"),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_dates(raw, expected):
    assert dates.when(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (5, 5), (4.0, 4), ("4.5", 4.5), ("4,5", 4.5), ("4.5 / 5", 4.5), ({"@value": "3"}, 3),
    (["2", "4"], 2), ("n/a", None), (True, None), (None, None),
])
def test_ratings(raw, expected):
    value = values.number(raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("raw, expected", [
    (20, 20), ("20", 20), ("1,234", 1234), ("1.234", 1234), ("1 234 reviews", 1234), ("none", None),
])
def test_counts(raw, expected):
    assert values.count(raw) == expected


# The real page's owner answers in its WordPress comments (li.bypostauthor): 10 replies, 2 under comments that are
# among its 12 JSON-LD reviews (the others answer questions and older reviews the JSON-LD leaves out).

def _real_replies(items) -> dict:
    return {r["author"]: (r["reply_at"], r["reply_precision"]) for r in items if r["kind"] == "review" and r["reply_text"]}


def test_real_page_owner_replies_threaded_under_reviews_are_read(respond):
    page = real_page("jsonld", REAL_PAGE).decode("utf-8")
    assert page.count(" bypostauthor ") == 10
    items = jsonld.extract(respond(page, REAL_URL))
    assert _real_replies(items) == {"Rebe": ("2023-08-20", "day"), "Martin Parr": ("2023-06-04", "day")}
    assert len([item for item in items if item["kind"] == "review"]) == 12


@pytest.mark.parametrize("renamed", ["bypostauthor", "comment-content"])
def test_real_page_whose_owner_replies_cannot_be_read_says_so(respond, renamed):
    # The owner's class renamed (the replies are still by the Recipe's author), or the comments' text box renamed (the
    # reviews can no longer be matched to their comments): the page still shows 2 answered reviews.
    page = real_page("jsonld", REAL_PAGE).decode("utf-8")
    assert renamed in page
    with pytest.raises(NotReadable, match=r"^replies: jsonld: .* reviews with a reply from the business: 2 shown "
                                          r"\(owner replies under their comments\), 0 read") as caught:
        jsonld.extract(respond(page.replace(renamed, "x-" + renamed[::-1]), REAL_URL))
    assert len([item for item in caught.value.items if item["kind"] == "review"]) == 12
    assert not _real_replies(caught.value.items)


WOO = "https://tentsandtarps.example/product/ridgeline-2/"


def _woo_review(n, author, day, text, cls="review even thread-even depth-1", children=""):
    kids = f'<ul class="children">{children}</ul>' if children else ""
    return (f'<li class="{cls}" id="li-comment-{n}"><div id="comment-{n}" class="comment_container">'
            f'<img class="avatar" src="/a/{n}.png" alt=""><div class="comment-text">'
            f'<p class="meta"><strong class="woocommerce-review__author">{author}</strong> '
            f'<time class="woocommerce-review__published-date" datetime="{day}T10:00:00+00:00">{day}</time></p>'
            f'<div class="description"><p>{text}</p></div></div></div>{kids}</li>')


def test_a_woocommerce_shop_owner_reply_under_a_product_review_is_read(respond):
    # WooCommerce: each review an li.review, the shop owner's reply an li.comment.bypostauthor beneath it.
    reviews = [("Greta Holm", "2025-03-02", "The poles snapped on the second night in light wind.", 1),
               ("Owen Park", "2025-02-11", "Roomy for two and packs small.", 5)]
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Ridgeline 2 Tent",
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": a}, "datePublished": d,
                        "reviewBody": t, "reviewRating": {"@type": "Rating", "ratingValue": r}} for a, d, t, r in reviews]}
    reply = _woo_review(3, "Tents &amp; Tarps", "2025-03-03", "Sorry, Greta: new poles are on their way to you.",
                        cls="comment byuser comment-author-shop bypostauthor odd alt depth-2")
    thread = _woo_review(1, *reviews[0][:3], children=reply) + _woo_review(2, *reviews[1][:3])
    page = (f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body>'
            f'<div id="reviews"><ol class="commentlist">{thread}</ol></div></body></html>')
    items = jsonld.extract(respond(page, WOO))
    assert [(r["author"], r["reply_text"], r["reply_at"]) for r in items if r["kind"] == "review"] == [
        ("Greta Holm", "Sorry, Greta: new poles are on their way to you.", "2025-03-03T10:00:00Z"),
        ("Owen Park", None, None)]
    with pytest.raises(NotReadable, match="reviews with a reply from the business: 1 shown"):
        jsonld.extract(respond(page.replace("<p>The poles", "<p>Our poles"), WOO))  # the comment no longer matches
