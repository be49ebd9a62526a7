"""Helpers shared by the API, feed, social-page and review-card extractors: JSON bodies, URLs, times, HTML cards."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta, timezone
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit, urlunsplit

from repscan.core.items import iso_utc

from . import LayoutError, _dates, _ld, jsonld


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


def json_body(response, site: str):
    """The response body as JSON; LayoutError if it is not."""
    try:
        return json.loads(response.text.lstrip("\ufeff"))
    except ValueError:
        raise LayoutError(f"{site}: {response.url} is not the JSON we expect") from None


def api_object(response, site: str, *error_keys: str) -> dict:
    """The response's JSON object; LayoutError for anything else and for the API's {"error": {...}},
    reported as "API error <key> ...: <last key>" from `error_keys`."""
    try:
        data = json.loads(response.text)
    except ValueError:
        raise LayoutError(f"{site}: {response.url} is not JSON") from None
    if not isinstance(data, dict):
        raise LayoutError(f"{site}: {response.url}: expected a JSON object")
    error = data.get("error")
    if isinstance(error, dict):
        head = " ".join(str(error.get(key)) for key in error_keys[:-1])
        raise LayoutError(f"{site}: API error {head}: {error.get(error_keys[-1])}")
    return data


def json_or_none(response):
    """The response body as JSON, or None if it is not (next_page's "no next page")."""
    try:
        return json.loads(response.text.lstrip("\ufeff"))
    except ValueError:
        return None


def looks_like_json(response) -> bool:
    return response.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def dig(node, *path):
    """node[path[0]][path[1]]... for dicts and lists; None where the path breaks."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return None
            node = node[key]
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return None
    return node


def with_params(url: str, **changes: str | int | None) -> str:
    """`url` with query parameters set in place or appended (None removes one), order kept, fragment dropped."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in changes.items():
        if value is None:
            params = [(k, v) for k, v in params if k != key]
        elif any(k == key for k, _ in params):
            params = [(k, str(value) if k == key else v) for k, v in params]
        else:
            params.append((key, str(value)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def with_params_last(url: str, **changes: str | None) -> str:
    """`url` with the `changes` moved to the end of its query (None removes one), fragment dropped."""
    return with_params(with_params(url, **dict.fromkeys(changes)), **changes)


def with_defaults(url: str, **defaults: str) -> str:
    """`url` with each of `defaults` added unless the URL already sets it."""
    present = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    return with_params(url, **{k: v for k, v in defaults.items() if k not in present})


def param(url: str, name: str) -> str | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == name:
            return value
    return None


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_domain(url: str, *domains: str) -> bool:
    """Whether the URL's host is one of `domains` or a subdomain of one."""
    name = host(url)
    return any(name == d or name.endswith("." + d) for d in domains)


def link_header(response, rel: str = "next") -> str | None:
    """The target of an RFC 8288 Link header with this rel (Foursquare, GitHub-style paging)."""
    for raw in response.headers.getlist(b"Link"):
        for part in raw.decode("latin-1").split(","):
            match = re.match(r'\s*<([^>]*)>\s*;(.*)', part)
            if match and re.search(rf'rel\s*=\s*"?(?:[^"]*\s)?{re.escape(rel)}(?:\s[^"]*)?"?', match.group(2)):
                return match.group(1)
    return None


_SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_time(tweet_id) -> str | None:
    """When an X/Twitter post was made, from its id (ids since Nov 2010 carry a millisecond clock)."""
    try:
        value = int(tweet_id)
    except (TypeError, ValueError):
        return None
    if value < 1 << 32:
        return None
    return iso_utc((value >> 22) / 1000 + _SNOWFLAKE_EPOCH_MS / 1000)


# Relative and abbreviated times as social pages print them ("2 hrs", "Yesterday at 10:00",
# "4 June at 17:33", "on Thu"). The clock is `now` (UTC); the times are read as UTC because
# the page does not say which zone it renders in.

_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
), 1) for name in names}
_WEEKDAYS = {name: n for n, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"), ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
)) for name in names}
_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "wk": 604800, "wks": 604800, "week": 604800, "weeks": 604800,
}
_CLOCK = r"(?:\s*(?:at|,)?\s*(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?)?"
_AGO = re.compile(r"^(\d+|an?|one)\s*([a-z]+)(?:\s+ago)?$")
_DAY_REL = re.compile(r"^(today|yesterday)" + _CLOCK + "$")
_WEEKDAY = re.compile(r"^(?:on\s+|last\s+)?([a-z]+)" + _CLOCK + "$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?" + _CLOCK + "$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?" + _CLOCK + "$")


