"""The place page: its embedded APP_INITIALIZATION_STATE, and the place (data id, name, rating, count) in it."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from ..common import jsondata, urls, values
from ._shared import PREFIX, is_int, lists

# Google's own data is nested arrays without keys, and its indexes move between releases, so the
# place is found by its shape; the indexes below are where it sat in 2023-2026 and are tried first.
# In the APP_INITIALIZATION_STATE payload ([6] of the decoded )]}' string): a list holding the
# data id 0x…:0x… with the name right after it ([10], [11]); [4][7] / [4][8] rating and review
# count (else: a number 1..5 followed by a count, in a child list that says "N reviews").

DATA_ID = re.compile(r"0x[0-9a-f]{1,16}:0x[0-9a-f]{1,16}", re.IGNORECASE)
_REVIEWS_LABEL = re.compile(r"^[\d.,\s\u202f\xa0]+\s+reviews?$", re.IGNORECASE)


def initialization_state(html: str):
    """The page's APP_INITIALIZATION_STATE value, or None."""
    match = re.search(r"APP_INITIALIZATION_STATE\s*=\s*", html)
    return jsondata.decode_at(html, match.end()) if match else None


def nested_payloads(root) -> list:
    """The ")]}'"-prefixed JSON strings a page state carries (the place data sits in one)."""
    found = []
    for value in jsondata.walk(root):
        if isinstance(value, str) and value.startswith(PREFIX):
            data = jsondata.loads(value[len(PREFIX):])
            if isinstance(data, list):
                found.append(data)
    return found


def place(roots: list) -> dict | None:
    """{"data_id", "name", "rating", "count"} of the place in the payloads, or None."""
    best = None
    for node in lists(roots):
        for i, value in enumerate(node[:-1]):
            if isinstance(value, str) and DATA_ID.fullmatch(value) and isinstance(node[i + 1], str) \
                    and node[i + 1].strip():
                candidate = (i == 10, node, i)
                if best is None or (candidate[0] and not best[0]):
                    best = candidate
                break
        if best is not None and best[0]:
            break
    if best is None:
        return None
    _, node, i = best
    rating, count = _summary(node)
    return {"data_id": node[i], "name": node[i + 1].strip(), "rating": rating, "count": count}


def _summary(place: list) -> tuple:
    block = place[4] if len(place) > 8 and isinstance(place[4], list) else None
    if block and len(block) > 8 and _is_rating(block[7]) and _is_count(block[8]):
        return values.number(block[7]), block[8]
    for child in place:
        if not isinstance(child, list) or not any(
                isinstance(v, str) and _REVIEWS_LABEL.match(v.strip()) for v in jsondata.walk(child)):
            continue
        for a, b in zip(child, child[1:]):
            if _is_rating(a) and _is_count(b):
                return values.number(a), b
    return None, None


def _is_rating(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 5


def _is_count(value) -> bool:
    return is_int(value) and value >= 0


def data_id_from_url(url: str) -> str | None:
    """The place's data id (0x…:0x…) in a URL, also from the legacy !1y…!2y… decimal form."""
    text = unquote(url)
    match = DATA_ID.search(text)
    if match:
        return match.group(0).lower()
    legacy = re.search(r"!1y(-?\d+)!2y(-?\d+)", text)
    if legacy:
        high, low = (int(v) & 0xFFFFFFFFFFFFFFFF for v in legacy.groups())
        return f"0x{high:x}:0x{low:x}"
    return None


def business_url(url: str, data_id: str | None) -> str:
    """The place on the host we read it from (Google's own for a saved file)."""
    if not data_id:
        return urls.page_url(url)
    parts = urlsplit(url)
    scheme, host = (parts.scheme, parts.netloc) if parts.scheme in ("http", "https") else ("https", "www.google.com")
    return urlunsplit((scheme, host, f"/maps/place/data=!4m2!3m1!1s{data_id}", "", ""))
