"""The comments on the client's own Facebook wall, through real crawls over loopback: every page of a post's
comments stored, the complaint's page kept as evidence (locally and through a node's feed), a comment
markup we no longer read an error with its reason."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawl_harness import Expect, Scenario, Serve, Site, crawl
from helpers import ROOT, case, kept_page, write_config
from repscan.app.ingest import ingest_job, read_feed
from repscan.core.config import load
from repscan.core.store import Store
from repscan.core.store.crawls import UNREAD
from repscan.core.store.evidence import PAGE_KEY
from repscan.reports.model import SourceHealth
from repscan.spiders.base import origin
from repscan.spiders.facebook import FacebookSpider

POSTS = "/HarbourLaneBakery/posts/"
POST = "940000000000001"
THREAD = f"{POSTS}{POST}"
OLDER = f"/HarbourLaneBakery/photos/a.120000000000001/{POST}/"
COMPLAINT = f"{POST}_941000000000002"  # the refund complaint, on the second page of comments


def scenario(post_page: str, listed: int) -> Scenario:
    """The posts tab listing the workshop post with `listed` comments, its page, and its older comments."""
    return Scenario(
        "facebook-comments", "facebook", "/HarbourLaneBakery", name="Harbour Lane Bakery",
        serve=[Serve(POSTS, "facebook/posts-page",
                     replace={"900000000000002": POST, "14 comments": f"{listed} comments"}),
               Serve("/page_content_list_view/more/", "facebook/more-payload-last",
                     type="application/x-javascript; charset=utf-8"),
               Serve(THREAD, post_page),
               Serve(OLDER, "facebook/comments-page-2", query={"p": "3"})],
        first=Expect())


def comments(run) -> list[str]:
    return sorted(p["source_id"] for p in run.posts if p["parent_url"])


@pytest.mark.drill
def test_comments_over_two_pages_are_all_stored_with_the_complaint_s_page_as_evidence(tmp_path):
    with Site(scenario("facebook/comments-page-1", 5)) as site:
        run = crawl(tmp_path, site)
        assert run.result.returncode == 0, run.result.stderr[-3000:]
        assert (run.crawl["status"], run.crawl["error"]) == ("ok", None)
        assert comments(run) == [f"{POST}_94100000000000{n}" for n in range(1, 6)]
        assert f"{OLDER}?type=3&p=3" in site.hits
        complaint = next(p for p in run.posts if p["source_id"] == COMPLAINT)
        assert complaint["negative"] == 1 and complaint["parent_url"] == f"{site.url}{THREAD}"
        workshop = next(p for p in run.posts if p["source_id"] == POST)
        assert (workshop["comments_count"], workshop["text"]) == \
            (5, "Sourdough workshop next Sunday: six places left, book at the counter.")
        store = Store(tmp_path / "repscan.db")
        try:
            [row] = store.evidence("acme", "facebook", COMPLAINT)
        finally:
            store.close()
        assert row["url"] == f"{site.url}{OLDER}?type=3&p=3" and row["status"] == 200 and row["sha256"]
        assert hashlib.sha256(kept_page(tmp_path / "repscan.db", row)).hexdigest() == row["sha256"]

        # Again, nothing new: the posts tab (read on to its last "more" page, for yesterday's post is within
        # rules.COMMENT_WINDOW) and the post's newest comments only.
        before = len(site.hits)
        again = crawl(tmp_path, site)
        assert again.result.returncode == 0 and again.crawl["status"] == "ok" and again.crawl["new_items"] == 0
        hits = [hit.split("?")[0] for hit in site.hits[before:] if hit != "/robots.txt"]
        assert sorted(hits) == sorted([POSTS, THREAD, "/page_content_list_view/more/"])


@pytest.mark.drill
def test_renamed_comment_markup_is_a_layout_change_naming_the_post_never_ok(tmp_path):
    with Site(scenario("facebook/comments-renamed", 3)) as site:
        run = crawl(tmp_path, site)
    assert run.crawl["status"] == "broken"
    assert f"the posts tab lists 3 comments under post {POST}, none found at {site.url}{THREAD}" in run.crawl["error"]
    assert run.result.returncode != 0


@pytest.mark.drill
def test_a_node_feed_keeps_the_complaint_s_page_and_ingests_ok_with_copies_required(tmp_path):
    """What a Scrapyd node runs (REPSCAN_STORE=feed), then the dispatcher's ingest, which requires the copies."""
    feed = tmp_path / "job.jl"
    with Site(scenario("facebook/comments-page-1", 5)) as site:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "facebook", "-s", "REPSCAN_STORE=feed",
             "-s", f"FEEDS={json.dumps({feed.resolve().as_uri(): {'format': 'jsonlines'}})}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
             "-s", "REPSCAN_DATABASE=/nonexistent/never-opened.db",
             "-a", "client_id=acme", "-a", f"url={site.url}/HarbourLaneBakery"],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        config = load(write_config(tmp_path, [("facebook", f"{site.url}/HarbourLaneBakery")]))
    [job] = read_feed(feed)
    store = Store(config.database)
    try:
        ingested = ingest_job(store, config, job, feed=str(feed), node="http://127.0.0.1:9/", copies_required=True)
        kept = store.evidence("acme", "facebook", COMPLAINT)
        stored = sorted(p["source_id"] for p in store.query("SELECT * FROM posts WHERE parent_url IS NOT NULL"))
    finally:
        store.close()
    assert (ingested.status, ingested.error) == ("ok", None)
    [row] = kept
    assert stored == [f"{POST}_94100000000000{n}" for n in range(1, 6)]
    assert row["sha256"] and kept_page(config.database, row)


