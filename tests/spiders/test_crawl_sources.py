"""Real crawls of each source over HTTP, one table of scenarios run through one harness (crawl_harness.py):
the first crawl reads every page (newest first, the site's own paging) and stores every item; a recrawl
with nothing new costs the first page only. Then what needs more than a scenario: credentials missing
or refused, mention filtering, faults and caps."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs

import pytest

from crawl_harness import JSON, Expect, Scenario, Serve, Site, check, crawl, first_then_recrawl, path_of
from helpers import FIXTURES, case
from repscan.app.demo.server import Reply

HLB = "Harbour Lane Bakery"

# -- the App Store feed: page=N in the path ---------------------------------------------------------

FEED = "/gb/rss/customerreviews/page={}/id=1234567890/sortby=mostrecent/json"


def appstore_rows(run):
    assert [r["source_id"] for r in sorted(run.reviews, key=lambda r: r["source_id"])] == \
        [f"1100000000{n}" for n in range(1, 6)]
    worst = next(r for r in run.reviews if r["source_id"] == "11000000004")
    assert (worst["author"], worst["rating"], worst["published_at"], worst["negative"], worst["business_url"]) == \
        ("Siobhán", 1.0, "2026-10-28T02:02:33Z", 1, "https://apps.apple.com/gb/app/id1234567890")


# -- BBB: customer reviews and complaints for a bare profile URL, ?page=N ------------------------------

PROFILE = "/us/oh/dublin/profile/bakery/harbour-lane-bakery-llc-0302-12345"
BBB_REVIEWS, BBB_COMPLAINTS = f"{PROFILE}/customer-reviews", f"{PROFILE}/complaints"


def bbb_rows(run):
    url = run.site.url
    assert [(r["source_id"], r["author"], r["rating"], r["published_at"]) for r in run.reviews] == [
        ("771002", "Paula R", 1.0, "2025-10-29T00:00:00Z"),
        ("complaint-22334455", None, None, "2025-10-20T00:00:00Z"),
        ("771001", "Greg H", 5.0, "2025-10-02T00:00:00Z"),
        ("complaint-22330001", None, None, "2025-09-02T00:00:00Z"),
        ("770999", "Lena V", 5.0, "2025-08-15T12:02:00Z")]  # 14:02 without an offset: the client's zone (Berlin)
    assert all(r["business_url"] == f"{url}{PROFILE}" for r in run.reviews)
    paula, billing = run.reviews[0], run.reviews[1]
    assert (paula["url"], paula["negative"], paula["reply_at"]) == \
        (f"{url}{BBB_REVIEWS}#771002", 1, "2025-10-30T00:00:00Z")
    assert paula["reply_text"].startswith("Paula, our oven failed that week")
    assert (billing["title"], billing["url"], billing["reply_at"]) == \
        ("Complaint: Billing/Collection Issues", f"{url}{BBB_COMPLAINTS}#22334455", "2025-10-24T00:00:00Z")
    assert billing["reply_text"] == "We have refunded the duplicate charge; the customer confirmed receipt."
    assert (run.reviews[3]["title"], run.reviews[3]["reply_text"]) == ("Complaint: Delivery Issues", None)
    assert run.reviews[2]["text"] == "Consistently great bread.\nFriendly owners."
    assert run.reviews[4]["text"] == "Best croissants in Ohio & the staff are lovely."
    # The reviews and the complaints pages are crawled side by side, in either order; only the reviews
    # page carries the rating.
    assert {b["name"] for b in run.businesses} == {"Harbour Lane Bakery LLC"}
    rated = [(b["rating"], b["review_count"]) for b in run.businesses if b["rating"] is not None]
    assert rated and set(rated) == {(3.67, 3)}


def nothing_removed(run):
    assert all(r["removed_at"] is None for r in run.reviews)


# -- Facebook: the posts tab, its "more" payloads, the comments of posts that have some ----------------

POSTS = "/HarbourLaneBakery/posts/"
MORE = "/page_content_list_view/more/"


def facebook_rows(run):
    parent = f"{run.site.url}{POSTS}900000000000002"
    posts = sorted(run.posts, key=lambda p: p["source_id"])
    assert [p["source_id"] for p in posts if p["parent_url"] == parent] == [
        f"900000000000002_91000000000000{n}" for n in range(1, 5)]
    assert {p["source_id"] for p in posts if p["parent_url"] is None} == {
        "899999999999990", "900000000000001", "900000000000002"}
    pumpkin = next(p for p in posts if p["source_id"] == "900000000000002")
    assert (pumpkin["score"], pumpkin["comments_count"]) == (128.0, 14)  # the post page's blanks erase nothing


# -- the Graph API: feed and ratings for a bare page, paging.next ------------------------------------

PAGE_ID = "100200300400500"
GRAPH_TOKEN = {"REPSCAN_FACEBOOK_PAGE_TOKEN": "EAAGpage-token-for-tests"}
GRAPH_FEED, GRAPH_RATINGS = case("facebook-graph/feed-page-1"), case("facebook-graph/ratings-page-1")
GRAPH_REQUESTS = [path_of(GRAPH_FEED.url), path_of(GRAPH_FEED.meta["next_page"]),
                  path_of(GRAPH_RATINGS.url), path_of(GRAPH_RATINGS.meta["next_page"])]


def graph_rows(run):
    assert not any("access_token" in hit for hit in run.site.hits)
    complaint = next(r for r in run.reviews if r["source_id"] == "870000000000003")
    assert (complaint["rating"], complaint["negative"], complaint["reply_at"], complaint["author"]) == \
        (1.0, 1, "2025-11-02T21:02:00Z", "Eoin Murphy")
    comment = next(p for p in run.posts if p["source_id"] == "800000000000003_810000000000001")
    assert comment["parent_url"] == f"https://www.facebook.com/{PAGE_ID}/posts/800000000000003"


def graph_serve(edge, after, name):
    return Serve(f"/v19.0/{PAGE_ID}/{edge}", f"facebook-graph/{name}", query={"after": after},
                 type="application/json; charset=UTF-8", replace={"https://graph.facebook.com": "{site}"})


# -- a paged Atom feed: rel=next, fetched although robots.txt disallows it -------------------------------

ATOM = "/comments/feed.atom"


def feed_rows(run):
    host = run.site.url.split("://", 1)[1]
    comment = run.posts[0]
    assert comment["source_id"] == hashlib.sha1(f"{host}/blog/autumn-menu#comment-31".encode()).hexdigest()[:16]
    assert (comment["url"], comment["parent_url"], comment["author"], comment["published_at"]) == (
        f"{run.site.url}/blog/autumn-menu/#comment-31", f"{run.site.url}/blog/autumn-menu/", "Pádraig",
        "2025-11-02T10:45:00Z")
    assert [p["title"] for p in run.posts] == ["Comment on Autumn menu by Pádraig", "Autumn menu", "Summer closing hours"]


# -- Foursquare Places API v3: the key as it is, Link-header paging --------------------------------------

VENUE = "5a1b2c3d4e5f60718293a4b5"
TIPS = f"/v3/places/{VENUE}/tips"
CURSOR = "c3ViLXBhZ2UtMg"
FSQ_KEY = "fsq3-api-key-for-tests"


def foursquare_rows(run):
    assert [r["source_id"] for r in run.reviews] == [
        "6543a1b2c3d4e5f600000003", "6543a1b2c3d4e5f600000002", "6543a1b2c3d4e5f600000001"]
    assert all(r["rating"] is None and r["business_url"] == f"https://foursquare.com/v/{VENUE}" for r in run.reviews)
    newest, oldest = run.reviews[0], run.reviews[-1]
    assert (newest["published_at"], newest["url"], newest["text"]) == (
        "2025-11-01T09:12:44Z", "https://foursquare.com/item/6543a1b2c3d4e5f600000003",
        "Get the cardamom bun. Queue moves fast before 9.")
    assert (oldest["published_at"], oldest["language"]) == ("2024-12-24T08:00:00Z", "fr")


# the Places API of 2025: a host without a version in the path, the service key as a Bearer token, a version header
PLACES_TIPS = f"/places/{VENUE}/tips"
PLACES_FIRST = f"{PLACES_TIPS}?sort=NEWEST&limit=50&fields=fsq_tip_id%2Ccreated_at%2Ctext%2Clang"
PLACES_CURSOR = "c3Q6NTAmbmV3ZXN0"
FSQ_SERVICE_KEY = "fsq-service-key-for-tests"


def foursquare_places_rows(run):
    assert [r["source_id"] for r in run.reviews] == [f"68f1a2b3c4d5e6f7000000{n}" for n in (12, 11, 10, "09")]
    assert all(r["business_url"] == f"https://foursquare.com/v/{VENUE}" for r in run.reviews)
    assert run.reviews[1]["published_at"] == "2025-10-28T17:40:02Z"


# -- Google Business Profile API: the token, pageToken paging ---------------------------------------------

LOCATION = "/v4/accounts/108273645500012345678/locations/4471298833112233445"
GB_TOKEN = "ya29.test-token"


def google_business_rows(run):
    assert [r["author"] for r in run.reviews] == ["Hannah Lewis", "Stefan Krüger", "A Google user", "Mihaela Dobre",
                                                  "Raj Patel"]
    assert run.reviews[0]["reply_at"] == "2024-03-11T09:02:10Z" and run.reviews[0]["negative"] == 1


# -- Google Maps: a place URL leads to the reviews endpoint, newest first, token paging -------------------

DATA_ID = "0x14e70b0f1a2b3c4d:0x8a1b2c3d4e5f6071"
MAPS_TOKEN = "CAESY0NBRVFCUnBGUTJweFNRVkpJUVVGQlFVRkJRa05C"
ENDPOINT = "/maps/rpc/listugcposts"
MAPS_SERVE = [
    Serve(ENDPOINT, "google-maps/listugcposts-page-2", contains={"pb": f"!2s{MAPS_TOKEN}!"}, type=JSON),
    Serve(ENDPOINT, "google-maps/listugcposts-page-1", contains={"pb": "!13m1!1e2"}, type=JSON),
    Serve("/maps/place/", "google-maps/place-page"),
]


def maps_rows(run):
    assert run.site.local.count("/maps/place") == 0
    assert [r["author"] for r in run.reviews] == ["Daniel Okafor", "Σοφία Παπαδοπούλου", "Julia Weiss",
                                                  "Kenji Watanabe", "Priya Nair", "Ioana Marin"]
    assert {r["source"] for r in run.reviews} == {"google-maps"}
    okafor = run.reviews[0]
    assert okafor["rating"] == 1 and okafor["negative"] == 1
    assert okafor["reply_text"] == "Daniel, we are sorry. Please email us so we can make this right."


def maps_place_rows(run):
    assert run.site.local.count("/maps/place/") == 1
    assert [(b["name"], b["rating"], b["review_count"]) for b in run.businesses] == [
        ("Harbourside Meze House", 4.3, 128)]


# -- Google Play: the reviews RPC as form POSTs paged by token, the details page's summary ---------------

APP = "com.example.harbourlane"
RPC = f"/_/PlayStoreUi/data/batchexecute?rpcids=oCPfdb&hl=en_GB&id={APP}"


def googleplay_rows(run):
    inner = [json.loads(json.loads(parse_qs(body.decode())["f.req"][0])[0][0][1]) for _, body in run.site.local.posts]
    assert [request[1][2] for request in inner] == [[100], [100, None, "CpEXAMPLETOKENnewest2"]]
    assert f"/store/apps/details?id={APP}&hl=en_GB" in run.site.hits
    reviews = {r["source_id"]: r for r in run.reviews}  # 3 newest from the RPC + 3 shown first on the details page
    assert reviews["gp:AOqpTOExampleNewest0002"]["reply_at"] == "2025-11-02T14:50:00Z"
    assert [{k: b[k] for k in ("name", "rating", "review_count")} for b in run.businesses] == [
        {"name": "Harbour Lane Bakery", "rating": 4.1666665, "review_count": 1204}]


UUID_TOKEN = "CsEBIr4BAU60USexampleNEWESTtokenUUIDpage2"


def googleplay_2026_rows(run):
    """Today's shape: UUID ids, developer replies with their exact time, the token pair before a trailing block."""
    inner = [json.loads(json.loads(parse_qs(body.decode())["f.req"][0])[0][0][1]) for _, body in run.site.local.posts]
    assert [request[1][2] for request in inner][:2] == [[100], [100, None, UUID_TOKEN]]
    reviews = {r["source_id"]: r for r in run.reviews}
    replied = {k: (r["reply_at"], r["reply_precision"]) for k, r in reviews.items() if r["reply_text"]}
    assert replied == {
        "5d1c2b3a-6e7f-4a8b-9c0d-1e2f3a4b5c61": ("2026-11-18T12:06:40Z", "exact"),
        "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e83": ("2026-11-18T07:20:00Z", "exact"),
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f4": ("2026-11-17T01:46:40Z", "exact"),
        "7c9d0e2f-4b5a-4c3d-8e1f-2b3c4d5e6f72": ("2025-10-31T21:00:00Z", "exact"),  # shown first on the details page
    }
    orla = reviews["5d1c2b3a-6e7f-4a8b-9c0d-1e2f3a4b5c61"]
    assert (orla["rating"], orla["negative"], orla["published_at"]) == (1.0, 1, "2026-11-18T11:06:40Z")


