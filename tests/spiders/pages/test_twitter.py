"""X (Twitter) API v2 recent search: every field on our pages, default fields, errors; the real 2022 cassette."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from repscan.spiders.pages import LayoutError, MissingCredentials, twitter
from repscan.spiders.pages.common.dates import snowflake_time

API = "https://api.twitter.com/2/tweets/search/recent"
FIELDS = ("tweet.fields=created_at%2Cauthor_id%2Cpublic_metrics%2Cconversation_id%2Creferenced_tweets"
          "&expansions=author_id"
          "&user.fields=username&max_results=100")
SEARCH = f"{API}?query=%22Harbour+Lane+Bakery%22+OR+%40HarbourLaneBakery&{FIELDS}"
IDS = ["1984915907670978617", "1984893237457858617", "1984746017387458617", "1984164686853058617"]


def json_response(load, name, url):
    return TextResponse(url, body=load(f"twitter/{name}", url).body, encoding="utf-8")


def post(source_id, **fields):
    item = {"kind": "post", "source": "twitter", "source_id": source_id, "url": None, "parent_url": None,
            "author": None, "title": None, "text": None, "published_at": None, "score": None, "comments_count": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def test_page_every_field_reply_parent_and_unknown_author(load):
    response = json_response(load, "search-page-1.json", SEARCH)
    assert twitter.extract(response) == [
        post(IDS[0], url=f"https://x.com/sinead_bakes/status/{IDS[0]}", author="sinead_bakes",
             text="Queue out the door at @HarbourLaneBakery this morning 🥐 worth it for the cinnamon knots",
             published_at="2025-11-02T09:30:05Z", score=14, comments_count=1),
        post(IDS[1], url=f"https://x.com/cormac_d/status/{IDS[1]}",
             parent_url="https://x.com/i/web/status/1984890000000000000", author="cormac_d",
             text="@dublin_eats @HarbourLaneBakery mine was stale yesterday tbh & no receipt",
             published_at="2025-11-02T08:00:00Z", score=0, comments_count=0),
        post(IDS[2], url=f"https://x.com/i/web/status/{IDS[2]}", text="Harbour Lane Bakery hiring again?",
             published_at="2025-11-01T22:15:00Z"),
    ]
    assert twitter.next_page(response) == f"{SEARCH}&next_token=b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy0example"


def test_last_page_has_no_next_token(load):
    url = f"{SEARCH}&next_token=b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy0example"
    response = json_response(load, "search-page-2.json", url)
    assert twitter.extract(response) == [
        post(IDS[3], url=f"https://x.com/sinead_bakes/status/{IDS[3]}", author="sinead_bakes",
             text="Harbour Lane Bakery's Halloween cookies are back", published_at="2025-10-31T07:45:00Z",
             score=40, comments_count=3),
    ]
    assert twitter.next_page(response) is None


def test_without_referenced_tweets_a_reply_points_at_its_conversation(load):
    response = json_response(load, "search-page-1.json", SEARCH)
    body = response.text.replace('"referenced_tweets"', '"ignored"')
    reply = twitter.extract(TextResponse(SEARCH, body=body.encode(), encoding="utf-8"))[1]
    assert reply["parent_url"] == "https://x.com/i/web/status/1984712043525058617"


def test_default_fields_take_the_time_from_the_tweet_id(load):
    assert twitter.extract(json_response(load, "default-fields.json", f"{API}?query=harbour")) == [
        post(IDS[0], url=f"https://x.com/i/web/status/{IDS[0]}", text="harbour lane bakery again today",
             published_at="2025-11-02T09:30:05Z"),
    ]


def test_no_results_is_empty(load):
    response = json_response(load, "no-results.json", SEARCH)
    assert twitter.extract(response) == [] and twitter.next_page(response) is None


def test_api_error_is_a_layout_error_naming_it(load):
    with pytest.raises(LayoutError, match="Unauthorized"):
        twitter.extract(json_response(load, "error-unauthorized.json", SEARCH))


@pytest.mark.parametrize("tweet_id, expected", [
    ("1578522108187283456", "2022-10-07T23:06:12Z"), (20, None), ("not-a-number", None), (None, None),
])
def test_snowflake_time(tweet_id, expected):
    assert snowflake_time(tweet_id) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://x.com/search?q=%22Harbour%20Lane%20Bakery%22&src=typed_query&f=live",
     f"{API}?query=%22Harbour+Lane+Bakery%22&{FIELDS}"),
    ("https://twitter.com/search?q=harbourlane", f"{API}?query=harbourlane&{FIELDS}"),
    (f"{API}?query=harbour&max_results=10&next_token=abc",
     f"{API}?query=harbour&max_results=10&" + FIELDS.rsplit("&", 1)[0]),
    ("http://127.0.0.1:8765/2/tweets/search/recent?query=harbour",
     f"http://127.0.0.1:8765/2/tweets/search/recent?query=harbour&{FIELDS}"),
])
def test_start_url(url, expected):
    assert twitter.start_url(url) == expected


@pytest.mark.parametrize("url", ["https://x.com/HarbourLaneBakery", f"{API}?max_results=10"])
def test_start_url_needs_a_query(url):
    with pytest.raises(ValueError):
        twitter.start_url(url)


def test_bearer_token_from_the_environment_only():
    assert twitter.request_headers({"REPSCAN_X_BEARER_TOKEN": "AAAAtoken"}) == {"Authorization": "Bearer AAAAtoken"}
    with pytest.raises(MissingCredentials, match="REPSCAN_X_BEARER_TOKEN"):
        twitter.request_headers({"REPSCAN_X_BEARER_TOKEN": " "})


# Real: Tweepy's cassette of a recent search for "Tweepy" (7 Oct 2022, default fields only).

def test_real_recent_search(real):
    yaml = pytest.importorskip("yaml")
    interaction = yaml.safe_load(real("twitter/v2-search-recent-tweepy-vcr-2022.yaml"))["interactions"][0]
    url = interaction["request"]["uri"]
    response = TextResponse(url, body=interaction["response"]["body"]["string"].encode(), encoding="utf-8")
    items = twitter.extract(response)
    assert len(items) == 10 and len({i["source_id"] for i in items}) == 10
    assert items[1] == post("1578522108187283456", url="https://x.com/i/web/status/1578522108187283456",
                            text="2022-10-07 23:06:12.640564 tweepy", published_at="2022-10-07T23:06:12Z")
    # Each of the bot's tweets states when it was sent; the id says the same, to the second.
    for item in items:
        if item["text"].endswith(" tweepy"):
            assert item["published_at"] == item["text"][:19].replace(" ", "T") + "Z"
    assert twitter.next_page(response) == f"{url}&next_token=b26v89c19zqg8o3fpzbn1e0frlukytxrp1o8pel01jb7h"
