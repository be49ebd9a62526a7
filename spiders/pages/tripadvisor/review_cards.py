"""Current Tripadvisor review cards ([data-automation="reviewCard"]), read by structure, not by hashed classes."""

from __future__ import annotations

import re

from ..common import dates, values
from ._shared import REVIEW_LINK, RESPONDED, RESPONSE_FROM, WRITTEN, WROTE, bubbles, clean, contributions, page_language

# The "N of 5 bubbles" label, the /ShowUserReviews-…-rNNN- link (id and title), the /Profile/ link
# (author), "Written <date>", the text between the title and that date, and the block that starts
# with "Response from" (each in the languages of _shared).

_WRITTEN = re.compile(rf"{WRITTEN.pattern}|^.*{WROTE.pattern}\s+(.+)$", re.IGNORECASE)


def records(response, now) -> list[dict]:
    language = page_language(response)
    records = []
    for card in response.xpath("//*[@data-automation='reviewCard']"):
        link = card.xpath(".//a[contains(@href, 'ShowUserReviews')]")
        match = REVIEW_LINK.search(link[0].root.get("href", "")) if link else None
        if not match:
            continue
        leaves = _leaf_texts(card.root)
        answer = _answer_root(card.root, leaves)
        in_answer = set(answer.iter()) if answer is not None else set()
        title = clean(card.xpath(
            "normalize-space(.//a[contains(@href, 'ShowUserReviews')][normalize-space()][1])").get())
        author = clean(card.xpath("normalize-space(.//a[starts-with(@href, '/Profile/')][normalize-space()][1])").get())
        review_leaves = [(el, text) for el, text in leaves if el not in in_answer]
        marks = [i for i, (el, text) in enumerate(review_leaves) if _WRITTEN.match(text)]
        written = _WRITTEN.match(review_leaves[marks[0]][1]) if marks else None
        published, approx = dates.parse((written.group(1) or written.group(2)) if written else None, now=now,
                                        language=language)
        titled = [i for i, (el, _) in enumerate(review_leaves) if _in_link(el) and "ShowUserReviews" in _link_of(el)]
        # The text sits between the title and "Written …"; the site's disclaimer follows the date.
        lo = titled[0] + 1 if titled else 0
        hi = marks[0] if marks and marks[0] > lo else len(review_leaves)
        body = [(el, text) for el, text in review_leaves[lo:hi] if not _in_link(el)]
        reply_text, (reply_at, reply_approx) = None, (None, False)
        if answer is not None:
            reply_leaves = [(el, text) for el, text in leaves if el in in_answer]
            dated = [i for i, (_, text) in enumerate(reply_leaves) if RESPONDED.match(text)]
            headed = [i for i, (_, text) in enumerate(reply_leaves) if RESPONSE_FROM.search(text)]
            if dated:
                reply_at, reply_approx = dates.parse(RESPONDED.match(reply_leaves[dated[0]][1]).group(1), now=now,
                                                     language=language)
            after = max(dated[:1] + headed[:1], default=-1) + 1
            if after < len(reply_leaves):
                reply_text = values.element_text(reply_leaves[after][0])
        rating = next((found for el in card.root.iter() if isinstance(el.tag, str) and el not in in_answer
                       for found in [bubbles(el)] if found is not None), None)
        records.append({
            "source_id": match.group(1),
            "url": response.urljoin(link[0].root.get("href")),
            "author": author,
            "author_review_count": contributions(el for el, _ in review_leaves),
            "rating": rating,
            "title": title,
            "text": values.element_text(max(body, key=lambda c: len(c[1]))[0]) if body else None,
            "language": card.xpath(".//@lang").get(),
            "published_at": published,
            "published_approx": approx,
            "reply_text": reply_text or None,
            "reply_at": reply_at if reply_text else None,
            "reply_precision": "approximate" if reply_approx else None,
        })
    return records


def _leaf_texts(root) -> list:
    """(element, its normalised text) for elements whose text is their own (no element children with text)."""
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "svg", "title", "button"):
            continue
        if any(isinstance(child.tag, str) and child.tag not in ("br", "wbr") and "".join(child.itertext()).strip()
               for child in el):
            continue
        text = " ".join("".join(el.itertext()).split())
        if text and not el.xpath("ancestor::button | ancestor::svg"):
            out.append((el, text))
    return out


def _answer_root(card, leaves):
    """The highest element above "Response from …" that holds none of the review's own parts."""
    header = next((el for el, text in leaves if RESPONSE_FROM.search(text)), None)
    if header is None:
        return None
    node = header
    while node.getparent() is not None and node.getparent() is not card:
        parent = node.getparent()
        own = parent.xpath(".//a[contains(@href, 'ShowUserReviews')] | .//a[starts-with(@href, '/Profile/')]")
        if own:
            break
        node = parent
    return node


def _in_link(el) -> bool:
    return el.tag == "a" or bool(el.xpath("ancestor::a"))


def _link_of(el) -> str:
    links = [el] if el.tag == "a" else el.xpath("ancestor::a")
    return links[-1].get("href", "") if links else ""
