"""Better Business Bureau (bbb.org): a business's customer reviews and its complaints, with the business's responses.

Complaints carry no stars: each becomes a review with rating None, title
"Complaint: <complaint type>", source_id "complaint-<id>", and the business's response
as reply_text/reply_at, so unanswered complaints show up like unanswered reviews.

Not yet verified against a saved page: built from the profile pages' embedded state
(window.__PRELOADED_STATE__ with businessProfile.customerReviews.items[] of id,
reviewStarRating, displayName, text, date, and businessProfile.complaints.items[] of
id, complaintType, text, date, businessResponse), and schema.org markup as fallback.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError
from .common import cards, dates, evidence, jsondata, urls, values
from .common.unread import replies_unread, with_replies_said

SITE = "bbb"
SECTIONS = ("customer-reviews", "complaints")
_STATE = re.compile(r"window\.__PRELOADED_STATE__\s*=\s*")
# The cards BBB renders for each review or complaint (li.card.bpr-review to ~2020, div.review-grid since):
# not read, only counted, so a page that shows cards but carries no state is an error, never "0 reviews".
_CARDS = ".dtm-review, .bpr-review"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews and complaints in page order, then the business summary when the page gives one."""
    business_url = profile_url(response.url)
    state = _state(response)
    profile = jsondata.dig(state, "businessProfile") if isinstance(state, dict) else None
    items: list[dict] = []
    if isinstance(profile, dict):
        for entry in jsondata.dig(profile, "customerReviews", "items") or []:
            if isinstance(entry, dict) and entry.get("id") is not None:
                items.append(_review(entry, business_url))
        for entry in jsondata.dig(profile, "complaints", "items") or []:
            if isinstance(entry, dict) and entry.get("id") is not None:
                items.append(_complaint(entry, business_url))
    structured, business = cards.structured_reviews(SITE, response)
    unread = 0
    if not items:
        items = [dict(item, business_url=business_url) for item in structured]
        unread = replies_unread(items, len(items))
    if business is None and isinstance(profile, dict):
        business = _summary(profile, business_url)
    if business is not None:
        business = dict(business, url=business_url)
    if not items and business is None and not isinstance(profile, dict):
        raise LayoutError(f"bbb: {response.url} has no embedded profile state and no review markup")
    return with_replies_said(SITE, response, items + ([business] if business else []), unread,
                             "JSON-LD (no embedded profile reviews)")


def next_page(response) -> str | None:
    """?page=N+1 while the embedded state says more pages follow, else a rel=next link."""
    state = _state(response)
    for section in ("customerReviews", "complaints"):
        block = jsondata.dig(state, "businessProfile", section) if isinstance(state, dict) else None
        if not isinstance(block, dict) or not block.get("items"):
            continue
        page, total = values.count(block.get("page")), values.count(block.get("totalPages"))
        if page is not None and total is not None:
            return urls.with_params(response.url, page=str(page + 1)) if page < total else None
    href = response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').get()
    return response.urljoin(href) if href and response.urljoin(href) != response.url else None


def expected(response) -> str | None:
    """The embedded state's review and complaint lists, the schema.org Review objects, else the rendered cards."""
    state = _state(response)
    lists = [jsondata.dig(state, "businessProfile", section, "items") for section in ("customerReviews", "complaints")]
    listed = [entry for found in lists if isinstance(found, list) for entry in found]
    return evidence.first(evidence.counted(listed, "embedded review or complaint", "embedded reviews and complaints"),
                          evidence.schemaorg_reviews(response),
                          evidence.counted(response.css(_CARDS), "review or complaint card"))


def start_url(url: str) -> str:
    return start_urls(url)[0]


def start_urls(url: str) -> list[str]:
    """The named section, or both customer reviews and complaints for a profile URL (BBB lists newest first)."""
    profile = profile_url(url)
    tail = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return [f"{profile}/{section}" for section in ([tail] if tail in SECTIONS else SECTIONS)]


def profile_url(url: str) -> str:
    """The business profile the page belongs to (…/profile/<category>/<slug>), without a section."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for section in SECTIONS + ("details", "addressId"):
        if path.endswith("/" + section):
            path = path[: -len(section) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _state(response):
    for script in response.xpath("//script[not(@src)]/text()").getall():
        match = _STATE.search(script)
        if match:
            return jsondata.decode_at(script, match.end())
    return None


def _review(entry: dict, business_url: str) -> dict:
    review_id = str(entry["id"])
    reply_text, reply_at = _response(entry)
    return make(
        "review",
        source=SITE,
        source_id=review_id,
        url=f"{business_url}/customer-reviews#{review_id}",
        business_url=business_url,
        author=values.text(entry.get("displayName")),
        rating=values.number(entry.get("reviewStarRating")),
        rating_max=5,
        text=_body(entry),
        published_at=_date(entry.get("date")),
        reply_text=reply_text,
        reply_at=reply_at,
    )


def _complaint(entry: dict, business_url: str) -> dict:
    complaint_id = str(entry["id"])
    kind = entry.get("complaintType")
    kind = values.text(kind.get("name") if isinstance(kind, dict) else kind)
    reply_text, reply_at = _response(entry)
    return make(
        "review",
        source=SITE,
        source_id=f"complaint-{complaint_id}",
        url=f"{business_url}/complaints#{complaint_id}",
        business_url=business_url,
        rating=None,
        title=f"Complaint: {kind}" if kind else "Complaint",
        text=_body(entry),
        published_at=_date(entry.get("date")),
        reply_text=reply_text,
        reply_at=reply_at,
    )


def _body(entry: dict) -> str | None:
    body = entry.get("text")
    if isinstance(body, list):
        body = "\n".join(values.text(part.get("text") if isinstance(part, dict) else part) or "" for part in body)
    return values.clean_text(body) if isinstance(body, str) else None


def _response(entry: dict) -> tuple[str | None, str | None]:
    reply = entry.get("businessResponse")
    if isinstance(reply, list):
        reply = reply[0] if reply else None
    if isinstance(reply, str):
        return values.clean_text(reply), None
    if not isinstance(reply, dict):
        return None, None
    return values.clean_text(values.text(reply.get("text"))), _date(reply.get("date"))


def _date(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("value") or value.get("iso")
    return dates.us_date(values.text(value))


def _summary(profile: dict, business_url: str) -> dict | None:
    name = values.text(jsondata.dig(profile, "names", "primary")) or values.text(profile.get("name"))
    reviews = profile.get("customerReviews") if isinstance(profile.get("customerReviews"), dict) else {}
    if not name:
        return None
    return make("business", source=SITE, url=business_url, name=name,
                rating=values.number(reviews.get("averageRating")),
                review_count=values.count(reviews.get("totalCount")))
