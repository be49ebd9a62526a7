"""App Store customer-reviews feed: every field of every item on our feeds, counts and fields on the real 2015 feed."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import LayoutError, appstore

FEED = "https://itunes.apple.com/gb/rss/customerreviews"
PAGE1_URL = f"{FEED}/page=1/id=1234567890/sortby=mostrecent/json"
PAGE2_URL = f"{FEED}/page=2/id=1234567890/sortby=mostrecent/json"
APP = "https://apps.apple.com/gb/app/id1234567890"


def review(source_id, **fields):
    item = {
        "kind": "review", "source": "appstore", "source_id": source_id, "url": f"{APP}?see-all=reviews",
        "business_url": APP, "author": None, "rating": None, "rating_max": 5, "title": None, "text": None,
        "language": None, "published_at": None, "published_approx": False, "updated_at": None,
        "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


PAGE1 = [
    review("11000000005", author="crumbfan_88", rating=5, title="Best bakery app 🥐",
           text="Pre-ordered two sourdough loaves for Saturday and they were waiting at the counter.\n"
                "Pickup took 30 seconds.",
           published_at="2026-10-29T15:15:00Z"),
    review("11000000004", author="Siobhán", rating=1, title="App crashes at checkout",
           text="Every time I tap Pay the app closes. Tried three times, gave up and queued in the shop.",
           published_at="2026-10-28T02:02:33Z"),
    review("11000000003", author="Ioana P.", rating=3, title="Merge, dar lent",
           text="Aplicația funcționează, dar se încarcă greu pe Wi-Fi-ul din magazin.",
           published_at="2026-10-20T13:00:00Z"),
]
PAGE2 = [
    review("11000000002", author="Олег", rating=2, title="Немає сповіщень",
           text="Не отримую сповіщень, коли замовлення готове.", published_at="2026-10-01T06:30:00Z"),
    review("11000000001", author="quietcustomer", rating=4, title=None,
           text="Good loyalty stamps, & the cinnamon knots", published_at="2026-09-01T12:00:00Z"),
]


def test_page_1_every_field(load):
    assert appstore.extract(load("appstore/page-1.json", PAGE1_URL)) == PAGE1


def test_page_2_prefers_the_text_content_and_drops_an_empty_title(load):
    assert appstore.extract(load("appstore/page-2.json", PAGE2_URL)) == PAGE2


def test_pagination_by_page_number_in_json_until_the_last_page(load):
    assert appstore.next_page(load("appstore/page-1.json", PAGE1_URL)) == PAGE2_URL
    assert appstore.next_page(load("appstore/page-2.json", PAGE2_URL)) is None


def test_pagination_stops_at_apple_s_tenth_page(load):
    url = f"{FEED}/page=10/id=1234567890/sortby=mostrecent/json"
    body = load("appstore/page-1.json", url).text.replace("/page=2/", "/page=12/")
    from scrapy.http import TextResponse
    assert appstore.next_page(TextResponse(url, body=body.encode(), encoding="utf-8")) is None


def test_legacy_feed_without_dates_with_the_app_entry_as_business(load):
    url = f"{FEED}/id=1234567890/sortby=mostrecent/json"
    response = load("appstore/legacy-2015-with-app-entry.json", url)
    assert appstore.extract(response) == [
        review("1000000002", author="Gemma W", rating=4, title="Handy", text="Handy for checking opening hours."),
        review("1000000001", author="Tomasz", rating=2, title="Slow", text="Takes ages to load the menu."),
        {"kind": "business", "source": "appstore", "url": APP, "name": "Harbour Lane Bakery", "rating": None,
         "review_count": None},
    ]
    assert appstore.next_page(response) == PAGE2_URL


def test_a_single_review_comes_as_an_object_not_a_list(load):
    response = load("appstore/single-entry.json", PAGE1_URL)
    assert appstore.extract(response) == [
        review("11000000009", author="lonely_reviewer", rating=5, title="Only one",
               text="The only review on this storefront.", published_at="2026-10-01T09:00:00Z"),
    ]
    assert appstore.next_page(response) is None


def test_feed_without_entries_is_empty_not_an_error(load):
    response = load("appstore/no-entries.json", PAGE1_URL)
    assert appstore.extract(response) == []
    assert appstore.next_page(response) is None


def test_saved_file_takes_the_app_from_the_feed_links(load):
    items = appstore.extract(load("appstore/page-1.json", "file:///tmp/reviews.json"))
    assert [item["business_url"] for item in items] == [APP] * 3


def test_served_from_localhost_keeps_the_store_links(load):
    url = "http://127.0.0.1:8765/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"
    response = load("appstore/page-1.json", url)
    assert appstore.extract(response) == PAGE1
    assert appstore.next_page(response) == url.replace("page=1", "page=2")


@pytest.mark.parametrize("body", [b'{"error": "not found"}', b"<html><body>Service unavailable</body></html>",
                                  b'{"feed": []}'])
def test_anything_but_a_feed_is_a_layout_error(respond, body):
    with pytest.raises(LayoutError):
        appstore.extract(respond(body, PAGE1_URL))


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

REAL = "app-store/apple-store-app-jp-customerreviews-2015.json"
REAL_URL = "https://itunes.apple.com/jp/rss/customerreviews/id=375380948/sortby=mostrecent/json"
REAL_APP = "https://apps.apple.com/jp/app/id375380948"


def test_real_feed(real, respond):
    response = respond(real(REAL), REAL_URL)
    items = appstore.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert len(reviews) == 50 and len({r["source_id"] for r in reviews}) == 50
    assert reviews[0] == {
        "kind": "review", "source": "appstore", "source_id": "1205430410", "url": f"{REAL_APP}?see-all=reviews",
        "business_url": REAL_APP, "author": "m.aaa...", "rating": 4, "rating_max": 5, "title": "あまり",
        "text": "利便性がわかりずらい", "language": None, "published_at": None, "published_approx": False,
        "updated_at": None, "reply_text": None, "reply_at": None,
    }
    assert all(r["author"] and r["text"] and r["rating"] in (1, 2, 3, 4, 5) for r in reviews)
    assert all(r["published_at"] is None for r in reviews)
    assert items[-1] == {"kind": "business", "source": "appstore", "url": REAL_APP, "name": "Apple Store",
                         "rating": None, "review_count": None}
    assert appstore.next_page(response) == \
        "https://itunes.apple.com/jp/rss/customerreviews/page=2/id=375380948/sortby=mostrecent/json"
