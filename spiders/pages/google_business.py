"""Google Business Profile API: an authorised location's reviews and owner replies, with exact times."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.credentials import RefreshGrant
from repscan.core.items import make

from . import LayoutError, MissingCredentials, credential
from .common import dates, evidence, jsondata, urls, values

# GET https://mybusiness.googleapis.com/v4/accounts/{account}/locations/{location}/reviews with an
# OAuth access token (scope business.manage) that the client granted us: REPSCAN_GOOGLE_BUSINESS_TOKEN,
# or better (an access token lasts an hour) the refresh token with the OAuth client's id and secret,
# traded for an access token at each crawl's start.

SITE = "google-business"
TOKEN_VARIABLE = "REPSCAN_GOOGLE_BUSINESS_TOKEN"
REFRESH_VARIABLES = ("REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN", "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID",
                     "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET")
TOKEN_URI = "https://oauth2.googleapis.com/token"
PAGE_SIZE = 50
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
# Google adds a machine translation to comments in another language than the owner's, before
# ("(Translated by Google) …\n\n(Original)\n…") or after ("…\n\n(Translated by Google)\n…")
# the original; we keep the original.
_ORIGINAL = re.compile(r"\(Original\)\s*\n(.*)\Z", re.DOTALL)
_TRANSLATED_FIRST = re.compile(r"\A\s*\(Translated by Google\)")
_TRANSLATED_AFTER = re.compile(r"\n\s*\(Translated by Google\).*\Z", re.DOTALL)


def request_headers(environ) -> dict:
    return {"Authorization": f"Bearer {credential(environ, TOKEN_VARIABLE)}", "Accept": "application/json"}


def expected(response) -> str | None:
    """The entries of the response's `reviews` list."""
    return evidence.listed(response, "reviews", noun="API review")


def oauth_refresh(environ, url: str) -> RefreshGrant | None:
    """The refresh grant to trade for an access token, or None when an access token is set;
    MissingCredentials naming what is unset when neither is complete."""
    if (environ.get(TOKEN_VARIABLE) or "").strip():
        return None
    missing = missing_credentials(environ, url)
    if missing:
        raise MissingCredentials(" and ".join(missing))
    refresh_token, client_id, secret = (environ[name].strip() for name in REFRESH_VARIABLES)
    return RefreshGrant(token_uri=token_uri(url), client_id=client_id, client_secret=secret,
                        refresh_token=refresh_token, variable=TOKEN_VARIABLE)


def missing_credentials(environ, url: str) -> list[str]:
    """What a crawl lacks: nothing with an access token or the three refresh variables, else the unset ones."""
    if (environ.get(TOKEN_VARIABLE) or "").strip():
        return []
    unset = [name for name in REFRESH_VARIABLES if not (environ.get(name) or "").strip()]
    if len(unset) == len(REFRESH_VARIABLES):
        return [f"{TOKEN_VARIABLE} (or {', '.join(REFRESH_VARIABLES[:2])} and {REFRESH_VARIABLES[2]})"]
    return unset


def token_uri(api_url: str) -> str:
    """Where the refresh token is traded: always Google's endpoint, except for an API on this machine (a loopback
    stand-in: tests, a local proxy), whose /token it is. A long-lived secret never goes to a host a typo named."""
    parts = urlsplit(api_url)
    if (parts.hostname or "") in ("127.0.0.1", "localhost", "::1"):
        return urlunsplit((parts.scheme, parts.netloc, "/token", "", ""))
    return TOKEN_URI


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """The page's reviews, then the location's average rating and total count.

    `now` is accepted for the common extractor signature; the API gives exact times.
    """
    data = _json(response)
    reviews = data.get("reviews")
    if reviews is None and not {"averageRating", "totalReviewCount"} & set(data):
        raise LayoutError(f"google-business: {response.url}: no reviews list in the response")
    business_url = urls.page_url(response.url)
    items = []
    for review in reviews or []:
        if not isinstance(review, dict) or not review.get("reviewId"):
            continue
        created = dates.when(review.get("createTime"))
        updated = dates.when(review.get("updateTime"))
        reply = review.get("reviewReply") or {}
        name = review.get("name")
        items.append(make(
            "review",
            source=SITE,
            source_id=str(review["reviewId"]),
            url=response.urljoin(f"/v4/{name}") if isinstance(name, str) and name else business_url,
            business_url=business_url,
            author=(review.get("reviewer") or {}).get("displayName"),
            rating=STARS.get(str(review.get("starRating") or "").upper()),
            rating_max=5,
            text=_original(review.get("comment")),
            published_at=created,
            updated_at=updated if updated and updated != created else None,
            reply_text=_original(reply.get("comment")),
            reply_at=dates.when(reply.get("updateTime")),
        ))
    items.append(make(
        "business",
        source=SITE,
        url=business_url,
        rating=values.number(data.get("averageRating")),
        review_count=values.count(data.get("totalReviewCount")),
    ))
    return items


def next_page(response) -> str | None:
    """The same request with pageToken=<nextPageToken>; None on the last page."""
    try:
        token = _json(response).get("nextPageToken")
    except LayoutError:
        return None
    if not token or not isinstance(token, str):
        return None
    return urls.with_params_last(response.url, pageToken=token)


def start_url(url: str) -> str:
    """The location's reviews, most recently updated first, 50 a page (the API's maximum)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if re.search(r"/locations/[^/]+$", path):
        path += "/reviews"
    return urls.with_params_last(urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")),
                                 orderBy="updateTime desc", pageSize=str(PAGE_SIZE), pageToken=None)


def _json(response) -> dict:
    return jsondata.api_object(response, SITE, "code", "status", "message")


def _original(comment) -> str | None:
    if not isinstance(comment, str):
        return None
    text = comment.replace("\r\n", "\n")
    if _TRANSLATED_FIRST.match(text):
        match = _ORIGINAL.search(text)
        if match:
            text = match.group(1)
    else:
        text = _TRANSLATED_AFTER.sub("", text)
    return text.strip() or None
