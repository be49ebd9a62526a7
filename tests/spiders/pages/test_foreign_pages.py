"""What is not a site's page is a LayoutError for its extractor, never zero items: other sites' saved pages
(tests/cases) and small bodies (error answers, empty shells), one table for every site."""

from __future__ import annotations

import re

import pytest

from helpers import case
from repscan.app.cases import response_for
from repscan.spiders.pages import LayoutError, get

TP = "https://www.trustpilot.com/review/kettleandcrumb.example?sort=recency"
BBB = "https://www.bbb.org/us/oh/dublin/profile/bakery/harbour-lane-bakery-0302-90012345/customer-reviews"
FB = "https://m.facebook.com/HarbourLaneBakery/posts/"
MAPS = "http://127.0.0.1:8765/maps/place/Harbourside+Meze+House/data=!4m2!3m1!1s0x14e70b0f1a2b3c4d:0x8a1b2c3d4e5f6071"
MAPS_ENDPOINT = "http://127.0.0.1:8765/maps/rpc/listugcposts?authuser=0&hl=en&pb=!1m6!1s0x1!2m2!1i20!2s!13m1!1e2"
PLACES = "https://places.googleapis.com/v1/places/x"
TRIP = "http://127.0.0.1:8765/Hotel_Review-g274873-d1234567-Reviews-Pension_Alpenrose-Bled_Upper_Carniola_Region.html"
SJ = "https://www.sitejabber.com/reviews/harbourlane.example"
YP = "https://www.yellowpages.com/dublin-oh/mip/harbour-lane-bakery-123456789"
YELP = "http://127.0.0.1:8765/biz/copperleaf-plumbing-portland?sort_by=date_desc"
APPSTORE = "https://itunes.apple.com/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json"
GB = ("http://127.0.0.1:8765/v4/accounts/108273645500012345678/locations/4471298833112233445/reviews"
      "?orderBy=updateTime+desc&pageSize=50")
PLAY = "https://play.google.com/store/apps/details?id=com.example.harbourlane&hl=en_GB&gl=gb"
REDDIT = "https://oauth.reddit.com/search?q=%22Harbour+Lane+Bakery%22&sort=new&limit=100&raw_json=1"
BING = "https://www.bing.com/search?q=Acme+Plumbing"
BRAVE = "https://api.search.brave.com/res/v1/web/search?q=Acme+Plumbing&count=20"
DDG = "https://html.duckduckgo.com/html/?q=Acme+Plumbing"
SEARX = "https://searx.example.org/search?q=Acme+Plumbing&format=json&categories=general&pageno=1"
YELP_API = "http://127.0.0.1:8765/v3/businesses/copperleaf-plumbing-portland/reviews?sort_by=newest"
JSON = {"Content-Type": "application/json"}

# (site, URL, the case whose page is served instead, what the error says)
OTHER_PAGES = [
    ("trustpilot", TP, "jsonld/no-markup", ""),
    ("trustpilot", TP, "jsonld/cloudflare-just-a-moment", ""),
    ("bbb", BBB, "jsonld/no-markup", ""),
    ("bbb", BBB, "trustpilot/changed-layout", ""),
    ("facebook", FB, "jsonld/no-markup", ""),
    ("facebook", FB, "trustpilot/page-1-of-2", ""),
    ("google-maps", MAPS, "jsonld/no-markup", ""),
    ("google-maps", MAPS, "trustpilot/page-1-of-2", ""),
    ("sitejabber", SJ, "jsonld/no-markup", ""),
    ("sitejabber", SJ, "trustpilot/changed-layout", ""),
    ("tripadvisor", TRIP, "jsonld/no-markup", "no review cards"),
    ("yellowpages", YP, "jsonld/no-markup", ""),
    ("yellowpages", YP, "jsonld/cloudflare-just-a-moment", ""),
    ("yelp", YELP, "jsonld/no-markup", ""),
    ("yelp", YELP, "jsonld/cloudflare-just-a-moment", ""),
    ("bing", BING, "duckduckgo/html-page-1", "b_results"),
]

