"""Tripadvisor review pages (hotels, restaurants, attractions) with management responses."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError
from .common import dates, schemaorg, urls, values

# Two markups are read. Legacy pages (to about 2020) mark each review with data-reviewid: a
# ui_bubble_rating bubble_NN class, span.ratingDate[title], the title in .noQuotes, the text in
# .partial_entry, and the owner's answer in .mgrRspnInline. Current pages render
# [data-automation="reviewCard"] cards with hashed classes; those are read by structure: the
# "N of 5 bubbles" label, the /ShowUserReviews-…-rNNN- link (id and title), the /Profile/ link
# (author), "Written <date>", the text between the title and that date, and the block that
# starts with "Response from". The page's JSON-LD gives the rating summary, and reviews when neither
# markup is there. Pages go -or10-, -or20-, … in the URL; the site lists newest first.

SITE = "tripadvisor"

_OFFSET = re.compile(r"-or\d+(?=-)")
_REVIEW_LINK = re.compile(r"-r(\d+)-")
_BUBBLES = re.compile(r"(\d(?:[.,]\d)?) of 5 bubbles", re.IGNORECASE)
_BUBBLE_CLASS = re.compile(r"\bbubble_(\d{1,2})\b")
_WRITTEN = re.compile(r"^(?:Written|Reviewed)\s+(.+)$|^.*\bwrote a review\s+(.+)$", re.IGNORECASE)
_RESPONDED = re.compile(r"^Responded\s+(.+)$", re.IGNORECASE)
_RESPONSE_FROM = re.compile(r"^Response from\b|responded to this review", re.IGNORECASE)


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in page order, then one business item for the rating summary.

    Relative dates ("Reviewed 3 days ago", "yesterday") resolve against `now`.
    Raises LayoutError when the page has no review markup, no JSON-LD reviews and no rating.
    """
    business_url = first_page(urls.page_url(response.url))
    data = schemaorg.parse(response)
    records = _legacy(response, now) or _cards(response, now)
    items = [make("review", source=SITE, business_url=business_url, **record) for record in records]
    if not records:
        items = _from_json_ld(response, data, business_url)
    business = data.business(SITE, business_url)
    if not items and business is None:
        raise LayoutError(f"tripadvisor: {response.url} has no review cards, no data-reviewid reviews and no JSON-LD")
    return items + ([business] if business else [])


def next_page(response) -> str | None:
    """The "next" link (rel=next, the legacy nav button, or the current "Next page" arrow)."""
    for href in response.xpath(
        "//link[@rel='next']/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')"
        "       and not(contains(concat(' ', normalize-space(@class), ' '), ' disabled '))]/@href"
        " | //a[@aria-label='Next page']/@href"
    ).getall():
        parts = urlsplit(href.strip())
        if _OFFSET.search(parts.path):
            target = response.urljoin(urlunsplit(("", "", parts.path, parts.query, "")))
            if target != response.url:
                return target
    return None


def start_url(url: str) -> str:
    """The review list's first page (no -orNN- offset), where the newest reviews are."""
    return first_page(url)


def first_page(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, _OFFSET.sub("", parts.path, count=1), parts.query, ""))


# Legacy markup.

def _legacy(response, now) -> list[dict]:
    records = []
    for block in response.xpath("//*[@data-reviewid][not(ancestor::*[@data-reviewid])]"):
        review_id = block.attrib.get("data-reviewid")
        answer = block.css(".mgrRspnInline")
        skip = set(answer[0].root.iter()) if answer else set()
        rating = _bubble_class(block, skip)
        if not review_id or rating is None and not block.css(".partial_entry"):
            continue
        date_node = block.css(".ratingDate")
        date_text = date_node.attrib.get("title") if date_node else None
        shown = date_node.xpath("normalize-space()").get() if date_node else None
        published, approx = dates.parse(date_text or shown, now=now)
        link = block.xpath(".//a[contains(@href, 'ShowUserReviews')]/@href").get()
        reply_text = reply_at = None
        if answer:
            reply_text = _entry_text(answer[0].css(".partial_entry"))
            when = answer[0].css(".responseDate")
            if when:
                reply_at = dates.parse(when.attrib.get("title") or when.xpath("normalize-space()").get(), now=now)[0]
        records.append({
            "source_id": review_id,
            "url": response.urljoin(link) if link else response.url,
            "author": _clean(block.xpath("normalize-space(.//*[contains(@class, 'info_text')]/div[1])").get())
            or _clean(block.xpath("normalize-space(.//a[contains(@href, '/Profile/')][normalize-space()][1])").get())
            or _clean(block.xpath("normalize-space(.//*[contains(@class, 'username')][1])").get()),
            "rating": rating,
            "title": _clean(block.xpath("normalize-space(.//*[contains(@class, 'noQuotes')][1])").get()),
            "text": _entry_text([el for el in block.css(".partial_entry") if el.root not in skip]),
            "language": block.xpath(".//@lang").get(),
            "published_at": published,
            "published_approx": approx,
            "reply_text": reply_text,
            "reply_at": reply_at if reply_text else None,
        })
    return records


