"""Foursquare tips (unrated reviews): the 2025 Places API, the v3 Places API before it, and legacy v2 answers."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import iso_utc, make

from . import LayoutError, credential
from .common import dates, evidence, jsondata, urls, values

SITE = "foursquare"
API = "https://api.foursquare.com"  # v2 and v3
PLACES = "https://places-api.foursquare.com"  # the Places API since 2025: no version in the path, a version header
PLACES_VERSION = "2025-06-17"
PLACES_FIELDS = "fsq_tip_id,created_at,text,lang"
KEY = "REPSCAN_FOURSQUARE_API_KEY"  # v2 and v3 (api.foursquare.com)
SERVICE_KEY = "REPSCAN_FOURSQUARE_SERVICE_KEY"  # the 2025 Places API (places-api.foursquare.com)
_PLACES = re.compile(r"^/places/([^/]+)/tips/?$")
_V3 = re.compile(r"/v3/places/([^/]+)/tips/?$")
_V2 = re.compile(r"/v2/venues/([^/]+)/tips/?$")
_V2_USER = re.compile(r"/v2/users/([^/]+)/tips/?$")  # a user's tips: each at its own venue
_WEB = re.compile(r"^/v/(?:[^/]+/)?([0-9a-f]{24})/?$")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Tips as reviews with rating None, newest first as the API sorts them.

    The Places API (2025 and v3) answers a bare list of {fsq_tip_id or id, created_at, text}; v2 wraps tips in
    response.tips, as {count, items} or (a user's tips, lists) as a plain list, with createdAt epochs, the
    tipper's name and, outside a venue's own tips, the tip's venue. Raises LayoutError for anything else.
    """
    data = jsondata.json_body(response, SITE)
    tips = _tips(data)
    if tips is None:
        detail = jsondata.dig(data, "meta", "errorDetail") or jsondata.dig(data, "message")
        raise LayoutError(f"foursquare: {response.url} holds no tips" + (f" ({detail})" if detail else ""))
    venue = _venue(response.url)
    items = []
    for tip in tips:
        tip_id = values.text(tip.get("fsq_tip_id") or tip.get("id")) if isinstance(tip, dict) else None
        if not tip_id:
            continue
        user = tip.get("user") if isinstance(tip.get("user"), dict) else {}
        created = tip.get("createdAt")
        items.append(make(
            "review",
            source=SITE,
            source_id=tip_id,
            url=values.text(tip.get("canonicalUrl")) or f"https://foursquare.com/item/{tip_id}",
            business_url=_tip_venue(tip) or (f"https://foursquare.com/v/{venue}" if venue else None),
            author=" ".join(p for p in (values.text(user.get("firstName")), values.text(user.get("lastName"))) if p)
            or None,
            rating=None,
            text=values.text(tip.get("text")),
            language=values.text(tip.get("lang")),
            published_at=dates.when(tip.get("created_at")) or (
                iso_utc(created) if isinstance(created, (int, float)) and not isinstance(created, bool) else None),
        ))
    return items


def expected(response) -> str | None:
    """The tips the body lists: a bare list (v3), response.tips.items or a response.tips list (v2)."""
    return evidence.first(*(evidence.listed(response, *path, noun="tip")
                            for path in ((), ("response", "tips", "items"), ("response", "tips"))))


def next_page(response) -> str | None:
    """The Places API: the Link header's rel="next"; v2: the next offset while fewer than `count` were read
    (a plain list has no count: while a page comes back full)."""
    target = urls.link_header(response, "next")
    if target:
        return target
    path = urlsplit(response.url).path
    if not (_V2.search(path) or _V2_USER.search(path)):
        return None
    node = jsondata.dig(jsondata.json_or_none(response), "response", "tips")
    read = node if isinstance(node, list) else node.get("items") if isinstance(node, dict) else None
    if not isinstance(read, list) or not read:
        return None
    offset = int(urls.param(response.url, "offset") or 0) + len(read)
    if isinstance(node, dict):
        total = values.count(node.get("count"))
        more = total is not None and offset < total
    else:
        limit = urls.param(response.url, "limit")
        more = bool(limit and limit.isdigit() and len(read) >= int(limit))
    return urls.with_params(response.url, offset=str(offset)) if more else None


def start_url(url: str) -> str:
    """The tips endpoint, newest first, from a foursquare.com/v/... page (the 2025 Places API) or an API URL.

    Another host (a local test server) is kept as the API endpoint.
    """
    parts = urlsplit(url)
    web = _WEB.match(parts.path)
    if web and urls.on_domain(url, "foursquare.com"):
        url = f"{PLACES}/places/{web.group(1)}/tips"
    elif not (_PLACES.match(parts.path) or _V3.search(parts.path) or _V2.search(parts.path)
              or _V2_USER.search(parts.path)):
        raise ValueError(f"foursquare: {url} is neither a venue page nor a tips endpoint")
    else:
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    path = urlsplit(url).path
    if _PLACES.match(path):
        return urls.with_defaults(url, sort="NEWEST", limit="50", fields=PLACES_FIELDS)
    if _V2.search(path) or _V2_USER.search(path):
        return urls.with_defaults(url, sort="recent", limit="500")
    return urls.with_defaults(url, sort="newest", limit="50")


def request_headers(environ, url: str | None = None) -> dict[str, str]:
    """The 2025 Places API: its service key as a Bearer token and the version header; v2/v3: the API key as it is."""
    if url and _is_places(url):
        key = credential(environ, SERVICE_KEY, " (a Foursquare Places API service key)")
        return {"Authorization": f"Bearer {key}", "X-Places-Api-Version": PLACES_VERSION, "Accept": "application/json"}
    return {"Authorization": credential(environ, KEY, " (a Foursquare Places API key)"), "Accept": "application/json"}


def credentials_needed(url: str) -> tuple[str, ...]:
    """The service key for the 2025 Places API (venue pages lead there), the API key for v2/v3."""
    return (SERVICE_KEY,) if _is_places(url) else (KEY,)


def _is_places(url: str) -> bool:
    try:
        return bool(_PLACES.match(urlsplit(start_url(url)).path))
    except ValueError:
        return False


def _tips(data) -> list | None:
    """The tips of any answer: a bare list, response.tips as a list, or response.tips.items; None if none is there."""
    if isinstance(data, list):
        return data
    node = jsondata.dig(data, "response", "tips")
    if isinstance(node, dict):
        node = node.get("items")
    return node if isinstance(node, list) else None


def _tip_venue(tip: dict) -> str | None:
    """A tip's own venue (a user's tips span many): its page by id, as a venue's own tips have it."""
    venue = tip.get("venue") if isinstance(tip.get("venue"), dict) else {}
    venue_id = values.text(venue.get("id"))
    return f"https://foursquare.com/v/{venue_id}" if venue_id else values.text(venue.get("canonicalUrl"))


def _venue(url: str) -> str | None:
    path = urlsplit(url).path
    match = _PLACES.match(path) or _V3.search(path) or _V2.search(path) or _WEB.match(path)
    return match.group(1) if match else None
