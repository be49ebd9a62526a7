"""Google Maps place reviews: the place page's embedded data, the reviews data endpoint and Places API JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError
from .common import dates, urls, values

# Google's own data is nested arrays without keys, and its indexes move between releases, so
# reviews and the place are found by their shape; the indexes below are where they sat in
# 2023-2026 and are tried first.
#
# Place (the APP_INITIALIZATION_STATE payload, [6] of the decoded )]}' string):
#   a list holding the data id 0x…:0x… with the name right after it ([10], [11]);
#   [4][7] / [4][8] rating and review count (else: a number 1..5 followed by a count, in a
#   child list that says "N reviews").
# Review, current format (listugcposts responses, the place page's [175][9]):
#   [0] review id; [1] meta: the first two integers above 1e14 are created / edited times in
#   microseconds, the author is the first plain string of the list that links /maps/contrib/
#   (at [1][4][0] in 2023, [1][4][5] in 2026); [2][0][0] stars; [2][15][0][0] (else [2][1][0])
#   text, [2][14][0] language; [3] the owner reply, when it carries text ([3][14][0][0]) and
#   its time ([3][1], microseconds).
# Review, legacy format (listentitiesreviews, the place page's [52][0]):
#   [0] author [url, name, ...], [1] "2 months ago", [3] text, [4] stars, [9] owner reply
#   (its text and epoch), [10] review id, [32] language; of its epoch milliseconds ([27] and
#   [57]) the earlier is the creation, the later the last edit.
# A review's own link is the string holding /maps/reviews/data=.

SITE = "google-maps"

ENDPOINT = "/maps/rpc/listugcposts"
LEGACY_ENDPOINT = "/maps/preview/review/listentitiesreviews"
PAGE_SIZE = 20
NEWEST = 2  # the endpoints' sort codes: 1 most relevant, 2 newest, 3 highest, 4 lowest

_DATA_ID = re.compile(r"0x[0-9a-f]{1,16}:0x[0-9a-f]{1,16}", re.IGNORECASE)
_REVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{20,}={0,2}$")
_REVIEWS_LABEL = re.compile(r"^[\d.,\s\u202f\xa0]+\s+reviews?$", re.IGNORECASE)
_MICROS = 10**14
_PREFIX = ")]}'"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews in the order served, then (from a place page or the Places API) one business item.

    Relative dates resolve against `now`; Google's data mostly carries exact times, which win.
    Raises LayoutError when the response holds neither a place nor reviews in a known shape.
    """
    kind, data = _decode(response)
    if kind == "places":
        return _from_places(response, data, now)
    place = _place(data)
    data_id = (place or {}).get("data_id") or _data_id_from_url(response.url)
    business_url = _business_url(response.url, data_id)
    reviews = _reviews(data, now)
    if not reviews and place is None and not (kind == "endpoint" and _is_list_response(data)):
        raise LayoutError(f"google-maps: {response.url} has no place data and no reviews in a known shape")
    items = [make("review", source=SITE, business_url=business_url,
                  **{**review, "url": review["url"] or business_url}) for review in reviews]
    if place is not None:
        items.append(make("business", source=SITE, url=business_url, name=place["name"],
                          rating=place["rating"], review_count=place["count"]))
    return items


def next_page(response) -> str | None:
    """The endpoint's next page (page token or offset); after a place page, the endpoint's first.

    None for the Places API and on the last page.
    """
    try:
        kind, data = _decode(response)
    except LayoutError:
        return None
    url = response.url
    if kind == "places":
        return None
    if kind == "endpoint" and LEGACY_ENDPOINT in url:
        match = re.search(r"!2m2!1i(\d+)!2i(\d+)", url)
        rows = _legacy_rows(data)
        if not match or len(rows) < int(match.group(2)):
            return None
        offset, size = int(match.group(1)), int(match.group(2))
        return url.replace(match.group(0), f"!2m2!1i{offset + size}!2i{size}", 1)
    if kind == "endpoint":
        token = data[0][1] if isinstance(data[0], list) and len(data[0]) > 1 else None
        if not isinstance(token, str) or not token or not _reviews(data, None):
            return None
        return _with_token(url, token)
    place = _place(data)
    data_id = (place or {}).get("data_id") or _data_id_from_url(url)
    return endpoint_url(url, data_id) if data_id else None


