"""Replies a page shows that were not read (JSON-LD without the cards, a renamed key or marker): NotReadable with the items."""

from __future__ import annotations

from repscan.core.store.crawls import UNREAD_REPLIES

from .. import NotReadable


def replies_unread(structured: list[dict], alone: int) -> int:
    """How many of the `alone` reviews that came from JSON-LD alone (no card beside them) have replies we could not
    read: all of them, unless the JSON-LD (`structured`: every review it gave) carries replies (an owner's Comment),
    when one without a reply has none."""
    return 0 if any(review.get("reply_text") for review in structured) else alone


def with_replies_said(site: str, response, items: list[dict], unread: int, how: str) -> list[dict]:
    """`items` when every review's replies were read; else NotReadable carrying them, naming the `unread` reviews
    that came only from `how`: the crawl keeps the reviews and says their replies were not read."""
    if not unread:
        return items
    total = sum(1 for item in items if item.get("kind") == "review")
    raise NotReadable(f"{UNREAD_REPLIES}{site}: {response.url} gives {unread} of its {total} reviews only as {how}, "
                      "which carries no replies: the business's replies to them were not read", items=items)


def with_shown_replies_read(site: str, response, items: list[dict], shown: int, where: str) -> list[dict]:
    """`items` when they hold as many replies as the page shows (`shown`, counted in its markup apart from the path the
    replies were read from); else NotReadable carrying them: a renamed key or marker lost some replies, so the crawl
    keeps the reviews and says their replies were not all read, never that they have none. No review read at all is
    the contract's LayoutChanged, not this."""
    reviews = [item for item in items if item.get("kind") == "review"]
    read = sum(1 for item in reviews if item.get("reply_text"))
    if not reviews or shown <= read:
        return items
    raise NotReadable(f"{UNREAD_REPLIES}{site}: {response.url} reviews with a reply from the business: {shown} shown "
                      f"({where}), {read} read: the business's replies to its reviews were not all read", items=items)