# -- Reddit's search API: the client-credentials token, `after` paging --------------------------------------

REDDIT_CREDENTIALS = {"REPSCAN_REDDIT_CLIENT_ID": "app-id-123", "REPSCAN_REDDIT_CLIENT_SECRET": "app-secret-456"}
SEARCH = "/search?q=Harbour+Lane+Bakery&sort=new&limit=100&raw_json=1"
TOKEN_PATH = "/api/v1/access_token"


def token_posts(run):
    return [(headers.get("Authorization"), body) for (path, headers), body in
            zip([r for r in run.requests if r[0] == TOKEN_PATH], [b for p, b in run.site.local.posts if p == TOKEN_PATH])]


def reddit_rows(run):
    basic = "Basic " + base64.b64encode(b"app-id-123:app-secret-456").decode()
    assert token_posts(run) == [(basic, b"grant_type=client_credentials")]
    assert [p["source_id"] for p in sorted(run.posts, key=lambda p: p["source_id"])] == [
        "t3_1abb999", "t3_1abc001", "t3_1abc002", "t3_1abc003"]
    complaint = next(p for p in run.posts if p["source_id"] == "t3_1abc003")
    assert (complaint["title"], complaint["author"], complaint["score"], complaint["comments_count"],
            complaint["published_at"]) == ("Harbour Lane Bakery charged me twice", "loafer_dub", 42.0, 17,
                                           "2025-11-01T12:00:00Z")


