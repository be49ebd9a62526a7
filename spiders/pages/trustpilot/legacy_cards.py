"""Trustpilot pages to ~2017: server-rendered review cards, div.review[data-reviewmid], stars as class count-N."""

from __future__ import annotations

import re

from ..common import dates, values
from ._shared import review
_STARS = re.compile(r"\bcount-(\d)\b")
_REVIEWS = re.compile(r"(\d[\d,.]*)\s+reviews?\b")


def cards(response):
    return response.css("div.review[data-reviewmid]")


def read(response, business_url: str) -> list[dict]:
    """Review items in page order; these pages show no business summary beside the cards."""
    items = []
    for card in cards(response):
        review_id = card.attrib["data-reviewmid"].strip()
        stars = _STARS.search(card.css(".star-rating::attr(class)").get() or "")
        tally = _REVIEWS.search(" ".join(card.css(".user-info ::text").getall()))
        body = card.css(".review-body")
        items.append(review(
            response, review_id, business_url,
            author=values.first_text(card.css(".user-review-name-link, .user-review-name")),
            author_review_count=values.count(tally.group(1)) if tally else None,
            rating=int(stars.group(1)) if stars else None,
            title=values.first_text(card.css(".review-title")),
            text=values.element_text(body[0].root) or None if body else None,
            published_at=dates.when(card.css("time::attr(datetime)").get()),
        ))
    return items