def start_url(url: str) -> str:
    """Newest first: a place URL becomes the reviews endpoint (sorted newest) on the same host.

    Endpoint URLs get the newest-first sort; Places API details URLs get reviews_sort=newest and
    untranslated texts; a URL without a place's data id (0x…:0x…) is fetched as it is.
    """
    parts = urlsplit(url)
    if ENDPOINT in parts.path:
        return _with_sort(url)
    if LEGACY_ENDPOINT in parts.path:
        return re.sub(r"!3e\d", f"!3e{NEWEST}", url)
    if parts.path.endswith("/place/details/json"):
        return urls.with_params_last(url, reviews_sort="newest", reviews_no_translations="true")
    data_id = _data_id_from_url(url)
    return endpoint_url(url, data_id) if data_id else url


def endpoint_url(url: str, data_id: str) -> str:
    """Page one of the listugcposts endpoint for a place, newest first, on `url`'s host."""
    parts = urlsplit(url)
    request_id = base64.urlsafe_b64encode(hashlib.sha1(data_id.encode()).digest()).decode()[:21]
    pb = (f"!1m6!1s{quote(data_id, safe='')}!6m4!4m1!1e1!4m1!1e3!2m2!1i{PAGE_SIZE}!2s"
          f"!5m2!1s{request_id}!7e81!8m9!2b1!3b1!5b1!7b1!12m4!1b1!2b1!4m1!1e1!11m0!13m1!1e{NEWEST}")
    return urlunsplit((parts.scheme or "https", parts.netloc or "www.google.com", ENDPOINT,
                       f"authuser=0&hl=en&pb={pb}", ""))


# Decoding the four kinds of response.

def _decode(response) -> tuple[str, list | dict]:
    """("endpoint", [data]), ("payload", [roots]) or ("places", {json}); LayoutError otherwise."""
    text = response.text.lstrip("\ufeff \t\r\n")
    if text.startswith(_PREFIX):
        data = _json(text[len(_PREFIX):])
        if isinstance(data, list):
            return "endpoint", [data]
        raise LayoutError(f"google-maps: {response.url}: the endpoint response is not a JSON array")
    if text[:1] in ("{", "["):
        data = _json(text)
        if isinstance(data, dict):
            return "places", data
        if isinstance(data, list):
            return "payload", [data, *_nested_payloads(data)]
    state = _initialization_state(text)
    if state is not None:
        return "payload", [state, *_nested_payloads(state)]
    raise LayoutError(f"google-maps: {response.url} is neither a place page, an endpoint response nor Places JSON")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _initialization_state(html: str):
    match = re.search(r"APP_INITIALIZATION_STATE\s*=\s*", html)
    if not match:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(html, match.end())
    except ValueError:
        return None
    return value


def _nested_payloads(root) -> list:
    """The ")]}'"-prefixed JSON strings a page state carries (the place data sits in one)."""
    found = []
    for value in _walk(root):
        if isinstance(value, str) and value.startswith(_PREFIX):
            data = _json(value[len(_PREFIX):])
            if isinstance(data, list):
                found.append(data)
    return found


def _walk(root):
    """Every value in a JSON tree, depth first, in document order."""
    stack = [root]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))


def _lists(root, skip=None):
    """Every list in a JSON tree in document order; a list for which skip(list) is true is not entered."""
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            yield value
            if skip is not None and skip(value):
                continue
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))


def _is_list_response(data: list) -> bool:
    """An endpoint answer that is well formed but empty (a place without reviews, or the end)."""
    top = data[0] if data else None
    return isinstance(top, list) and (len(top) < 3 or top[2] in (None, []))