def a_token_each_crawl(run):
    assert len(token_posts(run)) == 2


# -- Sitejabber and Yellow Pages: JSON-LD merged with the cards' ids and replies, then cards only -----------

SJ = "/reviews/harbourlane.example"
YP = "/dublin-oh/mip/harbour-lane-bakery-123456789"


def sitejabber_rows(run):
    assert [(r["source_id"], r["author"], r["rating"], r["published_at"]) for r in run.reviews] == [
        ("3344556", "Hannah L.", 1.0, "2025-10-30T00:00:00Z"), ("3344001", "Jorge M.", 5.0, "2025-10-02T00:00:00Z"),
        ("3300002", "Kasia W.", 2.0, "2025-09-14T00:00:00Z")]
    assert all(r["business_url"] == f"{run.site.url}{SJ}" for r in run.reviews)
    lost = run.reviews[0]  # JSON-LD review, id and the business's reply from its card
    assert (lost["url"], lost["title"], lost["negative"], lost["reply_at"]) == \
        (f"{run.site.url}{SJ}#review-3344556", "Never received my order", 1, "2025-10-31T00:00:00Z")
    assert lost["reply_text"] == "Hi Hannah, the courier lost the parcel. We've sent a new box by hand today."
    assert run.reviews[2]["text"] == "Website said open until 6, shop was closed at 5.\nWasted trip."  # a card alone
    assert [(b["name"], b["rating"], b["review_count"]) for b in run.businesses] == [("Harbour Lane Bakery", 2.7, 3)]


