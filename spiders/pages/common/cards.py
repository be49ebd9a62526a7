"""Review sites with schema.org markup whose HTML cards show more (owner replies, titles): the two merged."""

from __future__ import annotations

from repscan.core.items import make

from .. import LayoutError, NotReadable, jsonld
from .unread import replies_unread, with_replies_said
from .values import fallback_id


def structured_reviews(site: str, response) -> tuple[list[dict], dict | None]:
    """The page's schema.org reviews and rating summary as `site` items (the jsonld extractor's rules and ids)."""
    try:
        items = jsonld.extract(response)
    except LayoutError:
        return [], None
    except NotReadable as partly:  # owner replies under comments it could not read: the site's cards say what it read
        items = partly.items or []
    reviews = [dict(item, source=site) for item in items if item["kind"] == "review"]
    business = next((dict(item, source=site) for item in items if item["kind"] == "business"), None)
    return reviews, business


def merge_cards(reviews: list[dict], cards: list[dict]) -> list[dict]:
    """Structured reviews with what only the HTML cards show (replies, titles) filled in; cards alone otherwise.

    A matched card's id and url win: the site's own review id outlives its markup.
    """
    if not reviews:
        return cards
    by_id = {card["source_id"]: card for card in cards}
    by_author_day = {(card["author"], (card["published_at"] or "")[:10]): card for card in cards}
    out = []
    for review in reviews:
        card = by_id.get(review["source_id"]) or by_author_day.get(
            (review["author"], (review["published_at"] or "")[:10]))
        if card is not None:
            review = {key: review[key] if review[key] is not None else card.get(key) for key in review}
            review.update(source_id=card["source_id"], url=card["url"])
        out.append(review)
    return out


def with_cards(site: str, response, cards: list[dict | None], missing: str,
               fallback: dict | None = None) -> list[dict]:
    """JSON-LD reviews with the HTML `cards` filling in (the cards alone without JSON-LD), then the business:
    JSON-LD's, else `fallback`. LayoutError ("<site>: <url> has <missing>") when the page gives neither; NotReadable
    with the items when some JSON-LD reviews have no card (the cards show the replies) and JSON-LD carries none."""
    reviews, business = structured_reviews(site, response)
    found = [card for card in cards if card is not None]
    items = merge_cards(reviews, found)
    business = fallback if business is None else business
    if not items and business is None:
        raise LayoutError(f"{site}: {response.url} has {missing}")
    carded = {card["source_id"] for card in found}
    alone = sum(1 for review in items if review["source_id"] not in carded)
    return with_replies_said(site, response, items + ([business] if business else []),
                             replies_unread(reviews, alone), "JSON-LD (no review card)")


def card_review(site: str, business_url: str, own_id: str | None, anchor: str, *, author: str | None,
                body: str | None, published_at: str | None, **fields) -> dict:
    """A review item from an HTML card. Its source_id is the card's own id, else fallback_id() (the id JSON-LD's
    copy of the review gets too); its url is the business page, with `anchor` when the card has an id."""
    return make("review", source=site, source_id=own_id or fallback_id(business_url, author, published_at, body),
                url=business_url + anchor if own_id else business_url, business_url=business_url,
                author=author, rating_max=5, text=body, published_at=published_at, **fields)
