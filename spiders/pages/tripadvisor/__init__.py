"""Tripadvisor review pages (hotels, restaurants, attractions) with management responses, one module per layout.

legacy        data-reviewid blocks (to about 2020)
hotel_cards   hotel HR_CC_CARD cards (2020–2024) with management responses
review_cards  reviewCard cards (attractions, restaurants; 2022 on), read by structure
json_ld       reviews only in the page's JSON-LD
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from .. import LayoutError
from ..common import schemaorg, urls
from . import hotel_cards, json_ld, legacy, review_cards
from ._shared import SITE

# The hotel cards first (they hold data-reviewid blocks the legacy reader would take for whole reviews), the
# legacy markup, then the current cards; the page's JSON-LD gives the rating summary, and
# reviews when neither markup is there. Pages go -or10-, -or20-, … in the URL; the site lists newest first.

_OFFSET = re.compile(r"-or\d+(?=-)")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in page order, then one business item for the rating summary.

    Relative dates ("Reviewed 3 days ago", "yesterday") resolve against `now`.
    Raises LayoutError when the page has no review markup, no JSON-LD reviews and no rating.
    """
    business_url = first_page(urls.page_url(response.url))
    data = schemaorg.parse(response)
    records = hotel_cards.records(response, now) or legacy.records(response, now) or review_cards.records(response, now)
    items = [make("review", source=SITE, business_url=business_url, **record) for record in records]
    if not records:
        items = json_ld.reviews(response, data, business_url)
    business = data.business(SITE, business_url)
    if not items and business is None:
        raise LayoutError(f"tripadvisor: {response.url} has no review cards, no data-reviewid reviews and no JSON-LD")
    return items + ([business] if business else [])


def next_page(response) -> str | None:
    """The "next" link (rel=next, the legacy nav button, or the current "Next page" arrow)."""
    for href in response.xpath(
        "//link[@rel='next']/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')"
        "       and not(contains(concat(' ', normalize-space(@class), ' '), ' disabled '))]/@href"
        " | //a[@aria-label='Next page']/@href"
    ).getall():
        parts = urlsplit(href.strip())
        if _OFFSET.search(parts.path):
            target = response.urljoin(urlunsplit(("", "", parts.path, parts.query, "")))
            if target != response.url:
                return target
    return None


def start_url(url: str) -> str:
    """The review list's first page (no -orNN- offset), where the newest reviews are."""
    return first_page(url)


def first_page(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, _OFFSET.sub("", parts.path, count=1), parts.query, ""))
