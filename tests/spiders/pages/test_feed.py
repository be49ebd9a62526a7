"""RSS/Atom: every field on our Alerts, Talkwalker, forum, paged Atom and RSS 1.0 feeds; the real HN and Reddit feeds."""

from __future__ import annotations

import hashlib

import pytest
from scrapy.http import XmlResponse

from repscan.spiders.pages import LayoutError, feed


def key_hash(key: str) -> str:
    """The id rule: the first 16 hex digits of the SHA-1 of the link's dedupe key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def post(source_id, **fields):
    item = {"kind": "post", "source": "feed", "source_id": source_id, "url": None, "parent_url": None,
            "author": None, "title": None, "text": None, "published_at": None, "score": None, "comments_count": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def xml(load, name, url):
    return XmlResponse(url, body=load(f"feed/{name}", url).body)


ARTICLE = "https://www.dublinnews.example/2025/11/02/harbour-lane-bakery-hygiene?page=2"
ARTICLE_ID = key_hash("dublinnews.example/2025/11/02/harbour-lane-bakery-hygiene?page=2")


def test_google_alerts_links_unwrapped_and_untracked_titles_without_markup(load):
    url = "https://www.google.com/alerts/feeds/01234567890123456789/9876543210987654321"
    assert feed.extract(xml(load, "google-alerts.atom.xml", url)) == [
        post(ARTICLE_ID, url=ARTICLE, title="Harbour Lane Bakery fined after hygiene inspection",
             text="Inspectors found Harbour Lane Bakery kept cream cakes above 8 °C. "
                  "The owner said \"it won't happen again\" ...",
             published_at="2025-11-02T08:00:00Z"),
        post(key_hash("foodblog.example/best-bakeries"), url="https://foodblog.example/best-bakeries/",
             title="Ten bakeries worth the queue: Harbour Lane, Crumb & Co ...",
             text="... the cinnamon knots at Harbour Lane Bakery sell out by nine ...",
             published_at="2025-11-01T17:30:00Z"),
    ]


def test_talkwalker_rss_same_article_same_id_and_a_permalink_guid(load):
    items = feed.extract(xml(load, "talkwalker.rss.xml", "https://alerts.talkwalker.example/alerts/rss/ABCDEF"))
    assert items == [
        post(ARTICLE_ID, url=ARTICLE, author="Dublin News Desk",
             title="Harbour Lane Bakery fined after hygiene inspection",
             text="Inspectors found Harbour Lane Bakery kept cream cakes too warm.\nRead more on dublinnews.example",
             published_at="2025-11-02T08:05:00Z"),
        post(key_hash("blog.example/2025/10/harbour-lane-review"),
             url="https://blog.example/2025/10/harbour-lane-review",
             author="Maria Costa", title="Harbour Lane Bakery review: worth the queue?",
             text="Short answer: yes, if you like rye. Long answer below.", published_at="2025-10-30T18:00:00Z"),
    ]


def test_forum_thread_replies_point_at_their_thread(load):
    thread = "https://forum.example/t/harbour-lane-bakery-any-good/4411"
    assert feed.extract(xml(load, "forum-thread.rss.xml", f"{thread}.rss")) == [
        post(key_hash("forum.example/t/harbour-lane-bakery-any-good/4411"), url=thread, author="Liam",
             title="Harbour Lane Bakery - any good?",
             text="Thinking of ordering a birthday cake there.\nAnyone tried them?",
             published_at="2025-10-27T10:00:00Z", comments_count=2),
        post(key_hash("forum.example/t/harbour-lane-bakery-any-good/4411#post-2"), url=f"{thread}#post-2",
             parent_url=thread, author="Grainne", title="Re: Harbour Lane Bakery - any good?",
             text="Cake was lovely but it arrived an hour late & nobody answered the phone.",
             published_at="2025-10-27T11:15:00Z"),
    ]


SITE = "https://harbourlane.example"


def test_paged_atom_relative_links_xhtml_and_reply_threading(load):
    response = xml(load, "paged-1.atom.xml", f"{SITE}/comments/feed.atom")
    assert feed.extract(response) == [
        post(key_hash("harbourlane.example/blog/autumn-menu#comment-31"), url=f"{SITE}/blog/autumn-menu/#comment-31",
             parent_url=f"{SITE}/blog/autumn-menu/", author="Pádraig", title="Comment on Autumn menu by Pádraig",
             text="The pumpkin loaf was dry this week.\nLast week's was perfect.", published_at="2025-11-02T10:45:00Z"),
        post(key_hash("harbourlane.example/blog/autumn-menu"), url=f"{SITE}/blog/autumn-menu/",
             author="Harbour Lane Bakery", title="Autumn menu", text="Pumpkin loaf & spiced buns are back.",
             published_at="2025-10-25T09:00:00Z", comments_count=1),
    ]
    assert feed.next_page(response) == f"{SITE}/comments/feed.atom?page=2"


def test_last_atom_page_entry_without_link_is_keyed_by_its_id(load):
    response = xml(load, "paged-2.atom.xml", f"{SITE}/comments/feed.atom?page=2")
    assert feed.extract(response) == [
        post(key_hash("tag:harbourlane.example,2025:post-12"), author="Harbour Lane Bakery",
             title="Summer closing hours", text="We close at 3pm in July & August.\nSee you early!",
             published_at="2025-07-01T08:00:00Z"),
    ]
    assert feed.next_page(response) is None


def test_rss_1_0(load):
    assert feed.extract(xml(load, "rss1.rdf", "https://news.example/rss")) == [
        post(key_hash("news.example/harbour-lane-expands"), url="https://news.example/harbour-lane-expands",
             author="Aisling Byrne", title="Harbour Lane Bakery opens second shop",
             text="The bakery opens on Quay Street next month.", published_at="2025-10-15T07:30:00Z"),
    ]


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


@pytest.mark.parametrize("body", [b"<html><body><p>Not a feed</p></body></html>", b"", b'{"items": []}',
                                  b"<?xml version='1.0'?><rss version='2.0'></rss>"])
def test_non_feeds_are_layout_errors(body):
    with pytest.raises(LayoutError):
        feed.extract(XmlResponse("https://a.example/feed", body=body))


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

def test_real_hacker_news_rss(real):
    items = feed.extract(XmlResponse("https://news.ycombinator.com/rss", body=real("rss/hacker-news-rss-2022.xml")))
    assert len(items) == 30 and len({i["source_id"] for i in items}) == 30
    assert items[0] == post(
        key_hash("aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-"
                 "single-function-microservices"),
        url="https://aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-"
            "single-function-microservices/",
        title="AWS Lambda Function URLs: Built-In HTTPS Endpoints for Lambda", text="Comments",
        published_at="2022-04-06T21:07:47Z")
    assert all(i["published_at"].startswith("2022-04-0") and i["title"] and i["url"] for i in items)


def test_real_reddit_atom(real):
    items = feed.extract(XmlResponse("https://www.reddit.com/r/neovim/top/.rss",
                                     body=real("rss/reddit-r-neovim-top-atom-2025.xml")))
    assert len(items) == 23 and len({i["source_id"] for i in items}) == 23
    first = items[0]
    assert (first["url"], first["author"], first["title"], first["published_at"]) == (
        "https://www.reddit.com/r/neovim/comments/1hyradp/monaspacenvim_mix_and_match_monaspace_fonts_in/",
        "/u/jackplus-xyz", "monaspace.nvim: Mix and Match Monaspace Fonts in Neovim", "2025-01-11T08:06:01Z")
    assert first["source_id"] == key_hash(
        "reddit.com/r/neovim/comments/1hyradp/monaspacenvim_mix_and_match_monaspace_fonts_in")