def yellowpages_rows(run):
    assert [(r["author"], r["rating"], r["published_at"]) for r in run.reviews] == [
        ("Dana K.", 5.0, "2025-10-21T00:00:00Z"), ("Marcus T.", 2.0, "2025-10-14T00:00:00Z"),
        ("Priya N.", 4.5, "2025-09-03T00:00:00Z")]
    assert all(r["business_url"] == f"{run.site.url}{YP}" for r in run.reviews)
    wrong_cake = run.reviews[1]  # JSON-LD review, the owner's response from its card
    assert (wrong_cake["title"], wrong_cake["negative"], wrong_cake["reply_at"]) == \
        ("Wrong cake", 1, "2025-10-16T00:00:00Z")
    assert wrong_cake["reply_text"] == \
        "Marcus, we're sorry about the mix-up & the wait. The refund went through on 10/16."
    assert run.reviews[2]["text"] == "Good coffee.\nSeating is limited on weekends."  # page two: the card alone
    business = run.businesses[0]
    assert (business["name"], business["rating"], business["review_count"]) == ("Harbour Lane Bakery", 3.5, 3)


# -- Tripadvisor: -or10- paging in both markups, configured with page two's URL -----------------------------

HOTEL = "/Hotel_Review-g274873-d1234567-Reviews{}-Pension_Alpenrose-Bled_Upper_Carniola_Region.html"
TOUR = "/Attraction_Review-g187791-d7654321-Reviews{}-Vicolo_Tours-Rome_Lazio.html"


def tripadvisor_rows(path):
    def rows(run):
        assert sum(1 for r in run.reviews if r["reply_text"]) == 2
        assert all(r["business_url"] == f"{run.site.url}{path.format('')}" for r in run.reviews)
    return rows


def tripadvisor(kind, path):
    return Scenario(
        f"tripadvisor-{kind}", "tripadvisor", path.format("-or10"), prefix=path.split("-")[0],
        serve=[Serve(path.format(""), f"tripadvisor/{kind}-page-1"), Serve(path.format("-or10"), f"tripadvisor/{kind}-page-2")],
        first=Expect([path.format(""), path.format("-or10")], {"pages": 2, "new_items": 5}, {"reviews": 5}),
        recrawl=Expect([path.format("")], {"new_items": 0}, {"reviews": 5}), checks=[tripadvisor_rows(path)])


# -- X API v2 recent search: the bearer token, next_token paging, mentions only -----------------------------

TWEETS = "/2/tweets/search/recent"
X_TOKEN = "AAAA-bearer-token-for-tests"
X_NEXT = "b26v89c19zqg8o3fo7gesq314yb9l2l4ptqy0example"
X_QUERY = '"Harbour Lane Bakery" OR @HarbourLaneBakery'


def twitter_rows(run):
    first = run.site.selected(run.site.hits)[0]
    assert "tweet.fields=created_at" in first and "expansions=author_id" in first and "max_results=100" in first
    assert [p["source_id"] for p in run.posts] == [
        "1984915907670978617", "1984893237457858617", "1984746017387458617", "1984164686853058617"]
    queue = run.posts[0]
    assert (queue["author"], queue["url"], queue["published_at"], queue["score"], queue["comments_count"]) == \
        ("sinead_bakes", "https://x.com/sinead_bakes/status/1984915907670978617", "2025-11-02T09:30:05Z", 14.0, 1)
    reply = run.posts[1]
    assert reply["text"] == "@dublin_eats @HarbourLaneBakery mine was stale yesterday tbh & no receipt"
    assert reply["parent_url"] == "https://x.com/i/web/status/1984890000000000000"
    assert run.posts[2]["author"] is None and run.posts[2]["url"] == "https://x.com/i/web/status/1984746017387458617"


# -- Yelp pages (sort_by=date_desc, ?start=N) and the Fusion API ----------------------------------------------