# The place.

def _place(roots: list) -> dict | None:
    best = None
    for node in _lists(roots):
        for i, value in enumerate(node[:-1]):
            if isinstance(value, str) and _DATA_ID.fullmatch(value) and isinstance(node[i + 1], str) \
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
                isinstance(v, str) and _REVIEWS_LABEL.match(v.strip()) for v in _walk(child)):
            continue
        for a, b in zip(child, child[1:]):
            if _is_rating(a) and _is_count(b):
                return values.number(a), b
    return None, None


def _is_rating(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 5


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# Reviews.

def _reviews(roots: list, now: datetime | None) -> list[dict]:
    merged: dict[str, dict] = {}
    for node in _lists(roots, skip=_is_review):
        record = _current(node, now) if _is_current(node) else _legacy(node, now) if _is_legacy(node) else None
        if record is None:
            continue
        known = merged.get(record["source_id"])
        if known is None:
            merged[record["source_id"]] = record
        else:
            for key, value in record.items():
                if known.get(key) is None and value is not None:
                    known[key] = value
    return list(merged.values())


def _is_review(node: list) -> bool:
    return _is_current(node) or _is_legacy(node)


def _is_current(node: list) -> bool:
    return (len(node) >= 3 and isinstance(node[0], str) and bool(_REVIEW_ID.match(node[0]))
            and isinstance(node[1], list) and isinstance(node[2], list)
            and any(_is_int(v) and v > _MICROS for v in node[1]) and _stars(node[2]) is not None)


def _is_legacy(node: list) -> bool:
    return (len(node) > 10 and isinstance(node[0], list)
            and any(isinstance(v, str) and "/maps/contrib/" in v for v in node[0])
            and _is_int(node[4]) and 1 <= node[4] <= 5
            and isinstance(node[10], str) and bool(_REVIEW_ID.match(node[10])))


def _current(node: list, now) -> dict:
    meta, content = node[1], node[2]
    times = [v for v in meta if _is_int(v) and v > _MICROS]
    relative = next((v for v in meta if isinstance(v, str) and dates.relative(v, now) is not None), None)
    updated = dates.from_epoch(times[1]) if len(times) > 1 and times[1] != times[0] else None
    text = _path(content, 15, 0, 0)
    if not isinstance(text, str):
        text = _path(content, 1, 0)
    if not isinstance(text, str):
        text = _spanned_text(content)
    language = _path(content, 14, 0)
    if not _is_language(language):
        language = _path(content, 1, 1)
    return _record(node, source_id=node[0], author=_author(meta[4] if len(meta) > 4 else meta),
                   rating=_stars(content), text=_clean(text), language=language,
                   published=_when(times[0] if times else None, relative, now), updated=updated,
                   reply=_current_reply(node[3] if len(node) > 3 else None, now))


def _current_reply(reply, now) -> tuple[str | None, str | None]:
    if not isinstance(reply, list):
        return None, None
    text = _path(reply, 14, 0, 0)
    if not isinstance(text, str):
        text = _spanned_text(reply)
    text = _clean(text)
    if not text:
        return None, None
    times = [v for v in reply if _is_int(v) and v > _MICROS]
    relative = next((v for v in reply if isinstance(v, str) and dates.relative(v, now) is not None), None)
    return text, _when(times[0] if times else None, relative, now)[0]


def _legacy(node: list, now) -> dict:
    stamps = [v for v in node if _is_int(v) and 10**11 < v < _MICROS]
    relative = node[1] if isinstance(node[1], str) else None
    updated = dates.from_epoch(max(stamps)) if stamps and max(stamps) != min(stamps) else None
    return _record(node, source_id=node[10], author=_clean(node[0][1]) if len(node[0]) > 1 else None,
                   rating=node[4], text=_clean(node[3]), language=node[32] if len(node) > 32 else None,
                   published=_when(min(stamps) if stamps else None, relative, now), updated=updated,
                   reply=_legacy_reply(node[9], now))


def _record(node: list, *, source_id, author, rating, text, language, published: tuple, updated, reply: tuple) -> dict:
    """A review of either format; `published` is (time, approximate), `reply` (text, time)."""
    return {
        "source_id": source_id,
        "url": _review_link(node),
        "author": author,
        "rating": rating,
        "rating_max": 5,
        "text": text,
        "language": language if _is_language(language) else None,
        "published_at": published[0],
        "published_approx": published[1],
        "updated_at": updated,
        "reply_text": reply[0],
        "reply_at": reply[1],
    }


def _legacy_reply(reply, now) -> tuple[str | None, str | None]:
    if not isinstance(reply, list):
        return None, None
    strings = [v for v in reply if isinstance(v, str) and not v.startswith(("http", "/"))]
    relative = next((v for v in strings if dates.relative(v, now) is not None), None)
    texts = [v for v in strings if v is not relative]
    if not texts:
        return None, None
    stamp = next((v for v in reply if _is_int(v) and v > 10**11), None)
    return _clean(max(texts, key=len)), _when(stamp, relative, now)[0]


def _legacy_rows(data: list) -> list:
    top = data[0] if data else None
    rows = top[2] if isinstance(top, list) and len(top) > 2 and isinstance(top[2], list) else []
    return [row for row in rows if isinstance(row, list) and _is_legacy(row)]


def _when(stamp, relative: str | None, now) -> tuple[str | None, bool]:
    exact = dates.from_epoch(stamp) if stamp is not None else None
    if exact:
        return exact, False
    if relative:
        return dates.parse(relative, now=now)
    return None, False


def _author(block) -> str | None:
    """The first plain string of the list that links the author's /maps/contrib/ page."""
    for node in _lists(block):
        strings = [v for v in node if isinstance(v, str)]
        nearby = strings + [v for child in node if isinstance(child, list) for v in child if isinstance(v, str)]
        if not any("/maps/contrib/" in v for v in nearby):
            continue
        for value in strings:
            if not value.startswith(("http", "/", ",")) and not value.isdigit() and value.strip():
                return value.strip()
    return None


def _stars(content: list):
    value = _path(content, 0, 0)
    return value if _is_int(value) and 1 <= value <= 5 else None


def _spanned_text(node) -> str | None:
    """The first [text, …, [0, length]] in a subtree: how Google stores a text with its span."""
    for child in _lists(node):
        if child and isinstance(child[0], str) and any(
                isinstance(v, list) and len(v) == 2 and v[0] == 0 and _is_int(v[1]) for v in child[1:]):
            return child[0]
    return None


def _review_link(node: list) -> str | None:
    return next((v for v in _walk(node) if isinstance(v, str) and "/maps/reviews/data=" in v), None)


def _path(node, *indexes):
    for index in indexes:
        if not isinstance(node, list) or index >= len(node):
            return None
        node = node[index]
    return node


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_language(value) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value))


