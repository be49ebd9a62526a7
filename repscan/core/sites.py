"""The table of sites: one row per site key, read by the config, the spiders, the reports and the README."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Site:
    """What repscan knows about a site apart from how to read its pages (that is spiders/pages/<module>[.py])."""

    key: str                          # the site key of the config and of every item (`source`)
    kind: Literal["source", "search"]  # a review/post source of a client, or a search engine
    label: str                        # the site as people write it, in reports and alerts
    how: str                          # how its pages or API are read (README)
    verified: str                     # against which real saved pages (README)
    collects: str = ""                # what it collects (README; sources only)
    credentials: tuple[str, ...] = ()  # environment variables its requests read
    credentials_note: str = ""        # the README's credentials cell when the variable names alone are not enough
    robots: bool = True               # obey robots.txt; False for APIs and subscribed feeds
    robots_why: str = ""
    mentions: bool = False            # keep only items that name the client (search and alert sources)
    spider: str | None = None         # a spider class of its own in spiders/<module>.py; None: the generic one

    @property
    def module(self) -> str:
        """Its page module's (and any own spider module's) name: "google-maps" -> "google_maps"."""
        return self.key.replace("-", "_")

    @property
    def credentials_cell(self) -> str:
        return self.credentials_note or ", ".join(f"`{name}`" for name in self.credentials) or "none"


TABLE: tuple[Site, ...] = (
    Site('trustpilot', 'source', 'Trustpilot',
         collects="a business's reviews, owner replies and reply times, and the business summary (name, TrustScore, review count)",
         how="the page's `__NEXT_DATA__` JSON; the JSON-LD `@graph` as fallback (no replies there); `?sort=recency&page=N`",
         verified='yes (a 2024 profile page: 20 reviews, 4 replies)'),
    Site('jsonld', 'source', 'Website (schema.org)',
         collects='reviews and the aggregate rating on any page with schema.org markup: JSON-LD (`@graph`, lists, nested in Product, LocalBusiness, Organization, Recipe ...) and microdata',
         how='JSON-LD / microdata; `rel=next` paging',
         verified='yes (a 2024 recipe page: 24 Review objects, 12 unique)'),
    Site('google-maps', 'source', 'Google Maps',
         collects="a place's reviews with owner replies, and (from a place page or the Places API) its name, rating and count",
         how="the reviews data endpoint (`listugcposts`, `)]}'` JSON) sorted newest first with page tokens; the place page's embedded `APP_INITIALIZATION_STATE`; the older `listentitiesreviews` endpoint; Places API JSON (legacy and New); fields found by shape, not fixed indexes",
         verified='yes (a 2023 place payload: 8 reviews, 4.2 / 396; the Places API documentation example: 5 reviews). Not run against live Google: Google may refuse it without browser cookies'),
    Site('google-business', 'source', 'Google Business Profile',
         collects="an authorised location's complete review history, owner replies with exact times, average rating and count",
         how='Business Profile API v4 `accounts/{a}/locations/{l}/reviews`, `orderBy=updateTime desc`, `pageToken`',
         credentials=('REPSCAN_GOOGLE_BUSINESS_TOKEN',),
         credentials_note='`REPSCAN_GOOGLE_BUSINESS_TOKEN` (OAuth access token, scope `business.manage`)',
         verified='no (our fixtures in the documented shape)'),
    Site('yelp', 'source', 'Yelp',
         collects="a business's reviews, owner replies, and the business summary",
         how='the embedded review feed, with exact times from the Apollo cache; the review markup read by structure (no hashed class names) as fallback; `?sort_by=date_desc&start=N`',
         verified='yes (a 2022 business page: 10 reviews, 2 replies, 4.5 / 82; a 2019 user page: 9 reviews, 2 replies)'),
    Site('yelp-api', 'source', 'Yelp Fusion API',
         collects='at most 3 review excerpts (about 160 characters, no replies) and the total count: a fallback',
         how='Yelp Fusion `v3/businesses/{alias}/reviews?sort_by=newest`',
         credentials=('REPSCAN_YELP_API_KEY',),
         verified='no (our fixtures in the documented shape)'),
    Site('tripadvisor', 'source', 'Tripadvisor',
         collects='reviews with titles, management responses, and the rating summary',
         how='legacy `data-reviewid` markup, current `reviewCard` cards read by structure, JSON-LD; `-orNN-` pages',
         verified="yes (a 2019 attraction page: 10 reviews, 4.5 / 34); today's card markup not verified against a saved page"),
    Site('appstore', 'source', 'App Store',
         collects="an iOS app's reviews, newest first",
         how='iTunes customer-reviews RSS JSON, `page=N` (up to 10)',
         verified='yes (a 2015 JP feed: 50 reviews)',
         robots=False, robots_why='a feed published for programs, not pages to crawl'),
    Site('googleplay', 'source', 'Google Play',
         collects="an Android app's reviews, developer replies, the app's rating",
         how='the newest-first reviews request (form POST, paged by token); the details page for the JSON-LD rating',
         verified='details page yes (2019: 40 reviews); the newest-first request no',
         spider='GooglePlaySpider'),
    Site('facebook', 'source', 'Facebook',
         collects="a business page's posts and the comments under them",
         how='m.facebook.com posts tab, its "more" pages, post pages',
         credentials_note='none (often a login wall, recorded as `blocked`)',
         verified='yes (a 2021 recorded crawl: 6 posts, 81 comments)',
         spider='FacebookSpider'),
    Site('facebook-graph', 'source', 'Facebook (Graph API)',
         collects="feed posts with comments, and ratings with the page's replies, for pages the client owns",
         how='Graph API v19.0 `/{page}/feed` and `/{page}/ratings`, `paging.next`; a recommendation is 5 (positive) or 1 (negative) of 5',
         credentials=('REPSCAN_FACEBOOK_PAGE_TOKEN',),
         verified='no (our fixtures in the documented shape)',
         robots=False, robots_why='an authorised API, governed by its terms'),
    Site('reddit', 'source', 'Reddit',
         collects='posts (and, from thread URLs, comments) that name the client',
         how='OAuth search API (client credentials), `after`; or a `search.rss` URL',
         credentials=('REPSCAN_REDDIT_CLIENT_ID', 'REPSCAN_REDDIT_CLIENT_SECRET'),
         credentials_note='`REPSCAN_REDDIT_CLIENT_ID`, `REPSCAN_REDDIT_CLIENT_SECRET` (none for `.rss`)',
         verified='yes (a 2020 API answer: 31 posts; a 2025 Atom feed: 23)',
         robots=False, robots_why='the API, or a feed fetched for its reader',
         mentions=True,
         spider='RedditSpider'),
    Site('feed', 'source', 'Feed',
         collects='any RSS or Atom feed: Google Alerts, Talkwalker Alerts, blogs, forum threads; de-duplicated across feeds by the normalised link',
         how='RSS 2.0/1.0 and Atom, `rel=next`; Google/Bing redirect links unwrapped, `utm_*` dropped',
         verified='yes (Hacker News RSS: 30 items; Reddit Atom: 23)',
         robots=False, robots_why='a subscribed feed, fetched for its reader as feed readers do (Google Alerts feeds sit under a Disallow)'),
    Site('twitter', 'source', 'Twitter',
         collects='recent posts that name the client',
         how='X API v2 recent search, `next_token`',
         credentials=('REPSCAN_X_BEARER_TOKEN',),
         verified='yes (a 2022 answer: 10 posts, default fields)',
         robots=False, robots_why='an authorised API, governed by its terms',
         mentions=True),
    Site('foursquare', 'source', 'Foursquare',
         collects='venue tips (unrated reviews)',
         how='Places API v3; v2 answers read too',
         credentials=('REPSCAN_FOURSQUARE_API_KEY',),
         verified='yes for v2 (2012: 4 tips)',
         robots=False, robots_why='an authorised API, governed by its terms'),
    Site('yellowpages', 'source', 'Yellow Pages',
         collects='reviews, owner responses, the summary',
         how='JSON-LD plus review cards, `rel=next`',
         verified="**no**: built from the site's known structure, not yet verified against a saved page"),
    Site('bbb', 'source', 'BBB',
         collects='customer reviews and complaints ("Complaint: <type>", unrated) with the business\'s responses',
         how='`__PRELOADED_STATE__`, JSON-LD fallback, `?page=N`',
         verified='**no**: not yet verified against a saved page'),
    Site('sitejabber', 'source', 'Sitejabber',
         collects='reviews, titles, business replies',
         how='JSON-LD plus review cards, `rel=next`',
         verified='**no**: not yet verified against a saved page'),
    Site('duckduckgo', 'search', 'DuckDuckGo',
         how='the no-JavaScript result pages: html layout, or lite when `base_urls.duckduckgo` is a `lite.` host; `uddg=` redirects unwrapped',
         verified='verified against a real recorded page (25 results)'),
    Site('bing', 'search', 'Bing',
         how='HTML result pages, `li.b_algo`; `ck/a?...&u=a1<base64>` unwrapped',
         verified='verified against a real recorded page (10 results)'),
    Site('google', 'search', 'Google',
         how='HTML result pages (current `div.g`/`MjjYud` and the basic layout), `/url?q=` unwrapped; the consent and "unusual traffic" pages count as blocked',
         verified='verified against a real recorded page (10 results)'),
    Site('brave', 'search', 'Brave',
         how='Brave Search API (`/res/v1/web/search`)',
         credentials=('REPSCAN_BRAVE_API_KEY',),
         verified='recommended for steady use'),
    Site('searxng', 'search', 'SearXNG',
         how='the JSON API of a SearXNG instance (`searxng_url`)',
         verified='recommended: your own instance, no scraping'),
)

SITES: dict[str, Site] = {site.key: site for site in TABLE}

# Names the reports use for keys that are not sites we crawl (search-result categories' domains).
OTHER_LABELS = {
    "insiderpages": "Insider Pages",
    "citysearch": "CitySearch",
    "ripoffreport": "Ripoff Report",
    "pissedconsumer": "PissedConsumer",
    "complaintsboard": "ComplaintsBoard",
}


class UnknownSite(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown site"


def keys(kind: str | None = None) -> list[str]:
    """Site keys, sorted: all, or only sources ("source") or engines ("search")."""
    return sorted(site.key for site in TABLE if kind in (None, site.kind))


def get(key: str) -> Site:
    if key not in SITES:
        raise UnknownSite(f"unknown site {key!r}; known sites: {', '.join(keys())}")
    return SITES[key]


def label(key: str | None) -> str:
    """A site key as people write it: "google-maps" -> "Google Maps"; unknown keys title-cased."""
    if not key:
        return ""
    site = SITES.get(key)
    return site.label if site else OTHER_LABELS.get(key) or key.replace("-", " ").replace("_", " ").title()


def markdown(kind: str) -> str:
    """The README's table of sources ("source") or of search engines ("search"), in table order."""
    if kind == "source":
        lines = ["| site key | what it collects | how | credentials | verified against a real saved page |",
                 "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{s.key}` | {s.collects} | {s.how} | {s.credentials_cell} | {s.verified} |"
                  for s in TABLE if s.kind == "source"]
    else:
        lines = ["| engine key | how | credentials | notes |", "| --- | --- | --- | --- |"]
        lines += [f"| `{s.key}` | {s.how} | {s.credentials_cell} | {s.verified} |" for s in TABLE if s.kind == "search"]
    return "\n".join(lines) + "\n"