# In process, a real spider on real responses: the comment chain's bound and incremental stop.

def spider(**arguments):
    crawler = get_crawler(FacebookSpider, settings_dict={"REPSCAN_STORE": "feed"})
    fb = FacebookSpider.from_crawler(crawler, client_id="acme", url="https://m.facebook.com/HarbourLaneBakery",
                                     **arguments)
    fb.origins.add(origin(fb.url))  # as start() does for the first page
    return fb


def thread(fb, **context):
    first = case("facebook/comments-page-1")
    return list(fb.parse(first.response(), page_no=1, **{**first.context, **context}))


def test_each_listed_post_with_comments_is_a_chain_of_its_own_read_with_its_listing():
    fb = spider()
    out = list(fb.parse(case("facebook/posts-page").response(), page_no=1))
    [post_page] = [r for r in out if isinstance(r, Request) and r.url.endswith("/posts/900000000000002")]
    assert post_page.callback == fb.parse and post_page.cb_kwargs["page_no"] == 1
    assert post_page.cb_kwargs["listed"]["comments_count"] == 14 and PAGE_KEY not in post_page.cb_kwargs["listed"]
    assert fb.health.chains == 1  # the posts tab's own chain is counted by start()
    items = [item for item in thread(fb) if isinstance(item, dict)]
    assert len(items) == 4 and all(PAGE_KEY in item for item in items)  # the evidence copy travels on


def test_comment_pages_stop_at_max_pages_and_at_a_page_with_nothing_new():
    assert [r.url for r in thread(spider(max_pages=2)) if isinstance(r, Request)] == \
        [f"https://m.facebook.com/HarbourLaneBakery/photos/a.120000000000001/{POST}/?type=3&p=3"]
    capped = spider(max_pages=1)
    assert not [r for r in thread(capped) if isinstance(r, Request)]
    assert capped.health.stopped_early == "max_pages (1) reached"
    known = spider(known_ids=[POST, *(f"{POST}_94100000000000{n}" for n in (3, 4, 5))])
    assert not [r for r in thread(known) if isinstance(r, Request)]
    assert known.health.stopped_early == "page 1 held nothing new"


VIDEO_PLAYER = b'<meta property="og:type" content="video.other" /><div data-sigil="inlineVideo"></div>'


def video_page(url: str):
    """A listed post's page as a video shows it: a player, and no comment blocks (its comments drawn by script)."""
    first = case("facebook/comments-page-1").response()
    return first.replace(url=url, body=b"<html><head>" + VIDEO_PLAYER + b"</head><body></body></html>")


@pytest.mark.parametrize("path", ["/HarbourLaneBakery/videos/940000000000001/", "/watch/?v=940000000000001",
                                  "/reel/940000000000001/"])
