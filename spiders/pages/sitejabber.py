"""Sitejabber (SmartCustomer since 2026) business reviews: the page's JSON-LD, its cards for titles and replies.

Not yet verified against a saved page: built from schema.org markup and Sitejabber's known
card structure (div.review[data-id], .review__author__name, .stars[title="N star rating"],
.review__date, .review__title__text, .review__text, .review-reply with __text and __date).
In 2026 sitejabber.com/reviews/<domain> redirects to smartcustomer.com/reviews/<domain> (the crawl follows);
whether SmartCustomer's pages keep this markup is not verified either.
"""

from __future__ import annotations

import re
from datetime import datetime

from .common import cards, dates, evidence, urls, values

SITE = "sitejabber"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews (JSON-LD first, cards filling in titles and replies; cards alone without JSON-LD), then the business."""
    business_url = urls.page_url(response.url)
    found = [_card(card, business_url) for card in response.css("div.review[data-id], div.review[id]")]
    return cards.with_cards(SITE, response, found, "no review markup and no review cards")


def next_page(response) -> str | None:
    return urls.next_url(response, f"{urls.REL_NEXT}, a.pagination__next::attr(href)")



def expected(response) -> str | None:
    """The page's review cards (div.review), else its schema.org Review objects."""
    return evidence.first(evidence.counted(response.css("div.review"), "review card"),
                          evidence.schemaorg_reviews(response))


def _card(card, business_url: str) -> dict | None:
    author = values.first_text(card.css(".review__author__name"))
    body = values.first_text(card.css(".review__text"))
    if not (author or body):
        return None
    own_id = values.text(card.attrib.get("data-id")) or values.text(
        re.sub(r"^review-", "", card.attrib.get("id") or ""))
    stars = re.search(r"(\d+(?:\.\d+)?)\s*star", card.css(".review__stars .stars::attr(title), "
                                                          ".stars::attr(title)").get() or "")
    reply = card.css(".review-reply")
    return cards.card_review(
        SITE, business_url, own_id, f"#review-{own_id}",
        author=author,
        body=body,
        published_at=dates.when(values.first_text(card.css(".review__date"))),
        rating=values.number(stars.group(1)) if stars else None,
        title=values.first_text(card.css(".review__title__text, .review__title")),
        reply_text=values.first_text(reply[0].css(".review-reply__text")) if reply else None,
        reply_at=dates.when(values.first_text(reply[0].css(".review-reply__date"))) if reply else None,
    )
