"""Yelp's 2022 review markup, read by structure, never by its hashed class names."""

from __future__ import annotations

from urllib.parse import unquote

from ..common import values
from ._shared import DATE, USER, first_date, lang_text, markup_text, stars

# A review is the smallest element holding a /user_details link and an "N star rating" label;
# its text is the element with a lang attribute; the reviewer's review count is the figure labelled
# "Reviews"; the owner's reply follows the "Business owner information" region.


_HAS_BOTH = "(.//a[contains(@href, '/user_details')] and .//*[@aria-label[contains(., 'star rating')]])"


def blocks(response):
    """The review blocks: the smallest elements holding a reviewer's link and a star rating."""
    return response.xpath(f"//*[{_HAS_BOTH}][not(*[{_HAS_BOTH}])]")


def records(response) -> list[dict]:
    found = []
    for block in blocks(response):
        user_link = block.xpath(".//a[contains(@href, '/user_details')][normalize-space()]")
        if not user_link:
            continue
        match = USER.search(user_link.attrib.get("href", ""))
        owner = block.xpath(".//*[starts-with(@id, 'businessOwner') or starts-with(@aria-labelledby, 'businessOwner')]")
        reply_text, reply_date = _reply_after(block, owner[0]) if owner else (None, None)
        found.append({
            "user_id": unquote(match.group(1)) if match else None,
            "author": user_link.xpath("normalize-space()").get() or None,
            "author_review_count": values.count(block.xpath("normalize-space(.//*[@aria-label='Reviews'])").get()),
            "rating": stars(block.xpath(".//*[contains(@aria-label, 'star rating')]/@aria-label").get()),
            "text": lang_text(block),
            "language": block.xpath(".//*[@lang]/@lang").get(),
            "date": first_date(block, skip=owner[0] if owner else None),
            "reply_text": reply_text,
            "reply_date": reply_date,
        })
    return found


def _reply_after(block, marker) -> tuple[str | None, str | None]:
    """The owner's reply: the first date after the "Business owner information" region, then its text."""
    elements = [el for el in block.root.iter() if isinstance(el.tag, str)]
    start = elements.index(marker.root)
    inside = set(marker.root.iter())
    date = None
    for el in elements[start + 1:]:
        if el in inside:
            continue
        text = " ".join("".join(el.itertext()).split())
        if date is None:
            if DATE.match(text) and not len(el):
                date = text
            continue
        if el.tag == "p" and text and el.getparent().tag != "button" and not el.xpath("ancestor::button"):
            return markup_text(el), date
    return None, date