def social_time(value: str | None, now: datetime | None) -> str | None:
    """ISO UTC from a social page's displayed time, relative to `now`; None when unreadable.

    Without `now`, only times that carry their own year ("4 June 2020 at 17:33",
    "June 4, 2020") can be read.
    """
    raw = " ".join((value or "").replace("\xa0", " ").split()).casefold()
    if not raw:
        return None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    if now is not None:
        if raw in ("just now", "now", "a moment ago", "moments ago"):
            return iso_utc(now)
        match = _AGO.match(raw)
        if match and match.group(2) in _UNITS:
            count = 1 if match.group(1) in ("a", "an", "one") else int(match.group(1))
            return iso_utc(now - timedelta(seconds=count * _UNITS[match.group(2)]))
        match = _DAY_REL.match(raw)
        if match:
            day = now.date() - timedelta(days=0 if match.group(1) == "today" else 1)
            return _at(day, match.group(2, 3, 4))
        match = _WEEKDAY.match(raw)
        if match and match.group(1) in _WEEKDAYS:
            back = (now.weekday() - _WEEKDAYS[match.group(1)]) % 7 or 7
            return _at(now.date() - timedelta(days=back), match.group(2, 3, 4))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(raw)
        if not match or match.group(month_group) not in _MONTHS:
            continue
        month, day = _MONTHS[match.group(month_group)], int(match.group(day_group))
        year = int(match.group(3)) if match.group(3) else None
        if year is None:
            if now is None:
                return None
            year = now.year
            # A date without a year is this year's, unless that lies in the future.
            try:
                if datetime(year, month, day, tzinfo=timezone.utc) > now:
                    year -= 1
            except ValueError:
                return None
        try:
            return _at(datetime(year, month, day).date(), match.group(4, 5, 6))
        except ValueError:
            return None
    return None


def _at(day, clock) -> str | None:
    hour, minute, meridiem = clock
    hour = int(hour) if hour else 0
    minute = int(minute) if minute else 0
    if meridiem:
        pm = meridiem.startswith("p")
        if hour == 12:
            hour = 0
        hour += 12 if pm else 0
    if hour > 23 or minute > 59:
        return None
    return iso_utc(datetime.combine(day, time(hour, minute), tzinfo=timezone.utc))


# Review sites that carry schema.org markup and show more (owner replies) in their HTML.

def structured_reviews(site: str, response) -> tuple[list[dict], dict | None]:
    """The page's schema.org reviews and rating summary as `site` items (the jsonld extractor's rules and ids)."""
    try:
        items = jsonld.extract(response)
    except LayoutError:
        return [], None
    reviews = [dict(item, source=site) for item in items if item["kind"] == "review"]
    business = next((dict(item, source=site) for item in items if item["kind"] == "business"), None)
    return reviews, business


def merge_cards(reviews: list[dict], cards: list[dict]) -> list[dict]:
    """Structured reviews with what only the HTML cards show (replies, titles) filled in; cards alone otherwise.

    A matched card's id and url win: the site's own review id outlives its markup.
    """
    if not reviews:
        return cards
    by_id = {card["source_id"]: card for card in cards}
    by_author_day = {(card["author"], (card["published_at"] or "")[:10]): card for card in cards}
    out = []
    for review in reviews:
        card = by_id.get(review["source_id"]) or by_author_day.get(
            (review["author"], (review["published_at"] or "")[:10]))
        if card is not None:
            review = {key: review[key] if review[key] is not None else card.get(key) for key in review}
            review.update(source_id=card["source_id"], url=card["url"])
        out.append(review)
    return out


def with_cards(site: str, response, cards: list[dict | None], missing: str,
               fallback: dict | None = None) -> list[dict]:
    """JSON-LD reviews with the HTML `cards` filling in (the cards alone without JSON-LD), then the business:
    JSON-LD's, else `fallback`. LayoutError ("<site>: <url> has <missing>") when the page gives neither."""
    reviews, business = structured_reviews(site, response)
    items = merge_cards(reviews, [card for card in cards if card is not None])
    business = fallback if business is None else business
    if not items and business is None:
        raise LayoutError(f"{site}: {response.url} has {missing}")
    return items + ([business] if business else [])


def next_url(response, css: str) -> str | None:
    """The first href that `css` selects and that leads off this page, without its fragment."""
    for href in response.css(css).getall():
        target = urldefrag(response.urljoin(href.strip()))[0]
        if target != response.url:
            return target
    return None


def first_text(selection) -> str | None:
    """The visible text of a selection's first element (line breaks kept), or None."""
    return text(_ld.element_text(selection[0].root)) if selection else None


def us_date(value: str | None) -> str | None:
    """ISO UTC from a US site's date: MM/DD/YYYY, or anything _ld.when reads."""
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value or ""):
        found = _dates.absolute(value)
        return iso_utc(found) if found else None
    return _ld.when(value)


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
