"""Google Play app reviews: the details page's embedded data and the batchexecute reviews RPC (newest first)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core import sites
from repscan.core.items import iso_utc, make

from . import LayoutError
from .common import evidence, schemaorg, urls, values

SITE = "googleplay"
PLAY = "https://play.google.com"
RPC = "oCPfdb"  # the reviews RPC of the Play web client (was "UsvDTd" until 2022)
SORT_NEWEST = 2
PAGE_SIZE = 100
_XSSI = ")]}'"
_BATCH_PATH = "/_/PlayStoreUi/data/batchexecute"
_CALLBACK = re.compile(r"AF_initDataCallback\s*\(")
_DATA = re.compile(r"\bdata\s*:\s*(?:function\s*\(\s*\)\s*\{\s*return\s+)?")
_REVIEW_ID = re.compile(r"gp:[\w-]+|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[\w:-]{16,}")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items, then (details page only) the business item from the page's JSON-LD.

    A details page carries the reviews Play shows first (by relevance) in one of its
    AF_initDataCallback blocks, found by its shape rather than its ds:N key; a
    batchexecute response (")]}'"-prefixed) carries one page of the reviews RPC.
    """
    app_id = _app_id(response.url)
    if _is_batch(response):
        payloads = _batch_payloads(response)
        reviews = [r for payload in payloads for r in _review_lists(payload)]
        return _reviews(reviews, app_id)
    blocks = _callback_blocks(response.text)
    data = schemaorg.parse(response)
    summary = data.summary([])
    if not blocks and summary is None:
        raise LayoutError(f"googleplay: {response.url} has no AF_initDataCallback data and no JSON-LD rating")
    reviews = [r for block in blocks for r in _review_lists(block)]
    app = summary[1] if summary else None
    if app_id is None and isinstance(app, dict):
        app_id = _app_id(values.text_of(app.get("url")) or "")
    items = _reviews(reviews, app_id)
    if summary is not None:
        rating, parent = summary
        items.append(make(
            "business", source=SITE, url=_app_url(app_id),
            name=data.names((parent or {}).get("name")),
            rating=values.number(rating.get("ratingValue")),
            review_count=values.count(rating.get("ratingCount") or rating.get("reviewCount")),
        ))
    return items


def expected(response) -> str | None:
    """Entries shaped like reviews by their stars (1-5) and [seconds, nanos] time alone, whatever their ids."""
    def rated(node) -> bool:
        return (isinstance(node, list) and len(node) > 5 and isinstance(node[0], str) and type(node[2]) is int
                and 1 <= node[2] <= 5 and isinstance(node[5], list) and len(node[5]) == 2
                and all(type(part) is int for part in node[5]))

    roots = _batch_payloads(response) if _is_batch(response) else _callback_blocks(response.text)
    found, stack = 0, list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            found += rated(node)
            stack.extend(node)
    return evidence.counted(found, "rated entry", "rated entries")


def next_page(response) -> str | None:
    """The next batchexecute page (newest first): from a details page its first page, then by token."""
    app_id = _app_id(response.url)
    if app_id is None:
        return None
    origin = _origin(response.url)
    if not _is_batch(response):
        return batch_url(origin, app_id, hl=urls.param(response.url, "hl"), gl=urls.param(response.url, "gl"))
    try:
        payloads = _batch_payloads(response)
    except LayoutError:
        return None
    if not any(_review_lists(payload) for payload in payloads):
        return None
    token = next((t for t in map(_token, payloads) if t), None)
    return urls.with_params(response.url, token=token) if token else None


def start_url(url: str) -> str:
    """The first batchexecute page of an app's reviews, newest first, from its details page URL.

    Play hosts map to play.google.com; another host (a local test server) is kept.
    """
    app_id = _app_id(url)
    if app_id is None:
        raise ValueError(f"googleplay: {url} names no app (expected .../store/apps/details?id=...)")
    origin = PLAY if urls.on_domain(url, "google.com") else _origin(url)
    return batch_url(origin, app_id, hl=urls.param(url, "hl"), gl=urls.param(url, "gl"))


def details_url(url: str) -> str:
    """The app's details page (JSON-LD name and rating, the reviews Play shows first)."""
    app_id = _app_id(url)
    origin = PLAY if urls.on_domain(url, "google.com") else _origin(url)
    page = f"{origin}/store/apps/details"
    return urls.with_params(page, id=app_id, hl=urls.param(url, "hl"), gl=urls.param(url, "gl"))


def batch_url(origin: str, app_id: str, *, hl: str | None = None, gl: str | None = None,
              token: str | None = None) -> str:
    """A reviews RPC URL; `id` and `token` ride along so the response can be read on its own."""
    return urls.with_params(f"{origin}{_BATCH_PATH}", rpcids=RPC, hl=hl, gl=gl, id=app_id, token=token)


def batch_form(url: str) -> dict[str, str] | None:
    """The POST form the reviews RPC expects for a batch_url(), None for any other URL."""
    if urlsplit(url).path != _BATCH_PATH or not urls.param(url, "id"):
        return None
    window = [PAGE_SIZE] if not urls.param(url, "token") else [PAGE_SIZE, None, urls.param(url, "token")]
    inner = [None, [2, SORT_NEWEST, window, None, [None, None, None, None, None, None, None, None, None]],
             [urls.param(url, "id"), 7]]
    request = [[[RPC, json.dumps(inner, separators=(",", ":")), None, "generic"]]]
    return {"f.req": json.dumps(request, separators=(",", ":"))}


