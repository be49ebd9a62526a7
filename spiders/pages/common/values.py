"""Plain values from pages and APIs: text cleanup, numbers, ratings, counts, and review ids."""

from __future__ import annotations

import hashlib
import html
import re

from repscan.core.items import DATE_ONLY, iso_utc

# Unwrapping JSON-LD values ({"@value": ...}, lists of them).

def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first(value):
    values = as_list(value)
    return values[0] if values else None


def scalar(value):
    """The first value of a list, unwrapped from {"@value": ...}; None for booleans and nothing."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    return None if isinstance(value, bool) else value


def text_of(value) -> str | None:
    """A plain string from a string, number, {"@value": ...} or list of them."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value if isinstance(value, str) else None


# Text.

def text(value) -> str | None:
    """A stripped string with CRLF as LF, or None for nothing, blanks and non-strings."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|amp|quot|lt|gt|apos|nbsp);")


def clean_text(value: str | None) -> str | None:
    """Markup-free text: tags dropped (<br>/<p> as line breaks), entities decoded, CRLF as LF."""
    if not value:
        return None
    text = _TAG.sub("", _BREAK.sub("\n", value))
    text = html.unescape(text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return text.strip() or None


_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "section", "article", "blockquote", "h1", "h2",
               "h3", "h4", "h5", "h6", "tr", "table"}


def element_text(el) -> str:
    """Visible text of an element: <br> and block elements become line breaks."""
    parts: list[str] = []

    def walk(node):
        if not isinstance(node.tag, str):
            parts.append(node.tail or "")
            return
        tag = node.tag.lower()
        if tag in ("script", "style", "template"):
            parts.append(node.tail or "")
            return
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(node.text or "")
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(node.tail or "")

    parts.append(el.text or "")
    for child in el:
        walk(child)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def first_text(selection) -> str | None:
    """The visible text of a selection's first element (line breaks kept), or None."""
    return text(element_text(selection[0].root)) if selection else None


# Numbers.

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def number(value) -> int | float | None:
    """A rating as a number: 4, 4.5, "4.5", "4,5", "4.5 / 5"; integral values as int."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, str):
        match = _NUMBER.search(value)
        if not match:
            return None
        value = float(match.group().replace(",", "."))
    if not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else float(value)


def count(value) -> int | None:
    """A count: 20, "20", "1,234", "1.234", "1 234 reviews"."""
    value = scalar(value)
    if isinstance(value, (int, float)):
        return int(value)
    match = re.search(r"\d[\d.,\s\u202f\xa0]*", str(value)) if value is not None else None
    digits = re.sub(r"\D", "", match.group()) if match else ""
    return int(digits) if digits else None


_ABBREVIATED = re.compile(r"(\d[\d.,\u202f\xa0 ]*)\s*([KkMm])?\b")


def abbreviated_count(value: str | None) -> int | None:
    """A displayed count: "577 comments", "3,788 Likes", "1.2K", "4,3 K" (decimal comma), "2M"."""
    match = _ABBREVIATED.search(value or "")
    if not match:
        return None
    digits, unit = match.group(1).strip(), match.group(2)
    if unit:
        number = re.sub(r"[\u202f\xa0 ]", "", digits).replace(",", ".")
        try:
            return round(float(number) * (1000 if unit in "Kk" else 1_000_000))
        except ValueError:
            return None
    return int(re.sub(r"\D", "", digits))


# Ids.

def stable_id(*parts: str | None) -> str:
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def fallback_id(business_url: str, author: str | None, published_at: str | None, body: str | None) -> str:
    """The id of a review without its own: the same from JSON-LD and from an HTML card of the review, and the same
    across versions, so stored reviews keep their ids. A date-only published_at counts as its midnight (the form ids
    were made from before days had a precision of their own); a time the page gave without an offset counts as read
    in UTC (items.ZonedTime.as_read: the form before times were read in the business's zone). Two reviews that get
    one id (one first name, no date, no text) are told apart where they are read (jsonld's records that disagree)."""
    published_at = getattr(published_at, "as_read", published_at)
    if published_at and DATE_ONLY.fullmatch(published_at):
        published_at = iso_utc(published_at)
    return stable_id(business_url, author, published_at, (body or "")[:200])