def _clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.replace("\r\n", "\n").replace("\xa0", " ").strip()
    return text or None


# Places API (legacy place details and Places API (New)).

def _from_places(response, data: dict, now) -> list[dict]:
    if isinstance(data.get("error"), dict):
        error = data["error"]
        raise LayoutError(f"google-maps: Places API error {error.get('code')} {error.get('status')}: "
                          f"{error.get('message')}")
    if "result" in data or "status" in data:
        status = data.get("status")
        if status not in (None, "OK") or not isinstance(data.get("result"), dict):
            raise LayoutError(f"google-maps: Places API status {status}: {data.get('error_message') or 'no result'}")
        return _from_legacy_places(response, data["result"], now)
    if any(key in data for key in ("reviews", "displayName", "userRatingCount", "googleMapsUri")):
        return _from_new_places(response, data)
    raise LayoutError(f"google-maps: {response.url}: JSON object without Places API fields")


def _from_legacy_places(response, result: dict, now) -> list[dict]:
    business_url = result.get("url") or urls.page_url(response.url)
    items = []
    for review in result.get("reviews") or []:
        if not isinstance(review, dict):
            continue
        author_url = review.get("author_url") or ""
        contrib = re.search(r"/contrib/(\d+)", author_url)
        published, approx = _when(review.get("time"), review.get("relative_time_description"), now)
        source_id = f"contrib:{contrib.group(1)}" if contrib else values.stable_id(
            business_url, review.get("author_name"), published)
        items.append(make(
            "review", source=SITE, source_id=source_id, url=business_url, business_url=business_url,
            author=review.get("author_name"), rating=values.number(review.get("rating")), rating_max=5,
            text=_clean(review.get("text")),
            language=review.get("original_language") or review.get("language"),
            published_at=published, published_approx=approx,
        ))
    items.append(make("business", source=SITE, url=business_url, name=result.get("name"),
                      rating=values.number(result.get("rating")),
                      review_count=values.count(result.get("user_ratings_total"))))
    return items