def test_a_video_post_s_comments_are_named_not_read_and_the_crawl_stays_ok(path):
    """A listed post that opens as a video page (its comments drawn by script), at any of a video's addresses:
    nothing from it, the crawl ok but not complete, its error text saying what was not read; the report's sources
    table says so."""
    fb = spider()
    video = video_page(f"https://m.facebook.com{path}")
    assert list(fb.parse(video, page_no=1, **case("facebook/comments-page-1").context)) == []
    assert fb.health.status(items=3) == "ok" and not fb.health.complete and not fb.health.broken
    error = fb.health.error_text()
    assert error.startswith(f"{UNREAD}facebook: {video.url} is a video page") and \
        "comments are drawn by script" in error
    health = SourceHealth("facebook", "https://m.facebook.com/HarbourLaneBakery", "ok",
                          datetime(2026, 12, 4, 9, tzinfo=timezone.utc), 3, error)
    assert health.healthy and health.partly and health.state("UTC") == \
        "OK, read 4 Dec; not read: comments the site shows only by script (under videos)"


def test_a_video_address_whose_page_shows_comments_is_read_like_any_post_page():
    fb = spider()
    first = case("facebook/comments-page-1")
    video = first.response().replace(url="https://m.facebook.com/HarbourLaneBakery/videos/940000000000001/")
    items = [item for item in fb.parse(video, page_no=1, **first.context) if isinstance(item, dict)]
    assert len([item for item in items if item["parent_url"]]) == 3 and not fb.health.unread


# Past the incremental stop: a recrawl where every post on the tab's first page is known.

WINDOW_NOW = "2025-11-08T12:00:00Z"  # the posts-page case's "now": its posts are 5 days old and yesterday's
FIVE_DAYS = 1762171200  # 2025-11-03T12:00:00Z
TWENTY_DAYS = 1760875200  # 2025-10-19T12:00:00Z


def older_posts(published: int):
    """The tab's second page: the workshop post (5 comments, published at `published`) and an older post."""
    page = case("facebook/posts-page").response()
    body = page.body.replace(b"900000000000002", POST.encode()).replace(b"14 comments", b"5 comments") \
        .replace(b"1762189500", str(published).encode()).replace(b"900000000000001", b"930000000000001") \
        .replace(b"Yesterday at 16:20", b"12 October at 16:20")
    return body


def recrawl(published: int):
    """Page one of the posts tab, all of it stored; what it asks for; and what the second page then asks for."""
    page = case("facebook/posts-page")
    fb = spider(now=WINDOW_NOW, known_ids=["900000000000002", "900000000000001", POST, "930000000000001",
                                           *(f"{POST}_94100000000000{n}" for n in (3, 4))])
    first = [r for r in fb.parse(page.response(), page_no=1) if isinstance(r, Request)]
    [more] = [r for r in first if "page_content_list_view/more" in r.url]
    second = page.response().replace(url=more.url, body=older_posts(published), request=more)
    return fb, first, [r for r in fb.parse(second, **more.cb_kwargs) if isinstance(r, Request)]


def test_a_new_comment_under_a_recent_post_on_the_tab_s_second_page_is_read():
    fb, first, second = recrawl(FIVE_DAYS)
    assert fb.health.stopped_early is None
    [thread_request] = [r for r in second if r.url.endswith(f"/posts/{POST}")]
    assert thread_request.cb_kwargs["listed"]["comments_count"] == 5
    post_page = case("facebook/comments-page-1").response().replace(request=thread_request)
    read = [item for item in fb.parse(post_page, **thread_request.cb_kwargs) if isinstance(item, dict)]
    assert [item["source_id"] for item in read if item["source_id"] not in fb.known_ids] == [f"{POST}_941000000000005"]
    assert all(item["parent_url"] == f"https://m.facebook.com{THREAD}" for item in read[1:])


def test_a_post_older_than_the_comment_window_is_not_followed_nor_the_tab_past_it():
    fb, first, second = recrawl(TWENTY_DAYS)
    assert [r.url for r in first if "page_content_list_view/more" in r.url]  # page one still held a recent post
    assert second == [] and fb.health.stopped_early == "page 2 held nothing new"


def test_without_a_recent_post_the_tab_stops_at_its_first_page_of_known_posts():
    fb = spider(now="2025-12-08T12:00:00Z", known_ids=["900000000000002", "900000000000001"])
    page = case("facebook/posts-page").response()
    page = page.replace(body=page.body.replace(b"Yesterday at 16:20", b"7 November at 16:20"))
    requests = [r for r in fb.parse(page, page_no=1) if isinstance(r, Request)]
    assert [r.url for r in requests] == ["https://m.facebook.com/HarbourLaneBakery/posts/900000000000002"]
    assert fb.health.stopped_early == "page 1 held nothing new"