BIZ = "/biz/copperleaf-plumbing-portland"
YELP_API = "/v3/businesses/copperleaf-plumbing-portland/reviews"


def yelp_rows(run):
    assert run.reviews[0]["author"] == "Marcy T." and run.reviews[-1]["author"] == "Nadia R."
    assert {r["author"] for r in run.reviews if r["reply_text"]} == {"Marcy T.", "Jürgen H."}


def yelp_api_rows(run):
    assert [(r["author"], r["published_at"]) for r in run.reviews] == [
        ("Marcy T.", "2024-03-15T02:00:00Z"), ("Luis G.", "2024-03-02T23:00:00Z"), ("Priya S.", "2024-02-20T17:30:00Z")]


SCENARIOS = [
    Scenario("appstore", "appstore", "/gb/app/harbour-lane-bakery/id1234567890", prefix="/gb/rss/customerreviews",
             serve=[Serve(FEED.format(n), f"appstore/page-{n}", type=JSON) for n in (1, 2)],
             first=Expect([FEED.format(1), FEED.format(2)], {"items": 5, "new_items": 5, "pages": 2}, {"reviews": 5}),
             recrawl=Expect([FEED.format(1)], {"new_items": 0, "pages": 1}, {"reviews": 5}),
             robots="never", checks=[appstore_rows]),
    Scenario("bbb", "bbb", PROFILE, prefix=PROFILE, sort=True, name=HLB,
             serve=[Serve(BBB_REVIEWS, "bbb/customer-reviews-page-1", query={"page": None}),
                    Serve(BBB_REVIEWS, "bbb/customer-reviews-page-2", query={"page": "2"}),
                    Serve(BBB_COMPLAINTS, "bbb/complaints")],
             first=Expect([BBB_COMPLAINTS, BBB_REVIEWS, f"{BBB_REVIEWS}?page=2"], {"new_items": 5, "pages": 3},
                          {"reviews": 5}),
             recrawl=Expect([BBB_COMPLAINTS, BBB_REVIEWS], {"new_items": 0, "pages": 2}, {"reviews": 5}),
             robots="first", checks=[bbb_rows]),
    Scenario("facebook", "facebook", "/HarbourLaneBakery", sort=True, strip_query=True,
             serve=[Serve(POSTS, "facebook/posts-page"),
                    Serve(MORE, "facebook/more-payload", contains={"start_cursor": "CursorOne"},
                          type="application/x-javascript; charset=utf-8"),
                    Serve(MORE, "facebook/more-payload-last", type="application/x-javascript; charset=utf-8"),
                    Serve(f"{POSTS}900000000000002", "facebook/post-page"),
                    # listed with a comment: its page is read like the others (a video page would be named not read)
                    Serve(f"{POSTS}899999999999990", "facebook/post-page",
                          replace={"900000000000002": "899999999999990", "91000000000000": "89100000000000"})],
             first=Expect([POSTS, MORE, MORE, f"{POSTS}900000000000002", f"{POSTS}899999999999990"],
                          {"new_items": 11}, {"posts": 11}),
             # the recrawl reads on past the known first page, which holds yesterday's post (rules.COMMENT_WINDOW),
             # and stops at the next, whose post is older
             recrawl=Expect([POSTS, MORE, f"{POSTS}900000000000002"], {"new_items": 0}, {"posts": 11}),
             checks=[facebook_rows]),
    Scenario("facebook-graph", "facebook-graph", f"/v19.0/{PAGE_ID}", prefix="/v19.0/", sort=True, env=GRAPH_TOKEN,
             headers={"Authorization": "Bearer EAAGpage-token-for-tests"}, robots="never",
             serve=[graph_serve("feed", None, "feed-page-1"), graph_serve("feed", "QVFIUmNk", "feed-page-2"),
                    graph_serve("ratings", None, "ratings-page-1"), graph_serve("ratings", "MjA=", "ratings-page-2")],
             first=Expect(GRAPH_REQUESTS, {"new_items": 10, "pages": 4}, {"posts": 6, "reviews": 4}),
             recrawl=Expect([GRAPH_REQUESTS[0], GRAPH_REQUESTS[2]], {"new_items": 0, "pages": 2}, {"posts": 6}),
             checks=[graph_rows]),
    Scenario("feed", "feed", ATOM, prefix="/comments", robots_txt="User-agent: *\nDisallow: /\n",
             serve=[Serve(ATOM, "feed/paged-1", query={"page": None}, type="application/atom+xml; charset=utf-8"),
                    Serve(ATOM, "feed/paged-2", query={"page": "2"}, type="application/atom+xml; charset=utf-8")],
             first=Expect([ATOM, f"{ATOM}?page=2"], {"new_items": 3, "pages": 2}, {"posts": 3}),
             recrawl=Expect([ATOM], {"new_items": 0, "pages": 1}, {"posts": 3}), checks=[feed_rows]),
    Scenario("foursquare", "foursquare", TIPS, prefix=TIPS, name=HLB, env={"REPSCAN_FOURSQUARE_API_KEY": FSQ_KEY},
             headers={"Authorization": FSQ_KEY, "Accept": "application/json"},  # the key itself, no "Bearer"
             require={TIPS: {"sort": "newest", "limit": "50"}}, robots="never",
             serve=[Serve(TIPS, "foursquare/v3-tips-page-1", query={"cursor": None}, type=JSON,
                          headers={"Link": f'<{{site}}{TIPS}?sort=newest&limit=50&cursor={CURSOR}>; rel="next"'}),
                    Serve(TIPS, "foursquare/v3-tips-page-2", query={"cursor": CURSOR}, type=JSON)],
             first=Expect([f"{TIPS}?sort=newest&limit=50", f"{TIPS}?sort=newest&limit=50&cursor={CURSOR}"],
                          {"new_items": 3, "pages": 2}, {"reviews": 3}),
             recrawl=Expect([f"{TIPS}?sort=newest&limit=50"], {"new_items": 0, "pages": 1}, {"reviews": 3}),
             checks=[foursquare_rows]),
    Scenario("foursquare-2025", "foursquare", PLACES_TIPS, prefix=PLACES_TIPS, name=HLB,
             env={"REPSCAN_FOURSQUARE_SERVICE_KEY": FSQ_SERVICE_KEY, "REPSCAN_FOURSQUARE_API_KEY": FSQ_KEY},
             headers={"Authorization": f"Bearer {FSQ_SERVICE_KEY}", "X-Places-Api-Version": "2025-06-17"},
             robots="never",
             serve=[Serve(PLACES_TIPS, "foursquare/places-2025-tips-page-1", query={"cursor": None}, type=JSON,
                          headers={"Link": f'<{{site}}{PLACES_FIRST}&cursor={PLACES_CURSOR}>; rel="next"'}),
                    Serve(PLACES_TIPS, text=json.dumps([{"fsq_tip_id": "68f1a2b3c4d5e6f700000009", "text": "Made up.",
                                                          "created_at": "2025-09-01T10:00:00.000Z"}]),
                          query={"cursor": PLACES_CURSOR}, type=JSON)],
             first=Expect([PLACES_FIRST, f"{PLACES_FIRST}&cursor={PLACES_CURSOR}"], {"new_items": 4, "pages": 2},
                          {"reviews": 4}),
             recrawl=Expect([PLACES_FIRST], {"new_items": 0, "pages": 1}, {"reviews": 4}),
             checks=[foursquare_places_rows]),
    Scenario("google-business", "google-business", LOCATION, prefix=LOCATION,
             env={"REPSCAN_GOOGLE_BUSINESS_TOKEN": GB_TOKEN}, headers={"Authorization": f"Bearer {GB_TOKEN}"},
             require={f"{LOCATION}/reviews": {"orderBy": "updateTime desc", "pageSize": "50"}},
             serve=[Serve(f"{LOCATION}/reviews", "google-business/reviews-page-2", query={"pageToken": "CAUQAxoECgIIAw"},
                          type="application/json; charset=UTF-8"),
                    Serve(f"{LOCATION}/reviews", "google-business/reviews-page-1", type="application/json; charset=UTF-8")],
             first=Expect([path_of(case("google-business/reviews-page-1").url),
                           path_of(case("google-business/reviews-page-2").url)], {"new_items": 5, "pages": 2},
                          {"reviews": 5}),
             recrawl=Expect(1, {"new_items": 0}, {"reviews": 5}), checks=[google_business_rows]),
    Scenario("google-maps", "google-maps", f"/maps/place/Harbourside+Meze+House/data=!4m2!3m1!1s{DATA_ID}",
             prefix=ENDPOINT, serve=MAPS_SERVE, first=Expect(2, {"new_items": 6, "pages": 2}, {"reviews": 6}),
             recrawl=Expect(1, {"new_items": 0}, {"reviews": 6}),  # page one only
             checks=[maps_rows]),
    # a place page without a data id leads to the endpoint too
    Scenario("google-maps-place-page", "google-maps", "/maps/place/?cid=9951113301456987761", prefix=ENDPOINT,
             serve=MAPS_SERVE, first=Expect(2, {"new_items": 9}, {"reviews": 9}), checks=[maps_place_rows]),
    Scenario("googleplay", "googleplay", f"/store/apps/details?id={APP}&hl=en_GB", prefix="/_/",
             serve=[Serve("/store/apps/details", "googleplay/details-page", query={"id": APP}),
                    Serve("/_/PlayStoreUi/data/batchexecute", "googleplay/batch-page-1", query={"id": APP, "token": None},
                          type=JSON),
                    Serve("/_/PlayStoreUi/data/batchexecute", "googleplay/batch-page-2-chunked-last", query={"id": APP},
                          type=JSON)],
             first=Expect([RPC, f"{RPC}&token=CpEXAMPLETOKENnewest2"], {"new_items": 6, "pages": 3}, {"reviews": 6}),
             checks=[googleplay_rows]),
    Scenario("googleplay-2026", "googleplay", f"/store/apps/details?id={APP}&hl=en_GB", prefix="/_/",
             serve=[Serve("/store/apps/details", "googleplay/details-page-2026-uuid-ids", query={"id": APP}),
                    Serve("/_/PlayStoreUi/data/batchexecute", "googleplay/batch-2026-uuid-page-1",
                          query={"id": APP, "token": None}, type=JSON),
                    Serve("/_/PlayStoreUi/data/batchexecute", "googleplay/batch-2026-uuid-page-2-last",
                          query={"id": APP, "token": UUID_TOKEN}, type=JSON)],
             first=Expect([RPC, f"{RPC}&token={UUID_TOKEN}"], {"new_items": 7, "pages": 3}, {"reviews": 7}),
             recrawl=Expect([RPC], {"new_items": 0}, {"reviews": 7}),  # page one only: all of it is known
             checks=[googleplay_2026_rows]),
    Scenario("reddit", "reddit", "/search?q=Harbour+Lane+Bakery", prefix="/search", name=HLB, aliases=("Harbour Lane",),
             env=REDDIT_CREDENTIALS, headers={"Authorization": "bearer test-token-abc123"},
             serve=[Serve(TOKEN_PATH, text=(FIXTURES / "reddit" / "token.json").read_text(), type="application/json"),
                    Serve("/search", "reddit/search-page-1", query={"q": HLB, "after": None}, type=JSON),
                    Serve("/search", "reddit/search-page-2", query={"q": HLB, "after": "t3_1abc001"}, type=JSON)],
             first=Expect([SEARCH, f"{SEARCH}&after=t3_1abc001"], {"new_items": 4, "pages": 2}, {"posts": 4}),
             recrawl=Expect([SEARCH], {"new_items": 0, "pages": 1}, {"posts": 4}), checks=[reddit_rows]),
    Scenario("sitejabber", "sitejabber", SJ, prefix=SJ, name=HLB, robots="first",
             serve=[Serve(SJ, "sitejabber/page-1", query={"page": None}),
                    Serve(SJ, "sitejabber/page-2-cards-only", query={"page": "2"})],
             first=Expect([SJ, f"{SJ}?page=2"], {"new_items": 3, "pages": 2}, {"reviews": 3}),
             recrawl=Expect([SJ], {"new_items": 0, "pages": 1}, {"reviews": 3}), checks=[sitejabber_rows]),
    tripadvisor("legacy", HOTEL),
    tripadvisor("cards", TOUR),
    Scenario("twitter", "twitter", f"{TWEETS}?query=%22Harbour+Lane+Bakery%22+OR+%40HarbourLaneBakery", prefix=TWEETS,
             name=HLB, aliases=("@HarbourLaneBakery",), env={"REPSCAN_X_BEARER_TOKEN": X_TOKEN},
             headers={"Authorization": f"Bearer {X_TOKEN}"}, robots="never",
             serve=[Serve(TWEETS, "twitter/search-page-1", query={"query": X_QUERY, "next_token": None}, type=JSON),
                    Serve(TWEETS, "twitter/search-page-2", query={"query": X_QUERY, "next_token": X_NEXT}, type=JSON)],
             first=Expect([path_of(case("twitter/search-page-1").url), path_of(case("twitter/search-page-2").url)],
                          {"new_items": 4, "pages": 2}, {"posts": 4}),
             recrawl=Expect([path_of(case("twitter/search-page-1").url)], {"new_items": 0, "pages": 1}, {"posts": 4}),
             checks=[twitter_rows]),
    Scenario("yellowpages", "yellowpages", YP, prefix=YP, name=HLB, robots="first",
             serve=[Serve(YP, "yellowpages/page-1", query={"page": None}),
                    Serve(YP, "yellowpages/page-2-no-json-ld", query={"page": "2"})],
             first=Expect([YP, f"{YP}?page=2"], {"new_items": 3, "pages": 2}, {"reviews": 3}),  # #reviews dropped
             recrawl=Expect([YP], {"new_items": 0, "pages": 1}, {"reviews": 3}), checks=[yellowpages_rows]),
    Scenario("yelp", "yelp", BIZ, prefix=BIZ, require={BIZ: {"sort_by": "date_desc"}},
             serve=[Serve(BIZ, f"yelp/biz-page-{n}-of-3", query={"start": start}) for n, start in
                    ((1, None), (1, "0"), (2, "10"), (3, "20"))],
             first=Expect([f"{BIZ}?sort_by=date_desc", f"{BIZ}?sort_by=date_desc&start=10",
                           f"{BIZ}?sort_by=date_desc&start=20"], {"new_items": 11, "pages": 3}, {"reviews": 11}),
             recrawl=Expect([f"{BIZ}?sort_by=date_desc"], {"new_items": 0}, {"reviews": 11}), checks=[yelp_rows]),
    Scenario("yelp-api", "yelp-api", "/v3/businesses/copperleaf-plumbing-portland", prefix=YELP_API,
             env={"REPSCAN_YELP_API_KEY": "test-key"}, headers={"Authorization": "Bearer test-key"},
             require={YELP_API: {"sort_by": "newest"}}, serve=[Serve(YELP_API, "yelp-api/reviews", type="application/json")],
             first=Expect([f"{YELP_API}?sort_by=newest"], {"new_items": 3, "pages": 1}, {"reviews": 3}),
             recrawl=Expect(1, {"new_items": 0}, {"reviews": 3}), checks=[yelp_api_rows]),
]
BY_ID = {s.id: s for s in SCENARIOS}
BY_ID["bbb"].recrawl.checks.append(nothing_removed)
BY_ID["reddit"].recrawl.checks.append(a_token_each_crawl)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_every_page_then_only_what_is_new(tmp_path, scenario):
    first_then_recrawl(tmp_path, scenario)


