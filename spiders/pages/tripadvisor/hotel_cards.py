"""Tripadvisor hotel review cards of 2020–2024 ([data-test-target="HR_CC_CARD"]), with management responses.

A card reads, in document order: the author's /Profile/ link with "wrote a review <date>", the rating
(ui_bubble_rating bubble_NN or an "N.N of 5 bubbles" svg), the review-title link, the text, "Date of stay",
then "Response from …" with the response's date (an ISO title attribute, "Responded <date>") and its text.
Everything from "Response from" on is the response's, so the review's own parts are read before it.
"""

from __future__ import annotations

from ..common import dates, values
from ._shared import (DATE_OF_STAY, ISO_DAY, REVIEW_LINK, RESPONDED, RESPONSE_FROM, WROTE, bubbles, clean, contributions,
                      page_language)

_INLINE = {"span", "q", "em", "strong", "b", "i", "u", "bdi", "p"}
_SKIP = {"script", "style", "svg", "title", "button", "path", "template", "noscript"}


def records(response, now) -> list[dict]:
    language = page_language(response)
    out = []
    for card in response.xpath("//*[@data-test-target='HR_CC_CARD']"):
        record = _record(response, card, now, language)
        if record is not None:
            out.append(record)
    return out


def _record(response, card, now, language) -> dict | None:
    link = card.xpath(".//a[contains(@href, 'ShowUserReviews')]")
    review_id = card.xpath(".//@data-reviewid").get()
    if not review_id and link:
        match = REVIEW_LINK.search(link[0].root.get("href", ""))
        review_id = match.group(1) if match else None
    if not review_id:
        return None
    order = [el for el in card.root.iter() if isinstance(el.tag, str)]
    header = _response_header(order)
    own = order[:order.index(header)] if header is not None else order
    author_link = card.xpath(".//a[contains(@href, '/Profile/')][normalize-space()]")
    author_link = author_link[0].root if author_link and author_link[0].root in own else None
    published, approx = _published(author_link, now, language)
    title_el = next((el for el in own if el.get("data-test-target") == "review-title"), None)
    title = clean(" ".join(title_el.itertext())) if title_el is not None else \
        clean(link.xpath("normalize-space()").get() if link else None)
    body = _text_after(own, title_el if title_el is not None else link[0].root if link else None)
    if body is not None and DATE_OF_STAY.match(values.element_text(body)):
        body = None
    reply_text, reply_at, reply_approx = None, None, False
    if header is not None:
        after = order[order.index(header):]
        reply = _text_after(after, header, unless=RESPONDED)
        reply_text = _visible_text(reply) if reply is not None else None
        reply_at, reply_approx = _responded(header, after, now, language)
    return {
        "source_id": review_id,
        "url": response.urljoin(link[0].root.get("href")) if link else response.url,
        "author": clean(" ".join(author_link.itertext())) if author_link is not None else None,
        "author_review_count": contributions(own),
        "rating": next((found for found in map(bubbles, own) if found is not None), None),
        "title": title,
        "text": _visible_text(body) if body is not None else None,
        "language": card.xpath(".//@lang").get(),
        "published_at": published,
        "published_approx": approx,
        "reply_text": reply_text,
        "reply_at": reply_at if reply_text else None,
        "reply_precision": "approximate" if reply_text and reply_approx else None,
    }


def _published(author_link, now, language) -> tuple[str | None, bool]:
    """The date after "<author> wrote a review" in the element that holds the author's link."""
    if author_link is None or author_link.getparent() is None:
        return None, False
    whole = " ".join(" ".join(author_link.getparent().itertext()).split())
    name = " ".join(" ".join(author_link.itertext()).split())
    rest = whole[len(name):] if whole.startswith(name) else whole.replace(name, " ", 1)
    rest = WROTE.sub(" ", rest).strip(" ()·•,")
    return dates.parse(rest, now=now, language=language) if rest else (None, False)


def _response_header(order):
    """The element that opens the management response: "Response from …", or the one holding its ISO-dated child."""
    for el in order:
        if RESPONSE_FROM.search(_own_text(el)):
            return el
    for el in order:
        if ISO_DAY.match(el.get("title", "")) and el.getparent() is not None:
            return el.getparent()
    return None


def _responded(header, after, now, language) -> tuple[str | None, bool]:
    """The response's date: an ISO title attribute ("2023-05-12"), else the text after "Responded"."""
    for el in after[:40]:
        if ISO_DAY.match(el.get("title", "")):
            return el.get("title"), False
    for el in after[:40]:
        match = RESPONDED.match(" ".join(" ".join(el.itertext()).split()))
        if match and not any(isinstance(child.tag, str) and RESPONDED.match("".join(child.itertext()).strip())
                             for child in el):
            return dates.parse(match.group(1), now=now, language=language)
    return None, False


def _text_after(order, start, unless=None):
    """The first text after `start` (and outside it), widened to its inline parents: the whole text of a
    <span>part</span><span>rest</span> body."""
    inside = set(start.iter()) if start is not None else set()
    within = set(order)
    begun = start is None
    for el in order:
        if not begun:
            begun = el is start
            continue
        if el in inside or el.tag in _SKIP or el.xpath("ancestor::svg or ancestor::button"):
            continue
        if (el.text or "").strip() and not (unless and unless.match(el.text.strip())):
            while el.getparent() is not None and el.getparent().tag in _INLINE and el.getparent() in within:
                el = el.getparent()
            return el
    return None


def _visible_text(el) -> str | None:
    """The element's text; the "…" the page puts after a text it holds whole (its hidden rest included) is dropped."""
    text = values.element_text(el)
    if text.endswith("…") and len([child for child in el if isinstance(child.tag, str)]) > 1:
        text = text[:-1].rstrip()
    return text or None


def _own_text(el) -> str:
    """The element's own text: its text and its children's tails, not their text."""
    parts = [el.text or ""] + [child.tail or "" for child in el]
    return " ".join("".join(parts).split())