def _reviews(entries: list, app_id: str | None) -> list[dict]:
    items, seen = [], set()
    for entry in entries:
        review_id = entry[0]
        if review_id in seen:
            continue
        seen.add(review_id)
        reply = _reply(entry)
        items.append(make(
            "review",
            source=SITE,
            source_id=review_id,
            url=urls.with_params(_app_url(app_id), reviewId=review_id) if app_id else None,
            business_url=_app_url(app_id),
            author=values.text(_at(_at(entry, 1), 0)),
            rating=values.number(_at(entry, 2)),
            rating_max=5,
            text=values.text(_at(entry, 4)),
            published_at=_epoch(_published(entry)),
            reply_text=values.text(_at(reply, 1)),
            reply_at=_epoch(_at(reply, 2)),
        ))
    return items


def _is_review(node) -> bool:
    """A review entry: [id, [author, ...], stars 1-5, ...]. Ids were "gp:AOqp..." until about 2023 and are
    UUIDs today; the shape decides, not the id's form."""
    return (isinstance(node, list) and len(node) > 5 and isinstance(node[0], str) and _REVIEW_ID.fullmatch(node[0])
            and isinstance(node[1], list) and bool(node[1]) and isinstance(node[1][0], str)
            and isinstance(node[2], int) and not isinstance(node[2], bool) and 1 <= node[2] <= 5)


def _reply(entry: list) -> list:
    """The developer's reply, [author, text, [seconds, nanos], ...]: at index 7 in every layout seen (2019-2026),
    else the first list of that shape after the review's own time; [] when there is none."""
    if isinstance(_at(entry, 7), list) and isinstance(_at(entry[7], 1), str):
        return entry[7]
    return next((part for part in entry[6:] if isinstance(part, list) and len(part) >= 3
                 and isinstance(part[1], str) and part[1].strip() and _is_time(part[2])), [])


def _published(entry: list):
    """The review's [seconds, nanos]: index 5 (2019-2026), else the first timestamp after the rating."""
    return _at(entry, 5) if _is_time(_at(entry, 5)) else next(filter(_is_time, entry[3:]), None)


def _is_time(node) -> bool:
    """A [seconds, nanos] timestamp (nanos may be missing or null)."""
    return (isinstance(node, list) and 1 <= len(node) <= 2 and isinstance(node[0], int) and not isinstance(node[0], bool)
            and 946684800 <= node[0] < 4102444800)


def _review_lists(node) -> list:
    """Every review entry in a data tree, in order, without descending into the reviews themselves."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, list):
            continue
        if any(_is_review(child) for child in current):
            found.extend(child for child in current if _is_review(child))
            continue
        stack.extend(reversed(current))
    return found


def _token(payload) -> str | None:
    """The continuation token: a [null, "token"] pair after the review list at the payload's top level."""
    if not isinstance(payload, list):
        return None
    for part in payload[1:]:
        if (isinstance(part, list) and len(part) >= 2 and part[0] is None
                and isinstance(part[-1], str) and part[-1]):
            return part[-1]
    return None


def _callback_blocks(html: str) -> list:
    decoder = json.JSONDecoder()
    blocks = []
    for match in _CALLBACK.finditer(html):
        data = _DATA.search(html, match.end(), match.end() + 2000)
        if not data:
            continue
        try:
            value, _ = decoder.raw_decode(html, data.end())
        except ValueError:
            continue
        blocks.append(value)
    return blocks


def gives(response) -> tuple[str, ...]:
    """The site's `gives`; a batchexecute page of reviews carries no JSON-LD summary (the details page does)."""
    given = sites.get(SITE).gives
    return tuple(name for name in given if name != "summary") if _is_batch(response) else given


def _is_batch(response) -> bool:
    return response.body.lstrip()[:4] == _XSSI.encode()


def _batch_payloads(response) -> list:
    """The decoded payloads of every "wrb.fr" envelope, in plain or chunked (rt=c) framing."""
    body = response.text.lstrip()[len(_XSSI):]
    decoder = json.JSONDecoder()
    envelopes, position = [], 0
    while position < len(body):
        skip = re.compile(r"[\s\d]*").match(body, position)
        position = skip.end()
        if position >= len(body):
            break
        try:
            value, position = decoder.raw_decode(body, position)
        except ValueError:
            break
        envelopes.extend(value if isinstance(value, list) else [])
    payloads, errors = [], 0
    for envelope in envelopes:
        if isinstance(envelope, list) and len(envelope) > 2 and envelope[0] == "wrb.fr":
            if not isinstance(envelope[2], str):
                errors += 1
                continue
            try:
                payloads.append(json.loads(envelope[2]))
            except ValueError:
                errors += 1
    if not payloads:
        raise LayoutError(f"googleplay: {response.url} has no readable batchexecute payload ({errors} failed)")
    return payloads


def _at(node, index: int):
    return node[index] if isinstance(node, list) and -len(node) <= index < len(node) else None


def _epoch(value) -> str | None:
    seconds = _at(value, 0)
    return iso_utc(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None


def _app_id(url: str) -> str | None:
    return values.text(urls.param(url, "id"))


def _app_url(app_id: str | None) -> str | None:
    return f"{PLAY}/store/apps/details?id={app_id}" if app_id else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))
