"""Facebook beyond its cases (tests/cases/facebook): the clock, redirects, other hosts, start URLs, relative
times and counts; the real 2021 cassette."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone

import pytest

from helpers import case, real_page
from repscan.spiders.pages import LayoutError, NotReadable, facebook
from repscan.spiders.pages.common.dates import social_time
from repscan.spiders.pages.common.values import abbreviated_count

M = "https://m.facebook.com"
PAGE = f"{M}/HarbourLaneBakery"
NOW = datetime(2025, 11, 8, 12, 0, tzinfo=timezone.utc)  # a Saturday


def test_without_now_relative_dates_are_read_against_the_current_time():
    before = datetime.now(timezone.utc)
    items = facebook.extract(case("facebook/posts-page").response())
    after = datetime.now(timezone.utc)
    assert items[0]["published_at"] == "2025-11-03T17:05:00Z"
    yesterdays = {f"{(moment - timedelta(days=1)).date()}T16:20:00Z" for moment in (before, after)}
    assert items[1]["published_at"] in yesterdays


def test_post_page_reached_by_redirect_keeps_the_canonical_post_url():
    response = case("facebook/post-page").response(f"{M}/story.php?story_fbid=900000000000002&id=100200300400500")
    items = facebook.extract(response, now=NOW)
    assert {item["parent_url"] for item in items[1:]} == {f"{PAGE}/posts/900000000000002"}
    assert items[0]["url"] == f"{PAGE}/posts/900000000000002"


def test_served_from_localhost():
    response = case("facebook/posts-page").response("http://127.0.0.1:8765/HarbourLaneBakery/posts/")
    assert facebook.extract(response, now=NOW)[0]["url"] == \
        "http://127.0.0.1:8765/HarbourLaneBakery/posts/900000000000002"
    assert facebook.next_page(response).startswith("http://127.0.0.1:8765/page_content_list_view/more/?")


@pytest.mark.parametrize("url, expected", [
    ("https://www.facebook.com/HarbourLaneBakery", f"{PAGE}/posts/"),
    ("https://facebook.com/HarbourLaneBakery/reviews/?ref=page", f"{PAGE}/posts/"),
    ("https://www.facebook.com/pg/HarbourLaneBakery/posts/", f"{PAGE}/posts/"),
    ("https://www.facebook.com/profile.php?id=100200300400500", f"{M}/profile.php?id=100200300400500&v=timeline"),
    ("http://127.0.0.1:8765/HarbourLaneBakery", "http://127.0.0.1:8765/HarbourLaneBakery/posts/"),
])
def test_start_url_is_the_mobile_posts_tab(url, expected):
    assert facebook.start_url(url) == expected


@pytest.mark.parametrize("shown, expected", [
    ("4 June at 17:33", "2025-06-04T17:33:00Z"),
    ("4 June 2024 at 17:33", "2024-06-04T17:33:00Z"),
    ("June 4, 2024 at 5:33 PM", "2024-06-04T17:33:00Z"),
    ("June 4 at 12:05 AM", "2025-06-04T00:05:00Z"),
    ("3 Nov at 17:05", "2025-11-03T17:05:00Z"),
    ("9 December at 10:00", "2024-12-09T10:00:00Z"),  # no year and still ahead: last year's
    ("Yesterday at 16:20", "2025-11-07T16:20:00Z"),
    ("Today at 08:00", "2025-11-08T08:00:00Z"),
    ("2 hrs", "2025-11-08T10:00:00Z"),
    ("1 h", "2025-11-08T11:00:00Z"),
    ("5 mins", "2025-11-08T11:55:00Z"),
    ("an hour ago", "2025-11-08T11:00:00Z"),
    ("3 d", "2025-11-05T12:00:00Z"),
    ("2w", "2025-10-25T12:00:00Z"),
    ("Just now", "2025-11-08T12:00:00Z"),
    ("on Thu", "2025-11-06T00:00:00Z"),
    ("last Wed", "2025-11-05T00:00:00Z"),
    ("Saturday at 09:30", "2025-11-01T09:30:00Z"),  # today's weekday means a week ago
    ("31 February at 10:00", None),
    ("Sponsored", None),
    ("", None),
])
def test_social_time(shown, expected):
    assert social_time(shown, NOW) == expected


@pytest.mark.parametrize("shown, expected", [
    ("577 comments", 577), ("3,788 Likes", 3788), ("1K comments", 1000), ("1.2K", 1200), ("4,3 K", 4300),
    ("2M views", 2000000), ("Like", None), (None, None),
])
def test_abbreviated_counts(shown, expected):
    assert abbreviated_count(shown) == expected


def test_social_time_without_now_reads_only_full_dates():
    assert social_time("4 June 2024 at 17:33", None) == "2024-06-04T17:33:00Z"
    assert social_time("4 June at 17:33", None) is None and social_time("2 hrs", None) is None


# The real cassette: m.facebook.com/Nintendo/posts/ and what followed, recorded 8 June 2021.

REAL = "nintendo-page-posts-vcr-2021.yaml"
REAL_NOW = datetime(2021, 6, 8, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")  # read once: the cassette is 1 MB of YAML
def cassette():
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(real_page("facebook", REAL))
    pages = []
    for interaction in data["interactions"]:
        body = interaction["response"]["body"]["string"]
        body = body.encode() if isinstance(body, str) else body
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        pages.append((interaction["request"]["uri"], interaction["response"]["status"]["code"], body))
    return pages


def test_real_posts_tab_and_more_payload(cassette, respond):
    url, _, body = cassette[0]
    response = respond(body, url)
    first = facebook.extract(response, now=REAL_NOW)
    assert [item["source_id"] for item in first] == ["4194934713924283", "4193752747375813"]
    assert first[1] == {
        "kind": "post", "source": "facebook", "source_id": "4193752747375813",
        "url": f"{M}/Nintendo/posts/4193752747375813", "parent_url": None, "author": "Nintendo", "title": None,
        "text": "May 2021 is in the books! Take a look back at just a few of the past month's announcements, "
                "updates, and releases with Nintendo Monthly Rewind.",
        "published_at": "2021-06-04T15:11:22Z", "published_precision": "exact", "score": 290, "comments_count": 19,
    }
    assert first[0]["text"] is None and first[0]["published_at"] == "2021-06-05T00:33:32Z"
    more_url = facebook.next_page(response)
    assert more_url.startswith(f"{M}/page_content_list_view/more/?page_id=119240841493711&start_cursor=")
    more_request, _, more_body = cassette[6]
    assert more_request.startswith(f"{M}/page_content_list_view/more/?page_id=119240841493711&start_cursor=")
    more = respond(more_body, more_request)
    posts = facebook.extract(more, now=REAL_NOW)
    assert [item["source_id"] for item in posts] == [
        "4191173794300375", "4188174317933656", "4188053201279101", "4187481031336318"]
    assert [item["comments_count"] for item in posts] == [313, 18, 23, 577]
    assert [item["score"] for item in posts] == [305, 271, 347, 3788]
    assert all(item["author"] == "Nintendo" and item["text"] and item["published_at"] for item in posts)
    assert facebook.next_page(more).startswith(f"{M}/page_content_list_view/more/?page_id=119240841493711")
    assert facebook.next_page(more) != more_url


@pytest.mark.parametrize("index, post_id, comments", [(3, "4194934713924283", 30), (12, "4188053201279101", 21),
                                                       (14, "4187481031336318", 30)])
def test_real_post_pages_comments(cassette, respond, index, post_id, comments):
    url, status, body = cassette[index]
    assert status == 200 and url.endswith(post_id)
    items = facebook.extract(respond(body, url), now=REAL_NOW)
    assert items[0]["source_id"] == post_id and items[0]["author"] == "Nintendo" and items[0]["parent_url"] is None
    replies = items[1:]
    assert len(replies) == comments and len({c["source_id"] for c in replies}) == comments
    assert all(c["source_id"].startswith(f"{post_id}_") and c["parent_url"] == f"{M}/Nintendo/posts/{post_id}"
               for c in replies)
    assert all(c["author"] and c["published_at"] and c["published_at"] <= "2021-06-08T12:00:00Z" for c in replies)


def test_real_post_page_first_comment(cassette, respond):
    url, _, body = cassette[12]
    items = facebook.extract(respond(body, url), now=REAL_NOW)
    assert items[0]["published_at"] == "2021-06-02T18:00:31Z"
    assert items[1] == {
        "kind": "post", "source": "facebook", "source_id": "4188053201279101_4192339034183851",
        "url": f"{M}/Nintendo/posts/4188053201279101?comment_id=4192339034183851",
        "parent_url": f"{M}/Nintendo/posts/4188053201279101", "author": "Retro House", "title": None,
        "text": "We need metroid prime trilogy for Switch :)\nAnd a Kid Icarus Uprising port, such a great game",
        "published_at": "2021-06-03T00:00:00Z", "published_precision": "exact", "score": None, "comments_count": None,
    }


def test_real_video_page_shows_no_comments(cassette, respond):
    url, _, body = cassette[5]
    with pytest.raises(LayoutError):
        facebook.extract(respond(body, url), now=REAL_NOW)


@pytest.mark.parametrize("index, post_id, more", [
    (3, "4194934713924283", "/Nintendo/photos/a.271203266297467/4194934713924283/?type=3&p=30"),
    (12, "4188053201279101", "/Nintendo/photos/a.120520318032430/4188053201279101/?type=3&p=21"),
    (14, "4187481031336318", "/Nintendo/photos/a.120520318032430/4187481031336318/?type=3&p=30")])
def test_real_post_pages_link_their_next_comments(cassette, respond, index, post_id, more):
    url, _, body = cassette[index]
    assert facebook.next_page(respond(body, url)) == f"{M}{more}"


def test_real_video_page_of_a_listed_post_says_its_comments_were_not_read(cassette, respond):
    url, _, body = cassette[5]
    listed = {"source_id": "4193752747375813", "comments_count": 19}
    with pytest.raises(NotReadable, match="is a video page, whose comments are drawn by script: the 19 comments"):
        facebook.extract(respond(body, url), now=REAL_NOW, listed=listed)


@pytest.mark.parametrize("index", [5, 8, 10])
def test_real_video_pages_are_told_by_their_player_at_any_video_address(cassette, respond, index):
    url, _, body = cassette[index]
    listed = {"source_id": "1", "comments_count": 2}
    for address in (url, f"{M}/watch/?v=286348296528911", f"{M}/reel/286348296528911/", f"{M}/Nintendo/posts/1"):
        with pytest.raises(NotReadable, match="is a video page"):
            facebook.extract(respond(body, address), now=REAL_NOW, listed=listed)


@pytest.mark.parametrize("index", [3, 12, 14])
def test_real_post_and_photo_pages_are_read_at_a_video_address(cassette, respond, index):
    url, _, body = cassette[index]
    items = facebook.extract(respond(body, url.replace("/posts/", "/videos/")), now=REAL_NOW,
                             listed={"source_id": url.rstrip("/").rsplit("/", 1)[-1], "comments_count": 1})
    assert len([item for item in items if item["parent_url"]]) >= 21


def test_mbasic_previous_comments_link_is_the_next_page_of_comments():
    response = case("facebook/comments-page-1").response()
    mbasic = response.replace(body=response.body.replace(b'id="see_next_', b'id="see_prev_').replace(
        "View more comments".encode(), "View previous comments".encode()))
    assert facebook.next_page(mbasic) == \
        f"{PAGE}/photos/a.120000000000001/940000000000001/?type=3&p=3"
    assert facebook.next_page(case("facebook/comments-page-2").response()) is None