def _bubble_class(block, skip) -> int | float | None:
    for el in block.css(".ui_bubble_rating"):
        if el.root in skip:
            continue
        match = _BUBBLE_CLASS.search(el.attrib.get("class", ""))
        if match:
            return values.number(int(match.group(1)) / 10)
    return None


def _entry_text(nodes) -> str | None:
    for node in nodes:
        text = values.element_text(node.root)
        text = re.sub(r"\s*(?:\.\.\.|…)\s*More$", "…", text).strip()
        if text:
            return text
    return None


# Current cards.

def _cards(response, now) -> list[dict]:
    records = []
    for card in response.xpath("//*[@data-automation='reviewCard']"):
        link = card.xpath(".//a[contains(@href, 'ShowUserReviews')]")
        match = _REVIEW_LINK.search(link.attrib.get("href", "")) if link else None
        if not match:
            continue
        leaves = _leaf_texts(card.root)
        answer = _answer_root(card.root, leaves)
        in_answer = set(answer.iter()) if answer is not None else set()
        title = _clean(card.xpath(
            "normalize-space(.//a[contains(@href, 'ShowUserReviews')][normalize-space()][1])").get())
        author = _clean(card.xpath("normalize-space(.//a[starts-with(@href, '/Profile/')][normalize-space()][1])").get())
        review_leaves = [(el, text) for el, text in leaves if el not in in_answer]
        marks = [i for i, (el, text) in enumerate(review_leaves) if _WRITTEN.match(text)]
        written = _WRITTEN.match(review_leaves[marks[0]][1]) if marks else None
        published, approx = dates.parse((written.group(1) or written.group(2)) if written else None, now=now)
        titled = [i for i, (el, _) in enumerate(review_leaves) if _in_link(el) and "ShowUserReviews" in _link_of(el)]
        # The text sits between the title and "Written …"; the site's disclaimer follows the date.
        lo = titled[0] + 1 if titled else 0
        hi = marks[0] if marks and marks[0] > lo else len(review_leaves)
        body = [(el, text) for el, text in review_leaves[lo:hi] if not _in_link(el)]
        reply_text = reply_at = None
        if answer is not None:
            reply_leaves = [(el, text) for el, text in leaves if el in in_answer]
            dated = [i for i, (_, text) in enumerate(reply_leaves) if _RESPONDED.match(text)]
            headed = [i for i, (_, text) in enumerate(reply_leaves) if _RESPONSE_FROM.search(text)]
            if dated:
                reply_at = dates.parse(_RESPONDED.match(reply_leaves[dated[0]][1]).group(1), now=now)[0]
            after = max(dated[:1] + headed[:1], default=-1) + 1
            if after < len(reply_leaves):
                reply_text = values.element_text(reply_leaves[after][0])
        rating = None
        for label in card.xpath(".//@aria-label | .//title/text()").getall():
            found = _BUBBLES.search(label)
            if found:
                rating = values.number(found.group(1))
                break
        records.append({
            "source_id": match.group(1),
            "url": response.urljoin(link.attrib["href"]),
            "author": author,
            "rating": rating,
            "title": title,
            "text": values.element_text(max(body, key=lambda c: len(c[1]))[0]) if body else None,
            "language": card.xpath(".//@lang").get(),
            "published_at": published,
            "published_approx": approx,
            "reply_text": reply_text or None,
            "reply_at": reply_at if reply_text else None,
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
    header = next((el for el, text in leaves if _RESPONSE_FROM.search(text)), None)
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


# JSON-LD (pages whose reviews are only in structured data).

def _from_json_ld(response, data, business_url: str) -> list[dict]:
    return [schemaorg.review_item(SITE, fields, source_id=source_id, url=fields["url"] or business_url,
                                  business_url=business_url)
            for fields, source_id in data.identified_reviews(response.url, business_url, _linked_id)]


def _linked_id(fields: dict) -> str | None:
    """The review id in the /ShowUserReviews-…-rNNN- link of a Review's url or @id."""
    match = _REVIEW_LINK.search(fields["url"] or fields["id"] or "")
    return match.group(1) if match else None


def _clean(value) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None
