"""Reddit: Listing JSON (search pages, a thread) and the Atom search feed, every field; the real cassette and feed."""

from __future__ import annotations

import base64
import json

import pytest
from scrapy.http import TextResponse, XmlResponse

from repscan.spiders.pages import LayoutError, MissingCredentials, reddit

API = "https://oauth.reddit.com/search?q=%22Harbour+Lane+Bakery%22&sort=new&limit=100&raw_json=1"
R = "https://www.reddit.com/r"
THREAD = f"{R}/ireland/comments/1abc003/harbour_lane_bakery_charged_me_twice/"


def post(source_id, **fields):
    item = {"kind": "post", "source": "reddit", "source_id": source_id, "url": None, "parent_url": None,
            "author": None, "title": None, "text": None, "published_at": None, "score": None, "comments_count": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


PAGE1 = [
    post("t3_1abc003", url=THREAD, author="loafer_dub", title="Harbour Lane Bakery charged me twice",
         text="Ordered through the app on Friday and saw two charges.\n\nAnyone else? Their support line rings out.",
         published_at="2025-11-01T12:00:00Z", score=42, comments_count=17),
    post("t3_1abc002", url=f"{R}/dublin/comments/1abc002/new_bakery_on_harbour_lane_worth_it/",
         author="cyclist_ana", title="New bakery on Harbour Lane — worth it?", published_at="2025-10-31T12:00:00Z",
         score=8, comments_count=5),
    post("t3_1abc001", url=f"{R}/Cooking/comments/1abc001/copycat_cinnamon_knots_harbour_lane_styl/",
         title="Copycat cinnamon knots (Harbour Lane style)", published_at="2025-10-30T12:00:00Z", score=130,
         comments_count=44),
]


def json_response(load, name, url):
    return TextResponse(url, body=load(name, url).body, encoding="utf-8")


def test_search_page_every_field_deleted_author_and_text_are_none(load):
    assert reddit.extract(json_response(load, "reddit/search-page-1.json", API)) == PAGE1


def test_search_pages_follow_after_until_it_is_null(load):
    assert reddit.next_page(json_response(load, "reddit/search-page-1.json", API)) == f"{API}&after=t3_1abc001"
    page2_url = f"{API}&after=t3_1abc001"
    response = json_response(load, "reddit/search-page-2.json", page2_url)
    assert reddit.extract(response) == [
        post("t3_1abb999", url=f"{R}/ireland/comments/1abb999/best_sourdough_in_the_city/", author="oatmilk_owen",
             title="Best sourdough in the city?", text="Harbour Lane Bakery gets my vote, the crust is unreal.",
             published_at="2025-10-29T12:00:00Z", score=15, comments_count=9),
    ]
    assert reddit.next_page(response) is None


def test_comment_thread_gives_the_post_then_nested_comments_with_parent(load):
    url = "https://oauth.reddit.com/r/ireland/comments/1abc003?raw_json=1"
    assert reddit.extract(json_response(load, "reddit/comments-thread.json", url)) == [
        post("t3_1abc003", url=THREAD, author="loafer_dub", title="Harbour Lane Bakery charged me twice",
             text="Ordered through the app on Friday and saw two charges.", published_at="2025-11-01T12:00:00Z",
             score=42, comments_count=2),
        post("t1_m0001", url=f"{THREAD}m0001/", parent_url=THREAD, author="sourdough_sue",
             text="Same happened to me last month, refund took a week.", published_at="2025-11-01T12:30:00Z",
             score=11),
        post("t1_m0002", url=f"{THREAD}m0002/", parent_url=THREAD, author="HarbourLaneBakery",
             text="Sorry about that! DM us your order number and we'll refund the duplicate today.",
             published_at="2025-11-01T13:00:00Z", score=25),
    ]


FEED_URL = "https://www.reddit.com/search.rss?q=%22Harbour+Lane+Bakery%22&sort=new"


def test_atom_search_feed_every_field(load):
    response = XmlResponse(FEED_URL, body=load("reddit/search-feed.atom.xml", FEED_URL).body)
    assert reddit.extract(response) == [
        post("t3_1abc003", url=THREAD, author="loafer_dub", title="Harbour Lane Bakery charged me twice",
             text="Ordered through the app on Friday and saw two charges.\nAnyone else? Their support line rings out.",
             published_at="2025-11-01T12:00:00Z"),
        post("t3_1abc002", url=f"{R}/dublin/comments/1abc002/new_bakery_on_harbour_lane_worth_it/",
             author="cyclist_ana", title="New bakery on Harbour Lane — worth it?",
             published_at="2025-10-31T12:00:00Z"),
        post("t1_m0001", url=f"{THREAD}m0001/", parent_url=THREAD, author="sourdough_sue",
             text="Same happened to me at Harbour Lane Bakery last month, refund took a week.",
             published_at="2025-11-01T22:30:00Z"),
    ]
    assert reddit.next_page(response) is None  # 3 entries: fewer than a full page of 25


def test_a_full_feed_page_continues_after_its_last_entry(load):
    url = f"{FEED_URL}&limit=3"
    response = XmlResponse(url, body=load("reddit/search-feed.atom.xml", url).body)
    assert reddit.next_page(response) == f"{url}&after=t1_m0001"


@pytest.mark.parametrize("body", ['{"kind": "t2", "data": {}}', '{"message": "Forbidden", "error": 403}',
                                  "<html><body>blocked</body></html>"])
def test_bodies_without_a_listing_or_feed_are_layout_errors(respond, body):
    with pytest.raises(LayoutError):
        reddit.extract(respond(body, API))


@pytest.mark.parametrize("url, expected", [
    ("https://www.reddit.com/search/?q=%22Harbour+Lane+Bakery%22", API),
    ("https://www.reddit.com/r/ireland/search.json?q=harbour&restrict_sr=on",
     "https://oauth.reddit.com/r/ireland/search?q=harbour&restrict_sr=on&sort=new&limit=100&raw_json=1"),
    ("https://oauth.reddit.com/search?q=x&sort=relevance",
     "https://oauth.reddit.com/search?q=x&sort=relevance&limit=100&raw_json=1"),
    (FEED_URL.replace("&sort=new", ""), FEED_URL),
    ("http://127.0.0.1:8765/search?q=harbour", "http://127.0.0.1:8765/search?q=harbour&sort=new&limit=100&raw_json=1"),
])
def test_start_url(url, expected):
    assert reddit.start_url(url) == expected


def test_token_url_is_reddit_s_or_the_configured_server_s():
    assert reddit.token_url(API) == "https://www.reddit.com/api/v1/access_token"
    assert reddit.token_url("http://127.0.0.1:8765/search?q=x") == "http://127.0.0.1:8765/api/v1/access_token"


def test_token_request_uses_basic_auth_from_the_environment():
    headers, form = reddit.token_request({"REPSCAN_REDDIT_CLIENT_ID": "abc", "REPSCAN_REDDIT_CLIENT_SECRET": "s3cr3t"})
    assert headers == {"Authorization": "Basic " + base64.b64encode(b"abc:s3cr3t").decode()}
    assert form == {"grant_type": "client_credentials"}


def test_missing_credentials_name_the_variables():
    with pytest.raises(MissingCredentials, match="REPSCAN_REDDIT_CLIENT_ID and REPSCAN_REDDIT_CLIENT_SECRET"):
        reddit.token_request({})
    with pytest.raises(MissingCredentials, match="^REPSCAN_REDDIT_CLIENT_SECRET "):
        reddit.token_request({"REPSCAN_REDDIT_CLIENT_ID": "abc"})


def test_access_token_is_read_or_refused(load, respond):
    assert reddit.access_token(json_response(load, "reddit/token.json", reddit.TOKEN_URL)) == "test-token-abc123"
    with pytest.raises(LayoutError, match="invalid_grant"):
        reddit.access_token(respond('{"error": "invalid_grant"}', reddit.TOKEN_URL))


# Real: an asyncpraw cassette (Jul 2020, r/all search, 31 posts) and r/neovim's top Atom feed (Jan 2025).

def test_real_api_search_listing(real):
    cassette = json.loads(real("reddit/search-praw-oauth-search-cassette-2020.json"))
    token, search = cassette["interactions"]
    assert token["request"]["uri"] == "https://www.reddit.com/api/v1/access_token"
    assert reddit.access_token(TextResponse(token["request"]["uri"], body=token["response"]["body"]["string"].encode(),
                                            encoding="utf-8")) == "<ACCESS_TOKEN>"
    response = TextResponse(search["request"]["uri"], body=search["response"]["body"]["string"].encode(),
                            encoding="utf-8")
    items = reddit.extract(response)
    assert len(items) == 31 and len({i["source_id"] for i in items}) == 31
    assert all(i["source_id"].startswith("t3_") and i["url"].startswith(f"{R}/") and i["published_at"] for i in items)
    assert items[0] == post(
        "t3_6ganxe", url=f"{R}/learnpython/comments/6ganxe/how_to_check_if_a_username_is_available_on_reddit/",
        author="cheesycow5", title="How to check if a username is available on Reddit?",
        text=items[0]["text"], published_at="2017-06-09T19:29:16Z", score=3, comments_count=24)
    assert items[0]["text"].startswith("I need to check the availability of a username on Reddit.")
    assert reddit.next_page(response) is None


def test_real_atom_feed(real):
    body = real("rss/reddit-r-neovim-top-atom-2025.xml")
    response = XmlResponse("https://www.reddit.com/r/neovim/top/.rss", body=body)
    items = reddit.extract(response)
    assert len(items) == 23 and all(i["source_id"].startswith("t3_") for i in items)
    assert items[0] == post(
        "t3_1hyradp", url=f"{R}/neovim/comments/1hyradp/monaspacenvim_mix_and_match_monaspace_fonts_in/",
        author="jackplus-xyz", title="monaspace.nvim: Mix and Match Monaspace Fonts in Neovim",
        published_at="2025-01-11T08:06:01Z")
    assert items[1]["text"].startswith("Working on https://github.com/neo451/feed.nvim for the past five months")
    assert "submitted by" not in items[1]["text"]
    assert reddit.next_page(response) is None
