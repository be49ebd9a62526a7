"""What Google Maps' formats share: the site key, walking Google's keyless arrays, a review record, times."""

from __future__ import annotations

import re

from ..common import dates, jsondata

SITE = "google-maps"
PREFIX = ")]}'"  # before Google's JSON, in endpoint answers and in the strings a page state embeds
MICROS = 10**14  # integers above this are times in microseconds
NEWEST = 2  # the endpoints' sort codes: 1 most relevant, 2 newest, 3 highest, 4 lowest
REVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{20,}={0,2}$")


def lists(root, skip=None):
    """Every list in a JSON tree in document order; a list for which skip(list) is true is not entered."""
    enter = None if skip is None else (lambda value: not (isinstance(value, list) and skip(value)))
    return (value for value in jsondata.walk(root, enter) if isinstance(value, list))


def path(node, *indexes):
    """node[i][j]... through lists only; None where the path breaks."""
    for index in indexes:
        if not isinstance(node, list) or index >= len(node):
            return None
        node = node[index]
    return node


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_language(value) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value))


def clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.replace("\r\n", "\n").replace("\xa0", " ").strip()
    return text or None


def when(stamp, relative: str | None, now) -> tuple[str | None, bool]:
    """(ISO UTC, approximate): the epoch `stamp` when there is one, else the `relative` text against `now`."""
    exact = dates.from_epoch(stamp) if stamp is not None else None
    if exact:
        return exact, False
    if relative:
        return dates.parse(relative, now=now)
    return None, False


def record(node: list, *, source_id, author, rating, text, language, published: tuple, updated, reply: tuple,
           author_review_count: int | None = None) -> dict:
    """A review of either array format; `published` is (time, approximate), `reply` (text, (time, approximate))."""
    return {
        "source_id": source_id,
        "url": next((v for v in jsondata.walk(node) if isinstance(v, str) and "/maps/reviews/data=" in v), None),
        "author": author,
        "author_review_count": author_review_count,
        "rating": rating,
        "rating_max": 5,
        "text": text,
        "language": language if is_language(language) else None,
        "published_at": published[0],
        "published_approx": published[1],
        "updated_at": updated,
        "reply_text": reply[0],
        "reply_at": reply[1][0],
        "reply_precision": "approximate" if reply[1][1] else None,
    }
