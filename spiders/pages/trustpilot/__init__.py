"""Trustpilot business review pages: which layout a page has, each read by its own module.

next_data     the embedded __NEXT_DATA__ props (~2021 on), with replies and the business summary
legacy_cards  server-rendered review cards (to ~2017)
json_ld       the page's JSON-LD reviews, the review cards adding replies (fallback)
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from ..common import evidence, urls, values
from ..common.unread import with_shown_replies_read
from . import json_ld, legacy_cards, next_data
from ._shared import page_props, replies_shown

SITE = "trustpilot"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in page order, then one business item for the page's summary.

    `now` is accepted for the common extractor signature; Trustpilot gives exact times.
    Raises LayoutError when the page has neither usable __NEXT_DATA__, legacy review cards nor JSON-LD;
    NotReadable with the items when its cards show more replies than were read.
    """
    business_url = urls.page_url(response.url)
    props = page_props(response)
    if props is not None and isinstance(props.get("reviews"), list):
        items = next_data.read(response, props, business_url)
    elif legacy_cards.cards(response):
        items = legacy_cards.read(response, business_url)
    else:
        items = json_ld.read(response, business_url)
    return with_shown_replies_read(SITE, response, items, replies_shown(response), "reply cards")


def next_page(response) -> str | None:
    """The next page of reviews from the pagination data, else the "next" button; None at the end."""
    pagination = ((page_props(response) or {}).get("filters") or {}).get("pagination")
    if isinstance(pagination, dict):
        current = values.count(pagination.get("currentPage"))
        total = values.count(pagination.get("totalPages"))
        if current is not None and total is not None:
            return urls.with_params(response.url, page=str(current + 1)) if current < total else None
    button = response.css('a[name="pagination-button-next"]')
    href = button.attrib.get("href") if button else None
    if not href or button.attrib.get("aria-disabled") == "true":
        return None
    target = response.urljoin(href)
    if target == response.url:
        return None
    # Trustpilot's own link can drop filters; carry over ours (sort=recency) it does not set.
    missing = {k: v for k, v in parse_qsl(urlsplit(response.url).query, keep_blank_values=True)
               if k != "page" and k not in dict(parse_qsl(urlsplit(target).query))}
    return urls.with_params(target, **missing) if missing else target


def expected(response) -> str | None:
    """The review cards on the page, the embedded review list, the filtered count while the page is within it, else
    the JSON-LD's Review objects."""
    props = page_props(response) or {}
    pagination = (props.get("filters") or {}).get("pagination") or {}
    current, pages = values.count(pagination.get("currentPage")) or 1, values.count(pagination.get("totalPages"))
    return evidence.first(
        evidence.counted(response.css("article[data-service-review-card-paper]"), "review card"),
        evidence.counted(legacy_cards.cards(response), "review card"),
        evidence.counted(props.get("reviews") if isinstance(props.get("reviews"), list) else 0, "embedded review"),
        evidence.declared(pagination.get("totalCount")) if pages and current <= pages else None,
        evidence.schemaorg_reviews(response),
    )


def wrong_kind(response) -> str | None:
    """Category and search pages list businesses, not a business's reviews."""
    path = urlsplit(response.url).path
    if not path.startswith(("/categories", "/search")):
        return None
    listed = {urlsplit(href).path.rstrip("/") for href in response.css('a[href*="/review/"]::attr(href)').getall()}
    what = "category page" if path.startswith("/categories") else "search page"
    return f"a Trustpilot {what} listing {evidence.counted(len(listed), 'business', 'businesses') or 'businesses'}"


def start_url(url: str) -> str:
    """The business URL sorted newest first (sort=recency), from page 1, other params kept."""
    return urls.with_params(url, sort="recency", page=None)
