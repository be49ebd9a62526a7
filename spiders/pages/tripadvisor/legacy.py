"""Legacy Tripadvisor markup (to about 2020): each review a data-reviewid block with a management response."""

from __future__ import annotations

import re

from ..common import dates, values
from ._shared import bubbles, clean

# A ui_bubble_rating bubble_NN class, span.ratingDate[title], the title in .noQuotes, the text in
# .partial_entry, and the owner's answer in .mgrRspnInline.


def records(response, now) -> list[dict]:
    records = []
    for block in response.xpath("//*[@data-reviewid][not(ancestor::*[@data-reviewid])]"):
        review_id = block.root.get("data-reviewid")
        answer = block.css(".mgrRspnInline")
        skip = set(answer[0].root.iter()) if answer else set()
        rating = _bubble_class(block, skip)
        if not review_id or rating is None and not block.css(".partial_entry"):
            continue
        date_node = block.css(".ratingDate")
        date_text = date_node[0].root.get("title") if date_node else None
        shown = date_node.xpath("normalize-space()").get() if date_node else None
        published, approx = dates.parse(date_text or shown, now=now)
        link = block.xpath(".//a[contains(@href, 'ShowUserReviews')]/@href").get()
        reply_text, (reply_at, reply_approx) = None, (None, False)
        if answer:
            reply_text = _entry_text(answer[0].css(".partial_entry"))
            when = answer[0].css(".responseDate")
            if when:
                reply_at, reply_approx = dates.parse(when[0].root.get("title") or when.xpath("normalize-space()").get(),
                                                     now=now)
        records.append({
            "source_id": review_id,
            "url": response.urljoin(link) if link else response.url,
            "author": clean(block.xpath("normalize-space(.//*[contains(@class, 'info_text')]/div[1])").get())
            or clean(block.xpath("normalize-space(.//a[contains(@href, '/Profile/')][normalize-space()][1])").get())
            or clean(block.xpath("normalize-space(.//*[contains(@class, 'username')][1])").get()),
            # The member badge: a pencil icon, then the reviewer's review count.
            "author_review_count": values.count(block.xpath(
                ".//*[contains(@class, 'pencil-paper')]/following-sibling::*[contains(@class, 'badgetext')][1]/text()").get()),
            "rating": rating,
            "title": clean(block.xpath("normalize-space(.//*[contains(@class, 'noQuotes')][1])").get()),
            "text": _entry_text([el for el in block.css(".partial_entry") if el.root not in skip]),
            "language": block.xpath(".//@lang").get(),
            "published_at": published,
            "published_approx": approx,
            "reply_text": reply_text,
            "reply_at": reply_at if reply_text else None,
            "reply_precision": "approximate" if reply_approx else None,
        })
    return records


def _bubble_class(block, skip) -> int | float | None:
    return next((found for el in block.css(".ui_bubble_rating") if el.root not in skip
                 for found in [bubbles(el.root)] if found is not None), None)


def _entry_text(nodes) -> str | None:
    for node in nodes:
        text = values.element_text(node.root)
        text = re.sub(r"\s*(?:\.\.\.|…)\s*More$", "…", text).strip()
        if text:
            return text
    return None
