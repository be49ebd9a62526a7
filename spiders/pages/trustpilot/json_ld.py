"""Trustpilot pages without usable __NEXT_DATA__: the JSON-LD reviews, the review cards adding replies."""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import LayoutError
from ..common import schemaorg
from ..common.unread import replies_unread, with_replies_said
from ._shared import SITE, cards_shown


def read(response, business_url: str) -> list[dict]:
    """Review items from the JSON-LD, then the business; LayoutError when the page has neither.

    The replies come from the review cards, or from the JSON-LD when it carries any; when some reviews have
    neither, NotReadable carries the items: the crawl keeps the reviews and says their replies were not read.
    """
    data = schemaorg.parse(response)
    business = data.business(SITE, business_url)
    if not data.reviews() and business is None:
        raise LayoutError(
            f"trustpilot: {response.url} has neither parseable __NEXT_DATA__ reviews "
            f"nor JSON-LD reviews ({data.blocks} JSON-LD blocks, {data.broken} broken)"
        )
    cards = cards_shown(response)
    reviews = data.identified_reviews(response.url, business_url, _review_id)
    carded = [(fields, review_id, cards.get(review_id)) for fields, review_id in reviews]
    items = []
    for fields, review_id, card in carded:
        reply_text, reply_at, author_review_count = card or (fields["reply_text"], fields["reply_at"], None)
        items.append(schemaorg.review_item(SITE, fields, source_id=review_id,
                                           url=response.urljoin("/reviews/" + review_id), business_url=business_url,
                                           reply_text=reply_text, reply_at=reply_at,
                                           author_review_count=author_review_count))
    unread = replies_unread([fields for fields, _ in reviews], sum(card is None for _, _, card in carded))
    return with_replies_said(SITE, response, items + ([business] if business else []), unread,
                             "JSON-LD (no usable __NEXT_DATA__, no review card)")


def _review_id(fields: dict) -> str | None:
    """Trustpilot's review id, the last segment of the Review's @id (…/Review/<site>/<id>) or url."""
    for ref in (fields["id"], fields["url"]):
        if ref:
            tail = urlsplit(ref).fragment or urlsplit(ref).path
            segment = tail.rstrip("/").rsplit("/", 1)[-1]
            if segment:
                return segment
    return None

