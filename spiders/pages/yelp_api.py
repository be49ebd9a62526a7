"""Yelp Fusion API: a fallback for blocked Yelp pages that returns at most 3 review excerpts."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError, credential
from .common import dates, evidence, jsondata, urls, values

# GET https://api.yelp.com/v3/businesses/{id or alias}/reviews with REPSCAN_YELP_API_KEY as Bearer.
# Yelp serves at most three reviews per business, each cut to about 160 characters, without owner
# replies and without paging beyond them; time_created is Pacific time.

SITE = "yelp-api"
KEY_VARIABLE = "REPSCAN_YELP_API_KEY"
API = "https://api.yelp.com"
YELP_TIME_ZONE = "America/Los_Angeles"


def request_headers(environ) -> dict:
    return {"Authorization": f"Bearer {credential(environ, KEY_VARIABLE)}", "Accept": "application/json"}


def expected(response) -> str | None:
    """The entries of the response's `reviews` list."""
    return evidence.listed(response, "reviews", noun="API review")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """The excerpts, then a business item with the total review count Yelp reports.

    `now` is accepted for the common extractor signature; the API gives exact times.
    """
    data = jsondata.api_object(response, SITE, "code", "description")
    if not isinstance(data.get("reviews"), list):
        raise LayoutError(f"yelp-api: {response.url}: no reviews list in the response")
    business = _business_id(response.url)
    business_url = f"https://www.yelp.com/biz/{business}" if business else urls.page_url(response.url)
    languages = data.get("possible_languages") or []
    items = []
    for review in data["reviews"]:
        if not isinstance(review, dict) or not review.get("id"):
            continue
        user = review.get("user") or {}
        items.append(make(
            "review",
            source=SITE,
            source_id=str(review["id"]),
            url=_without_tracking(review.get("url")) or business_url,
            business_url=business_url,
            author=user.get("name"),
            rating=values.number(review.get("rating")),
            rating_max=5,
            text=(review.get("text") or "").replace("\r\n", "\n").strip() or None,
            language=languages[0] if len(languages) == 1 else None,
            published_at=dates.local_to_utc(review.get("time_created"), YELP_TIME_ZONE),
        ))
    items.append(make("business", source=SITE, url=business_url, review_count=values.count(data.get("total"))))
    return items


def next_page(response) -> str | None:
    """None: the API serves no reviews beyond its three excerpts."""
    return None


def start_url(url: str) -> str:
    """The reviews endpoint, newest first, for an API URL or a www.yelp.com/biz/<alias> page."""
    parts = urlsplit(url)
    if parts.path.startswith("/v3/businesses/"):
        path = parts.path.rstrip("/")
        if not path.endswith("/reviews"):
            path += "/reviews"
        base = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    else:
        match = re.match(r"/biz/([^/?#]+)", parts.path)
        if not match:
            return url
        base = f"{API}/v3/businesses/{match.group(1)}/reviews"
    return urls.with_params_last(base, sort_by="newest")


def _business_id(url: str) -> str | None:
    match = re.search(r"/v3/businesses/([^/?#]+)/reviews", url)
    return match.group(1) if match else None


def _without_tracking(url) -> str | None:
    """The review link without the API's adjust_creative/utm_* parameters."""
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if k != "adjust_creative" and not k.startswith("utm_")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
