"""Reddit posts and comments from the OAuth API's Listing JSON (search, newest first) or Reddit's RSS/Atom feeds."""

from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import lxml.html

from repscan.core.items import iso_utc, make

from . import LayoutError, MissingCredentials, feed
from .common import evidence, jsondata, urls, values

SITE = "reddit"
MENTIONS = True  # a search or alert source: keep only items that name the client
WEB = "https://www.reddit.com"
API_HOST = "oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
CLIENT_ID, CLIENT_SECRET = "REPSCAN_REDDIT_CLIENT_ID", "REPSCAN_REDDIT_CLIENT_SECRET"
FEED_PAGE = 25  # entries per page of Reddit's RSS


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Posts (t3) and comments (t1, with parent_url) in listing order, from JSON or Atom.

    Raises LayoutError for JSON that holds no Listing and for anything that is not a feed.
    """
    if jsondata.looks_like_json(response):
        data = jsondata.json_body(response, SITE)
        listings = [node for node in values.as_list(data) if isinstance(node, dict) and node.get("kind") == "Listing"]
        if not listings:
            raise LayoutError(f"reddit: {response.url} holds no Listing")
        items: list[dict] = []
        for listing in listings:
            _walk(listing, items)
        return items
    return [_from_entry(entry) for entry in feed.parse(response).entries]


def expected(response) -> str | None:
    """The children of the body's Listings (JSON), else the feed's entries."""
    if not jsondata.looks_like_json(response):
        return feed.expected(response)
    data = jsondata.json_or_none(response)
    children = [child for node in values.as_list(data) if isinstance(node, dict)
                for child in values.as_list(jsondata.dig(node, "data", "children"))]
    return evidence.counted(children, "listing entry", "listing entries")


def next_page(response) -> str | None:
    """`after` from the Listing; for a full feed page, the last entry's fullname as `after`."""
    if jsondata.looks_like_json(response):
        after = jsondata.dig(jsondata.json_or_none(response), "data", "after")
        return urls.with_params(response.url, after=after) if isinstance(after, str) and after else None
    try:
        entries = feed.parse(response).entries
    except LayoutError:
        return None
    raw = urls.param(response.url, "limit")
    limit = int(raw) if raw and raw.isdigit() else FEED_PAGE
    last = entries[-1].guid if entries else None
    if len(entries) < limit or not last or not last.startswith(("t3_", "t1_")):
        return None
    return urls.with_params(response.url, after=last)


def start_url(url: str) -> str:
    """Newest first. A .rss URL stays a feed; any other Reddit URL becomes the OAuth API on oauth.reddit.com.

    Another host (a mirror, a local test server) is kept as the API endpoint.
    """
    if is_feed(url):
        return urls.with_defaults(url, sort="new")
    parts = urlsplit(url)
    if urls.on_domain(url, "reddit.com"):
        path = parts.path.rstrip("/").removesuffix(".json") or "/search"
        url = urlunsplit(("https", API_HOST, path, parts.query, ""))
    return urls.with_defaults(url, sort="new", limit="100", raw_json="1")