def _from_new_places(response, data: dict) -> list[dict]:
    business_url = data.get("googleMapsUri") or urls.page_url(response.url)
    items = []
    for review in data.get("reviews") or []:
        if not isinstance(review, dict):
            continue
        original = review.get("originalText") or {}
        shown = review.get("text") or {}
        name = review.get("name") or ""
        author = review.get("authorAttribution") or {}
        published = dates.when(review.get("publishTime"))
        source_id = name.rsplit("/", 1)[-1] if "/reviews/" in name else values.stable_id(
            business_url, author.get("displayName"), published)
        items.append(make(
            "review", source=SITE, source_id=source_id, url=review.get("googleMapsUri") or business_url,
            business_url=business_url, author=author.get("displayName"),
            rating=values.number(review.get("rating")), rating_max=5,
            text=_clean(original.get("text") or shown.get("text")),
            language=original.get("languageCode") or shown.get("languageCode"),
            published_at=published,
        ))
    name = data.get("displayName")
    items.append(make("business", source=SITE, url=business_url,
                      name=name.get("text") if isinstance(name, dict) else name,
                      rating=values.number(data.get("rating")), review_count=values.count(data.get("userRatingCount"))))
    return items


# URLs.

def _data_id_from_url(url: str) -> str | None:
    text = unquote(url)
    match = _DATA_ID.search(text)
    if match:
        return match.group(0).lower()
    legacy = re.search(r"!1y(-?\d+)!2y(-?\d+)", text)
    if legacy:
        high, low = (int(v) & 0xFFFFFFFFFFFFFFFF for v in legacy.groups())
        return f"0x{high:x}:0x{low:x}"
    return None


def _business_url(url: str, data_id: str | None) -> str:
    """The place on the host we read it from (Google's own for a saved file)."""
    if not data_id:
        return urls.page_url(url)
    parts = urlsplit(url)
    scheme, host = (parts.scheme, parts.netloc) if parts.scheme in ("http", "https") else ("https", "www.google.com")
    return urlunsplit((scheme, host, f"/maps/place/data=!4m2!3m1!1s{data_id}", "", ""))


def _with_sort(url: str) -> str:
    if re.search(r"!13m1!1e\d", url):
        return re.sub(r"!13m1!1e\d", f"!13m1!1e{NEWEST}", url)
    return re.sub(r"([?&]pb=[^&#]*)", lambda m: m.group(1) + f"!13m1!1e{NEWEST}", url, count=1)


def _with_token(url: str, token: str) -> str | None:
    encoded = quote(token, safe="")
    match = re.search(r"!2m2!1i(\d+)!2s[^!&#]*", url)
    if match:
        return url.replace(match.group(0), f"!2m2!1i{match.group(1)}!2s{encoded}", 1)
    match = re.search(r"!2m1!1i(\d+)", url)
    if match:
        return url.replace(match.group(0), f"!2m2!1i{match.group(1)}!2s{encoded}", 1)
    return None