# -- what a table row cannot say ----------------------------------------------------------------------------

@pytest.mark.parametrize("scenario, env, error", [
    ("facebook-graph", {"REPSCAN_FACEBOOK_PAGE_TOKEN": ""}, "REPSCAN_FACEBOOK_PAGE_TOKEN"),
    ("foursquare", {"REPSCAN_FOURSQUARE_API_KEY": " "}, "REPSCAN_FOURSQUARE_API_KEY"),
    ("foursquare-2025", {"REPSCAN_FOURSQUARE_SERVICE_KEY": ""}, "REPSCAN_FOURSQUARE_SERVICE_KEY"),
    ("google-business", {"REPSCAN_GOOGLE_BUSINESS_TOKEN": ""}, "REPSCAN_GOOGLE_BUSINESS_TOKEN"),
    ("reddit", {name: "" for name in REDDIT_CREDENTIALS}, "REPSCAN_REDDIT_CLIENT_ID and REPSCAN_REDDIT_CLIENT_SECRET"),
    ("twitter", {"REPSCAN_X_BEARER_TOKEN": ""}, "REPSCAN_X_BEARER_TOKEN"),
    ("yelp-api", {"REPSCAN_YELP_API_KEY": ""}, "REPSCAN_YELP_API_KEY"),
])
def test_without_credentials_nothing_is_requested_and_the_error_names_them(tmp_path, scenario, env, error):
    with Site(BY_ID[scenario]) as site:
        run = crawl(tmp_path, site, env=env)
    assert run.result.returncode == 1
    assert site.hits == [] and run.reviews == [] and run.posts == []
    assert run.crawl["status"] == "error" and error in run.crawl["error"]


