"""Reddit beyond its cases (tests/cases/reddit): feed paging, start URLs, the token; the real cassette and feed."""

from __future__ import annotations

import base64
import json

import pytest
from scrapy.http import TextResponse, XmlResponse

from helpers import FIXTURES, case, real_page
from repscan.core.items import make
from repscan.spiders.pages import LayoutError, MissingCredentials, reddit

API = "https://oauth.reddit.com/search?q=%22Harbour+Lane+Bakery%22&sort=new&limit=100&raw_json=1"
R = "https://www.reddit.com/r"


def post(source_id, **fields):
    return make("post", source="reddit", source_id=source_id, **fields)


FEED_URL = "https://www.reddit.com/search.rss?q=%22Harbour+Lane+Bakery%22&sort=new"


def test_a_full_feed_page_continues_after_its_last_entry():
    url = f"{FEED_URL}&limit=3"
    response = case("reddit/search-feed").response(url)
    assert reddit.next_page(response) == f"{url}&after=t1_m0001"


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


def test_access_token_is_read_or_refused(respond):
    token = TextResponse(reddit.TOKEN_URL, body=(FIXTURES / "reddit" / "token.json").read_bytes(), encoding="utf-8")
    assert reddit.access_token(token) == "test-token-abc123"
    with pytest.raises(LayoutError, match="invalid_grant"):
        reddit.access_token(respond('{"error": "invalid_grant"}', reddit.TOKEN_URL))


# Real: an asyncpraw cassette (Jul 2020, r/all search, 31 posts) and r/neovim's top Atom feed (Jan 2025).

def test_real_api_search_listing():
    cassette = json.loads(real_page("reddit", "search-praw-oauth-search-cassette-2020.json"))
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


def test_real_atom_feed():
    body = real_page("reddit", "reddit-r-neovim-top-atom-2025.xml")
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


def test_a_thread_keeps_its_shape():
    """Each comment's parent_url is the url of what it answers, so the tree can be rebuilt from the items."""
    thread = case("reddit/nested-replies")
    items = thread.extract(thread.response())
    by_url = {item["url"]: item["source_id"] for item in items}
    tree = {item["source_id"]: by_url.get(item["parent_url"]) for item in items if item["parent_url"]}
    assert tree == {"t1_n0001": "t3_1hlb0x9", "t1_n0002": "t1_n0001", "t1_n0003": "t1_n0002",
                    "t1_n0004": "t3_1hlb0x9", "t1_n0005": "t1_n0004"}


@pytest.mark.parametrize("parent_id, parent", [
    ("t1_k0007", f"{R}/dublin/comments/1hlb0x9/cake_order/k0007/"),
    ("t3_1hlb0x9", f"{R}/dublin/comments/1hlb0x9/cake_order/"),
    (None, f"{R}/dublin/comments/1hlb0x9/cake_order/"),
])
def test_a_comment_found_alone_points_at_its_parent(parent_id, parent):
    """A comment in a search or user listing comes without its thread: parent_id still says what it answers."""
    comment = {"id": "k0008", "name": "t1_k0008", "parent_id": parent_id, "body": "Made-up reply.",
               "link_permalink": f"{R}/dublin/comments/1hlb0x9/cake_order/",
               "permalink": "/r/dublin/comments/1hlb0x9/cake_order/k0008/", "created_utc": 1762300000}
    body = {"kind": "Listing", "data": {"after": None, "children": [{"kind": "t1", "data": comment}]}}
    [item] = reddit.extract(TextResponse(API, body=json.dumps(body).encode(), encoding="utf-8"))
    assert item["parent_url"] == parent
