"""Apple App Store customer reviews from iTunes' RSS JSON feed, newest first, ten pages at most."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError
from .common import dates, evidence, jsondata, urls, values

SITE = "appstore"
MAX_PAGE = 10  # Apple serves pages 1-10 of the feed and nothing beyond

_FEED_PATH = re.compile(
    r"^/(?P<cc>[a-z]{2})/rss/customerreviews(?:/page=(?P<page>\d+))?/id=(?P<id>\d+)"
    r"(?:/sortby=\w+)?(?:/(?:json|xml))?/?$", re.IGNORECASE)
_APP_PATH = re.compile(r"^/(?:(?P<cc>[a-z]{2})/)?app/(?:[^/]+/)?id(?P<id>\d+)/?$", re.IGNORECASE)
_ENTRY_LINK = re.compile(r"^/(?P<cc>[a-z]{2})/review$", re.IGNORECASE)  # an entry's related link: /cc/review?id=APP


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in feed order, then a business item when the feed names the app (2015-era feeds).

    Feeds before ~2017 carry no review dates (published_at None); newer ones give `updated`.
    Raises LayoutError when the body is not a customer-reviews feed.
    """
    data = jsondata.json_body(response, SITE)
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise LayoutError(f"appstore: {response.url} has no customer-reviews feed object")
    app = _app(response.url) or _app_from_feed(feed)
    business_url = f"https://apps.apple.com/{app[0]}/app/id{app[1]}" if app else None
    items, name = [], None
    for entry in values.as_list(feed.get("entry")):
        if not isinstance(entry, dict):
            continue
        if "im:rating" not in entry:
            name = name or values.text(jsondata.dig(entry, "im:name", "label"))
            continue
        review_id = values.text(jsondata.dig(entry, "id", "label"))
        if not review_id:
            continue
        items.append(make(
            "review",
            source=SITE,
            source_id=review_id,
            url=f"{business_url}?see-all=reviews" if business_url else None,
            business_url=business_url,
            author=values.text(jsondata.dig(entry, "author", "name", "label")),
            rating=values.number(jsondata.dig(entry, "im:rating", "label")),
            rating_max=5,
            title=values.text(jsondata.dig(entry, "title", "label")),
            text=_content(entry.get("content")),
            published_at=dates.when(jsondata.dig(entry, "updated", "label")),
        ))
    if name:
        items.append(make("business", source=SITE, url=business_url, name=name))
    return items


def expected(response) -> str | None:
    """The feed's entries other than the app's own (the one carrying im:name)."""
    feed = jsondata.dig(jsondata.json_or_none(response), "feed")
    entries = values.as_list(feed.get("entry")) if isinstance(feed, dict) else []
    return evidence.counted([e for e in entries if isinstance(e, dict) and "im:name" not in e], "feed entry",
                            "feed entries")


def next_page(response) -> str | None:
    """The next page=N of the same feed (as JSON; Apple's own next link points at XML), None at the end."""
    parts = urlsplit(response.url)
    match = _FEED_PATH.match(parts.path)
    if not match:
        return None
    try:
        feed = jsondata.json_body(response, SITE).get("feed") or {}
    except (LayoutError, AttributeError):
        return None
    reviews = [e for e in values.as_list(feed.get("entry")) if isinstance(e, dict) and "im:rating" in e]
    if not reviews:
        return None
    page = int(match.group("page") or 1)
    last = _last_page(feed)
    if page >= MAX_PAGE or (last is not None and page >= last):
        return None
    return _feed_url(parts.scheme, parts.netloc, match.group("cc"), match.group("id"), page + 1)


def start_url(url: str) -> str:
    """Page 1 of the feed, newest first, as JSON, from a feed URL or an app page URL.

    Apple hosts (apps.apple.com, itunes.apple.com) map to itunes.apple.com; any other
    host is kept, so a config can point at a mirror or a local test server.
    """
    parts = urlsplit(url)
    match = _FEED_PATH.match(parts.path) or _APP_PATH.match(parts.path)
    if not match:
        raise ValueError(f"appstore: {url} is neither an App Store app page nor a customer-reviews feed")
    netloc = "itunes.apple.com" if urls.on_domain(url, "apple.com") else parts.netloc
    scheme = "https" if urls.on_domain(url, "apple.com") else parts.scheme
    return _feed_url(scheme, netloc, (match.group("cc") or "us").lower(), match.group("id"), 1)


def _feed_url(scheme: str, netloc: str, country: str, app_id: str, page: int) -> str:
    path = f"/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
    return urlunsplit((scheme, netloc, path, "", ""))


def _app(url: str | None) -> tuple[str, str] | None:
    path = urlsplit(url or "").path
    match = _FEED_PATH.match(path) or _APP_PATH.match(path)
    if match and match.group("id"):
        return (match.group("cc") or "us").lower(), match.group("id")
    return None


def _app_from_feed(feed: dict) -> tuple[str, str] | None:
    """The store and app id from the feed's own links or id, else an entry's link (for a feed saved to a file)."""
    refs = [jsondata.dig(link, "attributes", "href") for link in values.as_list(feed.get("link"))]
    refs.append(re.sub("%3d", "=", values.text(jsondata.dig(feed, "id", "label")) or "", flags=re.IGNORECASE))
    for ref in refs:
        found = _app(ref)
        if found:
            return found
    # Feeds since ~2020 carry no feed-level id or links; each entry still links its app's review page.
    for entry in values.as_list(feed.get("entry")):
        href = jsondata.dig(entry, "link", "attributes", "href") if isinstance(entry, dict) else None
        parts = urlsplit(href or "")
        match = _ENTRY_LINK.match(parts.path)
        app_id = re.search(r"(?:^|&)id=(\d+)", parts.query)
        if match and app_id:
            return match.group("cc").lower(), app_id.group(1)
    return None


def _last_page(feed: dict) -> int | None:
    for link in values.as_list(feed.get("link")):
        if jsondata.dig(link, "attributes", "rel") == "last":
            match = re.search(r"/page=(\d+)/", jsondata.dig(link, "attributes", "href") or "")
            return int(match.group(1)) if match else None
    return None


def _content(value) -> str | None:
    """The review body; some feeds give it twice (text and html), the text one wins."""
    options = [v for v in values.as_list(value) if isinstance(v, dict)]
    options.sort(key=lambda v: jsondata.dig(v, "attributes", "type") != "text")
    for option in options:
        body = values.text(option.get("label"))
        if body:
            return body if jsondata.dig(option, "attributes", "type") != "html" else values.clean_text(body)
    return None