def test_an_expired_graph_token_is_an_error_not_an_empty_page(tmp_path):
    with Site(BY_ID["facebook-graph"]) as site:
        site.local.fail(GRAPH_REQUESTS[0], Reply(400, case("facebook-graph/error-expired-token").body,
                                                 content_type="application/json"))
        run = crawl(tmp_path, site)
    assert run.result.returncode == 1
    assert run.crawl["status"] == "error" and "HTTP 400" in run.crawl["error"]
    assert len(run.reviews) == 4  # the ratings edge still came in


def test_a_refused_reddit_token_is_an_error_and_nothing_is_searched(tmp_path):
    with Site(BY_ID["reddit"]) as site:
        site.local.fail(TOKEN_PATH, Reply(401, '{"message": "Unauthorized", "error": 401}', content_type="application/json"))
        run = crawl(tmp_path, site)
    assert run.result.returncode == 1
    assert run.crawl["status"] == "error" and "token request refused: HTTP 401" in run.crawl["error"]
    assert site.selected(site.hits) == []


def test_reddit_posts_that_do_not_name_the_client_are_not_kept(tmp_path):
    with Site(BY_ID["reddit"]) as site:
        run = crawl(tmp_path, site, aliases=())  # no "Harbour Lane" alias this time
    assert run.result.returncode == 0, run.result.stderr
    titles = [p["title"] for p in run.posts]
    assert "Harbour Lane Bakery charged me twice" in titles
    assert "New bakery on Harbour Lane — worth it?" not in titles  # names the street, not the business


