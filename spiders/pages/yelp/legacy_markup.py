"""Yelp pages up to 2019: each review a <div data-review-id=…> with an i-stars title and .biz-owner-reply."""

from __future__ import annotations

import re
from urllib.parse import unquote

from ._shared import BIZ, USER, canonical, first_date, lang_text, markup_text, stars


def records(response) -> list[dict]:
    """The review blocks as records; on a user's page, the user is every review's author."""
    page_user = USER.search(response.url) or USER.search(canonical(response) or "")
    page_author = None
    if page_user:
        page_author = (response.xpath("normalize-space(//h1)").get() or "").strip() or None
    found = []
    for block in response.xpath(
        "//*[@data-review-id][.//*[contains(@title, 'star rating') or contains(@alt, 'star rating')]]"
    ):
        user_link = block.xpath(".//a[contains(@href, '/user_details')][normalize-space()]")
        signup = re.search(r"user_id:([\w-]+)", block.attrib.get("data-signup-object") or "")
        user_match = USER.search(user_link.attrib.get("href", "")) if user_link else None
        user = user_match or signup or page_user
        reply = block.css(".biz-owner-reply")
        reply_text = reply_date = None
        if reply:
            bodies = [markup_text(el) or "" for el in reply.css(".js-content-toggleable:not(div)")]
            reply_text = max(bodies, key=len) if bodies else None
            reply_date = first_date(reply[0])
        rating_label = block.xpath(".//*[contains(@title, 'star rating')]/@title"
                                   " | .//*[contains(@alt, 'star rating')]/@alt").get()
        biz = block.xpath(".//a[starts-with(@href, '/biz/')]/@href").get()
        found.append({
            "review_id": block.attrib.get("data-review-id"),
            "user_id": unquote(user.group(1)) if user else None,
            "alias": BIZ.search(biz).group(1) if biz else None,
            "author": (user_link.xpath("normalize-space()").get() if user_link else None) or page_author,
            "rating": stars(rating_label),
            "text": lang_text(block),
            "language": block.xpath(".//*[@lang]/@lang").get(),
            "date": first_date(block, skip=reply[0] if reply else None),
            "reply_text": reply_text or None,
            "reply_date": reply_date,
        })
    return found
