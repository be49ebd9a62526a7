"""RSS/Atom beyond the cases (tests/cases/feed): the id rule, link normalising, edge cases; the real HN and Reddit feeds."""

from __future__ import annotations

import hashlib

import pytest
from scrapy.http import XmlResponse

from helpers import case, real_page
from repscan.core.items import make
from repscan.spiders.pages import feed


def key_hash(key: str) -> str:
    """The id rule: the first 16 hex digits of the SHA-1 of the link's dedupe key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def post(source_id, **fields):
    return make("post", source="feed", source_id=source_id, **fields)


@pytest.mark.parametrize("name", ["google-alerts", "talkwalker", "forum-thread", "paged-1", "paged-2", "rss1"])
def test_case_ids_are_the_hash_of_the_link_s_dedupe_key(name):
    """Our feed cases (tests/cases/feed) hold the ids; this is the rule they follow."""
    for item in case(f"feed/{name}").expected:
        key = feed.dedupe_key(item["url"]) if item["url"] else "tag:harbourlane.example,2025:post-12"
        assert item["source_id"] == key_hash(key), item


def test_the_same_article_in_two_feeds_has_one_id():
    alerts, talkwalker = case("feed/google-alerts").expected, case("feed/talkwalker").expected
    assert alerts[0]["source_id"] == talkwalker[0]["source_id"] == \
        key_hash("dublinnews.example/2025/11/02/harbour-lane-bakery-hygiene?page=2")


@pytest.mark.parametrize("link, expected", [
    ("https://www.google.com/url?rct=j&sa=t&url=https://a.example/x%3Futm_medium%3Demail&ct=ga", "https://a.example/x"),
    ("https://www.google.co.uk/url?q=https://a.example/y&sa=U", "https://a.example/y"),
    ("https://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2fb.example%2fz&c=1", "https://b.example/z"),
    ("HTTPS://Example.COM:443/Path?b=2&utm_source=x&a=1#frag", "https://example.com/Path?b=2&a=1#frag"),
    ("http://example.com:8080", "http://example.com:8080/"),
    ("https://www.google.com/url?url=javascript:alert(1)", "https://www.google.com/url?url=javascript%3Aalert%281%29"),
])
def test_normalise_link(link, expected):
    assert feed.normalise_link(link) == expected


def test_dedupe_key_ignores_scheme_www_and_trailing_slash():
    assert feed.dedupe_key("http://www.a.example/x/") == feed.dedupe_key("https://a.example/x") == "a.example/x"


def test_an_empty_channel_is_no_items():
    body = b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert feed.extract(XmlResponse("https://a.example/feed", body=body)) == []


def test_entity_bombs_are_not_expanded():
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<rss version='2.0'><channel><item><title>&b;</title><link>https://a.example/1</link></item>"
            b"</channel></rss>")
    items = feed.extract(XmlResponse("https://a.example/feed", body=body))
    assert len(items) == 1 and "aaaaaaaaaa" not in (items[0]["title"] or "")


# Real feeds: Hacker News front page RSS (Apr 2022) and r/neovim top Atom (Jan 2025).

def test_real_hacker_news_rss():
    items = feed.extract(XmlResponse("https://news.ycombinator.com/rss", body=real_page("feed", "hacker-news-rss-2022.xml")))
    assert len(items) == 30 and len({i["source_id"] for i in items}) == 30
    assert items[0] == post(
        key_hash("aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-"
                 "single-function-microservices"),
        url="https://aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-"
            "single-function-microservices/",
        title="AWS Lambda Function URLs: Built-In HTTPS Endpoints for Lambda", text="Comments",
        published_at="2022-04-06T21:07:47Z")
    assert all(i["published_at"].startswith("2022-04-0") and i["title"] and i["url"] for i in items)


def test_real_reddit_atom():
    items = feed.extract(XmlResponse("https://www.reddit.com/r/neovim/top/.rss",
                                     body=real_page("feed", "reddit-r-neovim-top-atom-2025.xml")))
    assert len(items) == 23 and len({i["source_id"] for i in items}) == 23
    first = items[0]
    assert (first["url"], first["author"], first["title"], first["published_at"]) == (
        "https://www.reddit.com/r/neovim/comments/1hyradp/monaspacenvim_mix_and_match_monaspace_fonts_in/",
        "/u/jackplus-xyz", "monaspace.nvim: Mix and Match Monaspace Fonts in Neovim", "2025-01-11T08:06:01Z")
    assert first["source_id"] == key_hash(
        "reddit.com/r/neovim/comments/1hyradp/monaspacenvim_mix_and_match_monaspace_fonts_in")