def test_only_tweets_naming_the_client_are_kept(tmp_path):
    with Site(BY_ID["twitter"]) as site:
        run = crawl(tmp_path, site, aliases=())
    assert run.result.returncode == 0, run.result.stderr
    # without the @handle alias, the two tweets that only tag @HarbourLaneBakery do not name the client
    assert [p["source_id"] for p in run.posts] == ["1984746017387458617", "1984164686853058617"]
    assert (run.crawl["status"], run.crawl["pages"]) == ("ok", 2)


def test_a_full_bbb_crawl_cut_short_by_max_pages_removes_nothing(tmp_path):
    scenario = BY_ID["bbb"]
    with Site(scenario) as site:
        check(crawl(tmp_path, site), scenario.first, site.hits)
        before = len(site.hits)
        run = crawl(tmp_path, site, "--full", crawl={"download_delay": 0, "autothrottle": False, "timeout": 5,
                                                     "retries": 2, "max_retry_after": 5, "max_pages": 1})
    assert run.result.returncode == 0, run.result.stderr
    assert f"{BBB_REVIEWS}?page=2" not in site.hits[before:]  # the cap held
    assert run.crawl["full"] == 0
    assert [r["source_id"] for r in run.reviews if r["removed_at"]] == []  # Lena V's review is still on page 2