def is_feed(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith((".rss", ".xml", ".atom"))


def credentials_needed(url: str) -> tuple[str, ...]:
    """A .rss URL needs none; the API needs the client credentials."""
    return () if is_feed(start_url(url)) else (CLIENT_ID, CLIENT_SECRET)


def token_url(api_url: str) -> str:
    """Where to trade the client credentials for a token: Reddit's, or the same origin as a non-Reddit API URL."""
    if urls.on_domain(api_url, "reddit.com"):
        return TOKEN_URL
    parts = urlsplit(api_url)
    return urlunsplit((parts.scheme, parts.netloc, "/api/v1/access_token", "", ""))


def token_request(environ) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and form of the client-credentials token request; MissingCredentials names what is unset."""
    client_id, secret = environ.get(CLIENT_ID, "").strip(), environ.get(CLIENT_SECRET, "").strip()
    missing = [name for name, value in ((CLIENT_ID, client_id), (CLIENT_SECRET, secret)) if not value]
    if missing:
        raise MissingCredentials(" and ".join(missing) + " (or use a search.rss URL, which needs none)")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    return {"Authorization": f"Basic {basic}"}, {"grant_type": "client_credentials"}


def access_token(response) -> str:
    """The bearer token from the token endpoint's answer; LayoutError with Reddit's error otherwise."""
    data = jsondata.json_body(response, SITE)
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        error = data.get("error") if isinstance(data, dict) else None
        raise LayoutError(f"reddit: no access token from {response.url} ({error or 'unexpected answer'})")
    return token


def _walk(listing: dict, items: list[dict]) -> None:
    for child in values.as_list((listing.get("data") or {}).get("children")):
        if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
            continue
        data = child["data"]
        if child.get("kind") == "t3":
            items.append(_post(data))
        elif child.get("kind") == "t1":
            items.append(_comment(data))
            replies = data.get("replies")
            if isinstance(replies, dict) and replies.get("kind") == "Listing":
                _walk(replies, items)


def _post(data: dict) -> dict:
    return make(
        "post",
        source=SITE,
        source_id=values.text(data.get("name")) or f"t3_{data.get('id')}",
        url=_web(data.get("permalink")),
        author=_author(data.get("author")),
        title=values.text(data.get("title")),
        text=_content(data.get("selftext")),
        published_at=_created(data),
        score=values.number(data.get("score")),
        comments_count=values.count(data.get("num_comments")),
    )


def _comment(data: dict) -> dict:
    url = _web(data.get("permalink"))
    return make(
        "post",
        source=SITE,
        source_id=values.text(data.get("name")) or f"t1_{data.get('id')}",
        url=url,
        parent_url=_parent(data, url),
        author=_author(data.get("author")),
        text=_content(data.get("body")),
        published_at=_created(data),
        score=values.number(data.get("score")),
    )


def _parent(data: dict, url: str | None) -> str | None:
    """What a comment answers: the post (parent_id t3_...) or, for a reply, the parent comment (t1_...),
    whose permalink is the post's with the comment's id appended."""
    thread = values.text(data.get("link_permalink")) or _thread(url)
    parent = values.text(data.get("parent_id")) or ""
    if parent.startswith("t1_") and thread:
        return f"{thread.rstrip('/')}/{parent.removeprefix('t1_')}/"
    return thread


def _from_entry(entry: feed.Entry) -> dict:
    fullname = entry.guid if entry.guid and entry.guid.startswith(("t1_", "t3_")) else None
    is_comment = bool(fullname and fullname.startswith("t1_"))
    return make(
        "post",
        source=SITE,
        source_id=fullname or feed.source_id(entry),
        url=entry.link,
        parent_url=_thread(entry.link) if is_comment else None,
        author=_author(entry.author),
        title=None if is_comment else entry.title,
        text=_body(entry.html),
        published_at=entry.published_at or entry.updated_at,
    )


def _body(html: str | None) -> str | None:
    """The post's or comment's own text in a feed entry (Reddit wraps it in div.md), without the link table."""
    if not html:
        return None
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    body = root.xpath('.//div[contains(concat(" ", normalize-space(@class), " "), " md ")]')
    return values.text(values.element_text(body[0])) if body else None


def _content(value) -> str | None:
    """Text as posted; Reddit's "[deleted]"/"[removed]" markers are no text (the stored copy stays)."""
    body = values.text(value)
    return None if body in ("[deleted]", "[removed]") else body


def _author(value) -> str | None:
    name = values.text(value)
    if not name or name in ("[deleted]", "/u/[deleted]"):
        return None
    return name.removeprefix("/u/").removeprefix("u/")


def _created(data: dict) -> str | None:
    value = data.get("created_utc")
    return iso_utc(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _web(permalink) -> str | None:
    link = values.text(permalink)
    if not link:
        return None
    return link if link.startswith("http") else WEB + link


def _thread(url: str | None) -> str | None:
    """A comment's post: the permalink without the comment's own last segment."""
    if not url:
        return None
    parts = urlsplit(url)
    segments = parts.path.rstrip("/").split("/")
    if "comments" not in segments or len(segments) - segments.index("comments") < 4:
        return None
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments[:-1]) + "/", "", ""))
