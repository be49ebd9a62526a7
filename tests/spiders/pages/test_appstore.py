"""App Store feed beyond its cases (tests/cases/appstore): Apple's page limit, other hosts, start URLs, the real feed."""

from __future__ import annotations

import pytest

from helpers import case, real_page
from repscan.spiders.pages import appstore

FEED = "https://itunes.apple.com/gb/rss/customerreviews"
PAGE1_URL = f"{FEED}/page=1/id=1234567890/sortby=mostrecent/json"
APP = "https://apps.apple.com/gb/app/id1234567890"
PAGE1 = case("appstore/page-1")


def test_pagination_stops_at_apple_s_tenth_page():
    url = f"{FEED}/page=10/id=1234567890/sortby=mostrecent/json"
    body = PAGE1.body.decode().replace("/page=2/", "/page=12/")
    assert appstore.next_page(PAGE1.response(url, body=body)) is None


def test_saved_file_takes_the_app_from_the_feed_links():
    items = appstore.extract(PAGE1.response("file:///tmp/reviews.json"))
    assert [item["business_url"] for item in items] == [APP] * 3


def test_served_from_localhost_keeps_the_store_links():
    url = "http://127.0.0.1:8765/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"
    response = PAGE1.response(url)
    assert appstore.extract(response) == PAGE1.expected
    assert appstore.next_page(response) == url.replace("page=1", "page=2")


@pytest.mark.parametrize("url, expected", [
    ("https://apps.apple.com/gb/app/harbour-lane-bakery/id1234567890", PAGE1_URL),
    ("https://apps.apple.com/app/id1234567890",
     "https://itunes.apple.com/us/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"),
    ("https://itunes.apple.com/gb/app/harbour-lane-bakery/id1234567890?mt=8", PAGE1_URL),
    (f"{FEED}/id=1234567890/sortby=mostrecent/json", PAGE1_URL),
    (f"{FEED}/page=4/id=1234567890/sortby=mostrecent/xml", PAGE1_URL),
    ("http://127.0.0.1:8765/gb/rss/customerreviews/id=1234567890/json",
     "http://127.0.0.1:8765/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"),
])
def test_start_url_is_page_one_newest_first_as_json(url, expected):
    assert appstore.start_url(url) == expected


def test_start_url_refuses_what_names_no_app():
    with pytest.raises(ValueError):
        appstore.start_url("https://apps.apple.com/gb/charts")


# The real feed: Apple Store app, Japanese storefront, June 2015 (no review dates then).

REAL = "apple-store-app-jp-customerreviews-2015.json"
REAL_URL = "https://itunes.apple.com/jp/rss/customerreviews/id=375380948/sortby=mostrecent/json"
REAL_APP = "https://apps.apple.com/jp/app/id375380948"


def test_real_feed(respond):
    response = respond(real_page("appstore", REAL), REAL_URL)
    items = appstore.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 50 and len({r["source_id"] for r in reviews}) == 50
    assert reviews[0] == {
        "kind": "review", "source": "appstore", "source_id": "1205430410", "url": f"{REAL_APP}?see-all=reviews",
        "business_url": REAL_APP, "author": "m.aaa...", "author_review_count": None, "rating": 4, "rating_max": 5, "title": "あまり",
        "text": "利便性がわかりずらい", "language": None, "published_at": None, "published_precision": None,
        "published_approx": False, "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None,
        "reply_precision": None,
    }
    assert all(r["author"] and r["text"] and r["rating"] in (1, 2, 3, 4, 5) for r in reviews)
    assert all(r["published_at"] is None for r in reviews)
    assert items[-1] == {"kind": "business", "source": "appstore", "url": REAL_APP, "name": "Apple Store",
                         "rating": None, "review_count": None}
    assert appstore.next_page(response) == \
        "https://itunes.apple.com/jp/rss/customerreviews/page=2/id=375380948/sortby=mostrecent/json"
