"""Trustpilot pages since ~2021: the reviews and business of the embedded __NEXT_DATA__ props."""

from __future__ import annotations

from repscan.core.items import make

from ..common import dates, values
from ._shared import SITE, cards_shown
from ._shared import review as review_item
from ._shared import text as _text


def read(response, props: dict, business_url: str) -> list[dict]:
    """Review items in page order, then one business item for the page's summary; a reply the data lacks and the
    review's card shows (a renamed key) is read from the card."""
    cards = cards_shown(response)
    items = []
    for review in props["reviews"]:
        if not isinstance(review, dict) or not review.get("id"):
            continue
        review_id = str(review["id"])
        consumer = review.get("consumer") or {}
        stamps = review.get("dates") or {}
        reply = review.get("reply") or {}
        card_text, card_at, _ = cards.get(review_id) or (None, None, None)
        reply_text = _text(reply.get("message")) if isinstance(reply, dict) else None
        items.append(review_item(
            response, review_id, business_url,
            author=_text(consumer.get("displayName")),
            author_review_count=values.count(consumer.get("numberOfReviews")),
            rating=values.number(review.get("rating")),
            title=_text(review.get("title")),
            text=_text(review.get("text")),
            language=_text(review.get("language")),
            published_at=dates.when(stamps.get("publishedDate")),
            updated_at=dates.when(stamps.get("updatedDate")),
            reply_text=reply_text or card_text,
            reply_at=dates.when(reply.get("publishedDate")) if reply_text else card_at,
        ))
    unit = props.get("businessUnit")
    if isinstance(unit, dict):
        items.append(make(
            "business",
            source=SITE,
            url=business_url,
            name=_text(unit.get("displayName")),
            rating=values.number(unit.get("trustScore")),
            review_count=values.count(unit.get("numberOfReviews")),
        ))
    return items
