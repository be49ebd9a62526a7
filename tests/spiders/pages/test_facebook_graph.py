"""Facebook Graph API: feed posts with comments, ratings with the page's replies, every field; URLs and the token."""

from __future__ import annotations

import hashlib

import pytest
from scrapy.http import TextResponse

from repscan.spiders.pages import LayoutError, MissingCredentials, facebook_graph

PAGE_ID = "100200300400500"
G = "https://graph.facebook.com/v19.0"
FB = "https://www.facebook.com"
FEED_URL = facebook_graph.start_urls(f"{G}/{PAGE_ID}/feed")[0]
RATINGS_URL = facebook_graph.start_urls(f"{G}/{PAGE_ID}/ratings")[0]


def json_response(load, name, url):
    return TextResponse(url, body=load(f"facebook-graph/{name}", url).body, encoding="utf-8")


def post(source_id, **fields):
    item = {"kind": "post", "source": "facebook-graph", "source_id": source_id, "url": None, "parent_url": None,
            "author": None, "title": None, "text": None, "published_at": None, "score": None, "comments_count": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def review(source_id, **fields):
    item = {"kind": "review", "source": "facebook-graph", "source_id": source_id, "url": f"{FB}/{source_id}",
            "business_url": f"{FB}/{PAGE_ID}", "author": None, "rating": None, "rating_max": 5, "title": None,
            "text": None, "language": None, "published_at": None, "published_approx": False, "updated_at": None,
            "reply_text": None, "reply_at": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


PUMPKIN = f"{FB}/{PAGE_ID}/posts/800000000000003"


def test_feed_page_posts_then_their_comments(load):
    assert facebook_graph.extract(json_response(load, "feed-page-1.json", FEED_URL)) == [
        post(f"{PAGE_ID}_800000000000003", url=PUMPKIN, author="Harbour Lane Bakery",
             text="Pumpkin loaves are back from Saturday! 🎃", published_at="2025-11-03T17:05:00Z", comments_count=5),
        post("800000000000003_810000000000001", url=f"{PUMPKIN}?comment_id=810000000000001", parent_url=PUMPKIN,
             author="Orla Nolan", text="Do you still do the gluten-free one?", published_at="2025-11-03T18:10:22Z"),
        post("800000000000003_810000000000002", url=f"{PUMPKIN}?comment_id=810000000000002", parent_url=PUMPKIN,
             author="Harbour Lane Bakery", text="Yes, Orla! Saturdays and Sundays.",
             published_at="2025-11-03T18:40:00Z"),
        post(f"{PAGE_ID}_800000000000002", url=f"{FB}/photo.php?fbid=800000000000002&set=a.1&type=3",
             author="Harbour Lane Bakery", published_at="2025-11-01T09:00:00Z", comments_count=0),
        post(f"{PAGE_ID}_800000000000001", url=f"{FB}/{PAGE_ID}/posts/800000000000001",
             text="Waited 40 minutes for a cake I pre-ordered. Not good enough.",
             published_at="2025-10-30T16:45:10Z", comments_count=0),
    ]


def test_paging_next_never_carries_the_access_token(load):
    next_url = facebook_graph.next_page(json_response(load, "feed-page-1.json", FEED_URL))
    assert "access_token" not in next_url and "EAAG" not in next_url
    assert next_url.startswith(f"{G}/{PAGE_ID}/feed?pretty=0&fields=") and next_url.endswith("&limit=3&after=QVFIUmNk")
    last = json_response(load, "feed-page-2.json", next_url)
    assert facebook_graph.extract(last) == [
        post(f"{PAGE_ID}_800000000000000", url=f"{FB}/{PAGE_ID}/posts/800000000000000", author="Harbour Lane Bakery",
             text="We're hiring a weekend baker.", published_at="2025-10-20T08:00:00Z", comments_count=0),
    ]
    assert facebook_graph.next_page(last) is None


def test_ratings_recommendations_as_stars_with_the_page_s_reply(load):
    response = json_response(load, "ratings-page-1.json", RATINGS_URL)
    assert facebook_graph.extract(response) == [
        review("870000000000003", author="Eoin Murphy", rating=1,
               text="Birthday cake arrived an hour late and nobody answered the phone.",
               published_at="2025-11-02T20:14:31Z",
               reply_text="Eoin, we're so sorry. Please message us so we can make it right.",
               reply_at="2025-11-02T21:02:00Z"),
        review("870000000000002", author="Aoife Byrne", rating=5, text="Best sourdough in Dublin, friendly staff.",
               published_at="2025-10-28T11:00:00Z"),
    ]
    assert facebook_graph.next_page(response) == f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}&limit=2&after=MjA%3D"


def test_legacy_star_rating_and_a_rating_without_reviewer_or_story(load):
    response = json_response(load, "ratings-page-2.json", RATINGS_URL)
    fallback_id = hashlib.sha1(f"{PAGE_ID}\x1f\x1f2025-10-01T09:30:00+0000".encode()).hexdigest()[:16]
    assert facebook_graph.extract(response) == [
        review("870000000000001", author="Legacy Star Rater", rating=4, text="Nice cakes, a bit pricey.",
               published_at="2016-05-04T10:00:00Z"),
        review(fallback_id, url=None, rating=5, published_at="2025-10-01T09:30:00Z"),
    ]
    assert facebook_graph.next_page(response) is None


def test_graph_error_object_is_a_layout_error_naming_the_error(load):
    with pytest.raises(LayoutError, match="Session has expired"):
        facebook_graph.extract(json_response(load, "error-expired-token.json", FEED_URL))


def test_empty_page_of_data():
    response = TextResponse(FEED_URL, body=b'{"data": [], "paging": {"next": "https://x.example/next"}}')
    assert facebook_graph.extract(response) == []
    assert facebook_graph.next_page(response) is None


FEED_FIELDS = ("fields=id%2Cmessage%2Ccreated_time%2Cpermalink_url%2Cfrom%2Ccomments.summary%28true%29"
               "%7Bid%2Cmessage%2Ccreated_time%2Cfrom%7D")
RATING_FIELDS = ("fields=reviewer%2Crating%2Crecommendation_type%2Creview_text%2Ccreated_time%2Copen_graph_story"
                 "%7Bid%2Ccomments%7Bid%2Cmessage%2Ccreated_time%2Cfrom%7D%7D")


@pytest.mark.parametrize("url, expected", [
    (f"{FB}/HarbourLaneBakery",
     [f"{G}/HarbourLaneBakery/feed?{FEED_FIELDS}", f"{G}/HarbourLaneBakery/ratings?{RATING_FIELDS}"]),
    (f"{FB}/profile.php?id={PAGE_ID}", [f"{G}/{PAGE_ID}/feed?{FEED_FIELDS}", f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}"]),
    (f"{G}/{PAGE_ID}/ratings", [f"{G}/{PAGE_ID}/ratings?{RATING_FIELDS}"]),
    (f"{G}/{PAGE_ID}/feed?fields=id,message&limit=10&access_token=SECRET",
     [f"{G}/{PAGE_ID}/feed?fields=id%2Cmessage&limit=10"]),
    ("http://127.0.0.1:8765/v19.0/1/feed", [f"http://127.0.0.1:8765/v19.0/1/feed?{FEED_FIELDS}"]),
])
def test_start_urls(url, expected):
    assert facebook_graph.start_urls(url) == expected
    assert facebook_graph.start_url(url) == expected[0]


def test_start_urls_need_a_page():
    with pytest.raises(ValueError):
        facebook_graph.start_urls(f"{FB}/")


def test_request_headers_bearer_token_from_the_environment_only():
    assert facebook_graph.request_headers({"REPSCAN_FACEBOOK_PAGE_TOKEN": " EAAGtoken "}) == \
        {"Authorization": "Bearer EAAGtoken"}
    with pytest.raises(MissingCredentials, match="REPSCAN_FACEBOOK_PAGE_TOKEN"):
        facebook_graph.request_headers({})
