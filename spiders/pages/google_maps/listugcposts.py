"""The current review format: the reviews data endpoint (listugcposts), whose records the place page embeds too."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import quote, urlsplit, urlunsplit

from ..common import dates
from ._shared import MICROS, NEWEST, REVIEW_ID, clean, is_int, is_language, lists, path, record, when

# A review: [0] review id; [1] meta: the first two integers above 1e14 are created / edited times
# in microseconds, the author is the first plain string of the list that links /maps/contrib/
# (at [1][4][0] in 2023, [1][4][5] in 2026), their review count at [5] of that list; [2][0][0]
# stars; [2][15][0][0] (else [2][1][0]) text, [2][14][0] language; [3] the owner reply, when it
# carries text ([3][14][0][0]) and its time ([3][1], microseconds). The place page holds them at [175][9].

ENDPOINT = "/maps/rpc/listugcposts"
PAGE_SIZE = 20


def is_review(node: list) -> bool:
    return (len(node) >= 3 and isinstance(node[0], str) and bool(REVIEW_ID.match(node[0]))
            and isinstance(node[1], list) and isinstance(node[2], list)
            and any(is_int(v) and v > MICROS for v in node[1]) and _stars(node[2]) is not None)


def review(node: list, now) -> dict:
    meta, content = node[1], node[2]
    times = [v for v in meta if is_int(v) and v > MICROS]
    relative = next((v for v in meta if isinstance(v, str) and dates.relative(v, now) is not None), None)
    updated = dates.from_epoch(times[1]) if len(times) > 1 and times[1] != times[0] else None
    text = path(content, 15, 0, 0)
    if not isinstance(text, str):
        text = path(content, 1, 0)
    if not isinstance(text, str):
        text = _spanned_text(content)
    language = path(content, 14, 0)
    if not is_language(language):
        language = path(content, 1, 1)
    author, author_review_count = _author(meta[4] if len(meta) > 4 else meta)
    return record(node, source_id=node[0], author=author, author_review_count=author_review_count,
                  rating=_stars(content), text=clean(text), language=language,
                  published=when(times[0] if times else None, relative, now), updated=updated,
                  reply=_reply(node[3] if len(node) > 3 else None, now))


def _reply(reply, now) -> tuple[str | None, tuple[str | None, bool]]:
    if not isinstance(reply, list):
        return None, (None, False)
    text = path(reply, 14, 0, 0)
    if not isinstance(text, str):
        text = _spanned_text(reply)
    text = clean(text)
    if not text:
        return None, (None, False)
    times = [v for v in reply if is_int(v) and v > MICROS]
    relative = next((v for v in reply if isinstance(v, str) and dates.relative(v, now) is not None), None)
    return text, when(times[0] if times else None, relative, now)


def _author(block) -> tuple[str | None, int | None]:
    """The author, the first plain string of the list that links their /maps/contrib/ page, and their review
    count: that list's [5] (an integer, as its "12 reviews" text says)."""
    for node in lists(block):
        strings = [v for v in node if isinstance(v, str)]
        nearby = strings + [v for child in node if isinstance(child, list) for v in child if isinstance(v, str)]
        if not any("/maps/contrib/" in v for v in nearby):
            continue
        for value in strings:
            if not value.startswith(("http", "/", ",")) and not value.isdigit() and value.strip():
                count = path(node, 5)
                return value.strip(), count if is_int(count) and count >= 0 else None
    return None, None


def _stars(content: list):
    value = path(content, 0, 0)
    return value if is_int(value) and 1 <= value <= 5 else None


def _spanned_text(node) -> str | None:
    """The first [text, …, [0, length]] in a subtree: how Google stores a text with its span."""
    for child in lists(node):
        if child and isinstance(child[0], str) and any(
                isinstance(v, list) and len(v) == 2 and v[0] == 0 and is_int(v[1]) for v in child[1:]):
            return child[0]
    return None


# The endpoint's URLs.

def endpoint_url(url: str, data_id: str) -> str:
    """Page one of the listugcposts endpoint for a place, newest first, on `url`'s host."""
    parts = urlsplit(url)
    request_id = base64.urlsafe_b64encode(hashlib.sha1(data_id.encode()).digest()).decode()[:21]
    pb = (f"!1m6!1s{quote(data_id, safe='')}!6m4!4m1!1e1!4m1!1e3!2m2!1i{PAGE_SIZE}!2s"
          f"!5m2!1s{request_id}!7e81!8m9!2b1!3b1!5b1!7b1!12m4!1b1!2b1!4m1!1e1!11m0!13m1!1e{NEWEST}")
    return urlunsplit((parts.scheme or "https", parts.netloc or "www.google.com", ENDPOINT,
                       f"authuser=0&hl=en&pb={pb}", ""))


def newest_first(url: str) -> str:
    """An endpoint URL with the newest-first sort."""
    if re.search(r"!13m1!1e\d", url):
        return re.sub(r"!13m1!1e\d", f"!13m1!1e{NEWEST}", url)
    return re.sub(r"([?&]pb=[^&#]*)", lambda m: m.group(1) + f"!13m1!1e{NEWEST}", url, count=1)


def page_token(data: list) -> str | None:
    """The next page's token in an endpoint answer."""
    token = data[0][1] if isinstance(data[0], list) and len(data[0]) > 1 else None
    return token if isinstance(token, str) and token else None


def with_token(url: str, token: str) -> str | None:
    encoded = quote(token, safe="")
    match = re.search(r"!2m2!1i(\d+)!2s[^!&#]*", url)
    if match:
        return url.replace(match.group(0), f"!2m2!1i{match.group(1)}!2s{encoded}", 1)
    match = re.search(r"!2m1!1i(\d+)", url)
    if match:
        return url.replace(match.group(0), f"!2m2!1i{match.group(1)}!2s{encoded}", 1)
    return None
