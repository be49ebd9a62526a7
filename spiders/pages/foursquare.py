"""Foursquare venue tips (unrated reviews) through the Places API v3, and legacy v2 tip responses."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import iso_utc, make

from . import LayoutError, credential
from .common import dates, evidence, jsondata, urls, values

SITE = "foursquare"
API = "https://api.foursquare.com"
KEY = "REPSCAN_FOURSQUARE_API_KEY"
_V3 = re.compile(r"/v3/places/([^/]+)/tips/?$")
_V2 = re.compile(r"/v2/venues/([^/]+)/tips/?$")
_WEB = re.compile(r"^/v/(?:[^/]+/)?([0-9a-f]{24})/?$")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Tips as reviews with rating None, newest first as the API sorts them.

    v3 answers a bare list of {id, created_at, text}; v2 wraps tips in response.tips.items
    with createdAt epochs and the tipper's name. Raises LayoutError for anything else.
    """
    data = jsondata.json_body(response, SITE)
    venue = _venue(response.url)
    if isinstance(data, list):
        tips = data
    elif isinstance(jsondata.dig(data, "response", "tips", "items"), list):
        tips = data["response"]["tips"]["items"]
    else:
        detail = jsondata.dig(data, "meta", "errorDetail") or jsondata.dig(data, "message")
        raise LayoutError(f"foursquare: {response.url} holds no tips" + (f" ({detail})" if detail else ""))
    items = []
    for tip in tips:
        tip_id = values.text(tip.get("id")) if isinstance(tip, dict) else None
        if not tip_id:
            continue
        user = tip.get("user") if isinstance(tip.get("user"), dict) else {}
        created = tip.get("createdAt")
        items.append(make(
            "review",
            source=SITE,
            source_id=tip_id,
            url=values.text(tip.get("canonicalUrl")) or f"https://foursquare.com/item/{tip_id}",
            business_url=f"https://foursquare.com/v/{venue}" if venue else None,
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
    """v3: the Link header's rel="next"; v2: the next offset while fewer than `count` were read."""
    target = urls.link_header(response, "next")
    if target:
        return target
    if not _V2.search(urlsplit(response.url).path):
        return None
    tips = jsondata.dig(jsondata.json_or_none(response), "response", "tips")
    if not isinstance(tips, dict) or not tips.get("items"):
        return None
    offset = int(urls.param(response.url, "offset") or 0) + len(tips["items"])
    total = values.count(tips.get("count"))
    return urls.with_params(response.url, offset=str(offset)) if total is not None and offset < total else None


def start_url(url: str) -> str:
    """The venue's tips endpoint, newest first, from a foursquare.com/v/... page or an API URL.

    Another host (a local test server) is kept as the API endpoint.
    """
    parts = urlsplit(url)
    web = _WEB.match(parts.path)
    if web and urls.on_domain(url, "foursquare.com"):
        url = f"{API}/v3/places/{web.group(1)}/tips"
    elif not (_V3.search(parts.path) or _V2.search(parts.path)):
        raise ValueError(f"foursquare: {url} is neither a venue page nor a tips endpoint")
    else:
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    if _V2.search(urlsplit(url).path):
        return urls.with_defaults(url, sort="recent", limit="500")
    return urls.with_defaults(url, sort="newest", limit="50")


def request_headers(environ) -> dict[str, str]:
    return {"Authorization": credential(environ, KEY, " (a Foursquare Places API key)"), "Accept": "application/json"}


def _venue(url: str) -> str | None:
    path = urlsplit(url).path
    match = _V3.search(path) or _V2.search(path) or _WEB.match(path)
    return match.group(1) if match else None