# (site, URL, body, response kind, headers, what the error says)
BODIES = [
    ("appstore", APPSTORE, '{"error": "not found"}', "html", None, ""),
    ("appstore", APPSTORE, "<html><body>Service unavailable</body></html>", "html", None, ""),
    ("appstore", APPSTORE, '{"feed": []}', "html", None, ""),
    ("google-business", GB, "<html><body>Sign in</body></html>", "text", None, ""),
    ("google-business", GB, "[1, 2]", "text", None, ""),
    ("google-business", GB, '{"kind": "other"}', "text", None, ""),
    ("google-maps", PLACES, '{"error_message": "The provided API key is invalid.", "html_attributions": [],'
     ' "status": "REQUEST_DENIED"}', "text", None, "REQUEST_DENIED: The provided API key is invalid."),
    ("google-maps", PLACES, '{"error": {"code": 403, "message": "Places API (New) has not been used",'
     ' "status": "PERMISSION_DENIED"}}', "text", None, "403 PERMISSION_DENIED: Places API (New) has not been used"),
    ("google-maps", PLACES, '{"hello": "world"}', "text", None, "without Places API fields"),
    ("google-maps", MAPS_ENDPOINT, ')]}\'\n[null, "tok", [[["not", "a", "review"]]]]', "html", None,
     "no place data and no reviews"),
    ("googleplay", PLAY, "<html><body><h1>We're sorry</h1></body></html>", "html", None, ""),
    ("googleplay", PLAY, '{"reviews": []}', "html", None, ""),
    ("reddit", REDDIT, '{"kind": "t2", "data": {}}', "html", None, ""),
    ("reddit", REDDIT, '{"message": "Forbidden", "error": 403}', "html", None, ""),
    ("reddit", REDDIT, "<html><body>blocked</body></html>", "html", None, ""),
    ("brave", BRAVE, "<html><body>Bad gateway</body></html>", "text", JSON, "brave"),
    ("brave", BRAVE, "[1, 2]", "text", JSON, "brave"),
    ("brave", BRAVE, '{"query": "Acme Plumbing", "results": []}', "text", JSON, "brave"),
    ("duckduckgo", DDG, "<html><body><h1>DuckDuckGo</h1><p>Something else entirely.</p></body></html>", "html",
     None, "duckduckgo"),
    ("duckduckgo", DDG, '<html><body><div id="links"><div class="web-result-new"><a href="/x">x</a></div></div>'
     "</body></html>", "html", None, "duckduckgo"),
    ("searxng", SEARX, "<!DOCTYPE html><html><body>403 Forbidden</body></html>", "text", JSON, "searxng"),
    ("searxng", SEARX, '{"type": "search", "web": {"results": []}}', "text", JSON, "searxng"),
    ("searxng", SEARX, '{"results": {"url": "https://x.example/"}}', "text", JSON, "searxng"),
    ("feed", "https://a.example/feed", "<html><body><p>Not a feed</p></body></html>", "xml", None, ""),
    ("feed", "https://a.example/feed", "", "xml", None, ""),
    ("feed", "https://a.example/feed", '{"items": []}', "xml", None, ""),
    ("feed", "https://a.example/feed", "<?xml version='1.0'?><rss version='2.0'></rss>", "xml", None, ""),
    ("jsonld", "https://cafelumiere.example/",
     '<html><head><script type="application/ld+json">{"@type": "Review",</script></head></html>', "html", None,
     "1 JSON-LD blocks, 1 broken"),
    ("yelp-api", YELP_API, "<html></html>", "text", None, ""),
    ("yelp-api", YELP_API, "[]", "text", None, ""),
    ("yelp-api", YELP_API, '{"businesses": []}', "text", None, ""),
]


@pytest.mark.parametrize("site, url, other, match", OTHER_PAGES, ids=[f"{s}-{o}" for s, _, o, _ in OTHER_PAGES])
def test_other_sites_pages_are_layout_errors(site, url, other, match):
    with pytest.raises(LayoutError, match=re.escape(match) if match else None):
        get(site).extract(case(other).response(url))


@pytest.mark.parametrize("site, url, body, kind, headers, match", BODIES,
                         ids=[f"{row[0]}-{n}" for n, row in enumerate(BODIES)])
def test_answers_without_the_site_s_data_are_layout_errors(site, url, body, kind, headers, match):
    response = response_for(body.encode(), url, kind=kind, headers=headers)
    with pytest.raises(LayoutError, match=re.escape(match) if match else None):
        get(site).extract(response)
