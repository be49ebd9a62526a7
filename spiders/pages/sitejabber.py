"""Sitejabber business reviews: the page's JSON-LD, and its review cards for titles and business replies.

Not yet verified against a saved page: built from schema.org markup and Sitejabber's known
card structure (div.review[data-id], .review__author__name, .stars[title="N star rating"],
.review__date, .review__title__text, .review__text, .review-reply with __text and __date).
"""

from __future__ import annotations

import re
from datetime import datetime

from repscan.core.items import make

from . import _ld
from ._social import first_text, next_url, text, with_cards

SITE = "sitejabber"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews (JSON-LD first, cards filling in titles and replies; cards alone without JSON-LD), then the business."""
    business_url = _ld.page_url(response.url)
    cards = [_card(card, business_url) for card in response.css("div.review[data-id], div.review[id]")]
    return with_cards(SITE, response, cards, "no review markup and no review cards")


def next_page(response) -> str | None:
    return next_url(response, 'link[rel="next"]::attr(href), a[rel="next"]::attr(href), '
                              'a.pagination__next::attr(href)')


def start_url(url: str) -> str:
    return url


def _card(card, business_url: str) -> dict | None:
    author = first_text(card.css(".review__author__name"))
    body = first_text(card.css(".review__text"))
    if not (author or body):
        return None
    published = _ld.when(first_text(card.css(".review__date")))
    own_id = text(card.attrib.get("data-id")) or text(re.sub(r"^review-", "", card.attrib.get("id") or ""))
    stars = re.search(r"(\d+(?:\.\d+)?)\s*star", card.css(".review__stars .stars::attr(title), "
                                                          ".stars::attr(title)").get() or "")
    reply = card.css(".review-reply")
    return make(
        "review",
        source=SITE,
        source_id=own_id or _ld.fallback_id(business_url, author, published, body),
        url=f"{business_url}#review-{own_id}" if own_id else business_url,
        business_url=business_url,
        author=author,
        rating=_ld.number(stars.group(1)) if stars else None,
        rating_max=5,
        title=first_text(card.css(".review__title__text, .review__title")),
        text=body,
        published_at=published,
        reply_text=first_text(reply[0].css(".review-reply__text")) if reply else None,
        reply_at=_ld.when(first_text(reply[0].css(".review-reply__date"))) if reply else None,
    )
