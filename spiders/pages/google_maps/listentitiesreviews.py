"""The legacy review format: the older reviews endpoint (listentitiesreviews), whose records place pages embedded."""

from __future__ import annotations

import re

from ..common import dates
from ._shared import MICROS, NEWEST, REVIEW_ID, clean, is_int, path, record, when

# A review: [0] author [url, name, ...], [1] "2 months ago", [3] text, [4] stars, [9] owner reply
# (its text and epoch), [10] review id, [12][1] the reviewer ([1] their review count, [5] their
# /maps/contrib/ link), [32] language; of its epoch milliseconds ([27] and [57]) the earlier is
# the creation, the later the last edit. The place page held them at [52][0].

LEGACY_ENDPOINT = "/maps/preview/review/listentitiesreviews"
_PAGE = re.compile(r"!2m2!1i(\d+)!2i(\d+)")  # offset and page size in the request


def is_review(node: list) -> bool:
    return (len(node) > 10 and isinstance(node[0], list)
            and any(isinstance(v, str) and "/maps/contrib/" in v for v in node[0])
            and is_int(node[4]) and 1 <= node[4] <= 5
            and isinstance(node[10], str) and bool(REVIEW_ID.match(node[10])))


def review(node: list, now) -> dict:
    stamps = [v for v in node if is_int(v) and 10**11 < v < MICROS]
    relative = node[1] if isinstance(node[1], str) else None
    updated = dates.from_epoch(max(stamps)) if stamps and max(stamps) != min(stamps) else None
    return record(node, source_id=node[10], author=clean(node[0][1]) if len(node[0]) > 1 else None,
                  rating=node[4], text=clean(node[3]), language=node[32] if len(node) > 32 else None,
                  published=when(min(stamps) if stamps else None, relative, now), updated=updated,
                  reply=_reply(node[9], now), author_review_count=_review_count(path(node, 12, 1)))


def _review_count(reviewer) -> int | None:
    """The reviewer's review count, from the reviewer block that links their /maps/contrib/ page."""
    link = path(reviewer, 5)
    count = path(reviewer, 1)
    return count if isinstance(link, str) and "/maps/contrib/" in link and is_int(count) and count >= 0 else None


def _reply(reply, now) -> tuple[str | None, tuple[str | None, bool]]:
    if not isinstance(reply, list):
        return None, (None, False)
    strings = [v for v in reply if isinstance(v, str) and not v.startswith(("http", "/"))]
    relative = next((v for v in strings if dates.relative(v, now) is not None), None)
    texts = [v for v in strings if v is not relative]
    if not texts:
        return None, (None, False)
    stamp = next((v for v in reply if is_int(v) and v > 10**11), None)
    return clean(max(texts, key=len)), when(stamp, relative, now)


def next_page(url: str, data: list) -> str | None:
    """The next offset while this page was full."""
    match = _PAGE.search(url)
    if not match or len(_rows(data)) < int(match.group(2)):
        return None
    offset, size = int(match.group(1)), int(match.group(2))
    return url.replace(match.group(0), f"!2m2!1i{offset + size}!2i{size}", 1)


def newest_first(url: str) -> str:
    """An endpoint URL with the newest-first sort."""
    return re.sub(r"!3e\d", f"!3e{NEWEST}", url)


def _rows(data: list) -> list:
    top = data[0] if data else None
    rows = top[2] if isinstance(top, list) and len(top) > 2 and isinstance(top[2], list) else []
    return [row for row in rows if isinstance(row, list) and is_review(row)]
