"""The item contract shared by extractors, pipelines, the store and the CLI."""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

# Field order is the order `repscan extract` prints them in.
FIELDS: dict[str, tuple[str, ...]] = {
    "review": (
        "source", "source_id", "url", "business_url", "author", "author_review_count", "rating", "rating_max",
        "title", "text", "language", "published_at", "published_precision", "published_approx", "updated_at",
        "updated_precision", "reply_text", "reply_at", "reply_precision",
    ),
    "post": (
        "source", "source_id", "url", "parent_url", "author", "title", "text",
        "published_at", "published_precision", "score", "comments_count",
    ),
    "search_result": ("engine", "query", "rank", "url", "displayed_url", "title", "snippet"),
    "business": ("source", "url", "name", "rating", "review_count"),
}

DEFAULTS = {"rating_max": 5, "published_approx": False}
TIME_FIELDS = ("published_at", "updated_at", "reply_at")
PRECISIONS = ("exact", "day", "approximate")  # how precise a time is, finest first
PRECISION_OF = {"published_at": "published_precision", "updated_at": "updated_precision", "reply_at": "reply_precision"}
DATE_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")  # a calendar day, no time: what day-precision extractors emit
# What a number may be before it is stored: (lowest, highest, whole); anything else is null, with a note.
NUMBER_FIELDS = {
    "rating": (0.0, 100.0, False), "rating_max": (1e-9, 100.0, False), "score": (-1e12, 1e12, False),
    "comments_count": (0, 10**9, True), "review_count": (0, 10**9, True),
    "author_review_count": (0, 10**9, True), "rank": (1, 1000, True),
}
FIRST_YEAR, LAST_YEAR = 1990, 2100  # the dates a review, post or reply can carry
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab and newlines
ISO_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6})?Z")  # UTC already: iso_utc keeps [:19]


# The zone of the business whose page is being read: a time the page gives without an offset is its local time.
_PAGE_ZONE: ContextVar[tzinfo] = ContextVar("page_zone", default=timezone.utc)


@contextmanager
def page_zone(tz: str | None):
    """Read naive times (no UTC offset) in `tz`, an IANA name (None or "": UTC), while the block runs: the
    crawl and `repscan extract --tz` read a page within it, with the zone of the business the page is about."""
    token = _PAGE_ZONE.set(ZoneInfo(tz) if tz else timezone.utc)
    try:
        yield
    finally:
        _PAGE_ZONE.reset(token)


def local_zone() -> tzinfo:
    """The zone naive times are read in now (page_zone; UTC outside one)."""
    return _PAGE_ZONE.get()


class ZonedTime(str):
    """iso_utc of a time the page gave without an offset, read in the business's zone (page_zone), that also keeps
    `as_read`: the same time read in UTC, as every such time was before zones: the form review ids were made from
    (spiders/pages/common/values.fallback_id), so a review keeps its id. normalise() stores the plain string."""

    as_read: str


class UnusableItem(ValueError):
    """An item that cannot be stored at all (a review or post without its source and id)."""


class Made(dict):
    """An item as make() built it: every field present, each string cleaned (`clean`), each time's precision read.
    normalise() does not do that again for it; it still checks every time and number, as for any other item."""

    __slots__ = ()


def make(kind: str, **values) -> dict:
    """An item of `kind` with every contract field present; strings cleaned (`clean`: "" becomes None)."""
    fields = FIELDS[kind]
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"{kind} has no field(s) {sorted(unknown)}")
    item = Made(kind=kind)
    for name in fields:
        value = values.get(name, DEFAULTS.get(name) if kind == "review" else None)
        if isinstance(value, str):
            value = clean(value)
        item[name] = value
    _precisions(item, item)
    return item


def clean(value: str) -> str | None:
    """A string as the contract keeps it: without C0 controls (tab and newlines stay), stripped, "" as None."""
    if not value.isprintable():  # the controls are not printable: only then look for them
        value = CONTROL.sub("", value)
    return value.strip() or None


def precision(value, given: str | None = None, *, approx: bool = False) -> str | None:
    """How precise a time is: None without one, "approximate" when the site said so ("2 months ago"),
    "day" for a date-only value ("2024-03-05"), else "exact"; never finer than `given` (already recorded)."""
    if value is None or value == "":
        return None
    found = "approximate" if approx else "day" if isinstance(value, str) and DATE_ONLY.fullmatch(value) else "exact"
    return found if given is None or given == found else coarsest(found, given)


def coarsest(*precisions: str | None) -> str:
    """The least precise of some precisions (unknown values ignored; "exact" when none is known)."""
    known = [p for p in precisions if p in PRECISIONS]
    return max(known, key=PRECISIONS.index) if known else "exact"


def _precisions(out: dict, raw: dict, timed=None) -> None:
    """Each time field's precision in `out`, read from the value as extracted (`raw`): a date-only
    value is day precision, published_approx approximate; a time nulled on the way has none.
    `timed`: the (time field, precision field) pairs `out` has, when the caller knows them."""
    for time_field, field in timed if timed is not None else PRECISION_OF.items():
        if timed is not None or field in out:
            approx = time_field == "published_at" and bool(raw.get("published_approx"))
            out[field] = precision(raw.get(time_field), raw.get(field), approx=approx) \
                if out.get(time_field) is not None else None


def iso_utc(value: datetime | str | int | float | None) -> str | None:
    """ISO 8601 in UTC with a Z, from a datetime, an ISO string or epoch seconds; a time without an offset is in
    the zone of the page being read (page_zone; UTC outside one), a date alone ("2024-03-05") is midnight UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
        if dt.tzinfo is None and DATE_ONLY.fullmatch(text):  # a calendar day: midnight UTC in every zone
            dt = dt.replace(tzinfo=timezone.utc)
    if dt.tzinfo is None:
        zone = _PAGE_ZONE.get()
        if zone is not timezone.utc:
            found = ZonedTime(dt.replace(tzinfo=zone).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + "Z")
            found.as_read = dt.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
            return found
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def stamp(value: datetime | None = None) -> str:
    """A bookkeeping time (first_seen_at, report cutoffs): UTC to the microsecond, fixed width,
    so string order is time order and two events in one second stay ordered."""
    dt = value or utcnow()
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def parse_iso(value: str | None) -> datetime | None:
    """The inverse of iso_utc: an aware datetime, or None."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def normalise(item: dict, notes: list[str] | None = None) -> dict:
    """Every contract field present, times ISO UTC with Z (a date-only value as midnight, with day
    precision), each time's precision, numbers finite and in range, "" as None.

    A value that cannot be right (a rating of -Infinity, a 30-digit count, a date in year 1) becomes null
    and a line in `notes`; UnusableItem when the item has nothing to store it by. Used by the crawl's
    pipeline and `repscan ingest`; normalising a normalised item changes nothing. An item as make() built it
    (Made) is not cleaned again, only checked: the same result as for a plain dict of its values."""
    notes = notes if notes is not None else []
    kind = item["kind"]
    if item.__class__ is Made and len(item) == len(CHECKS[kind]) + 1:  # make()'s, no field added: strings clean
        out = dict(item)
        for name, check in CHECKED[kind]:
            if out[name] is not None:
                out[name] = check(out[name], name, notes)
        for time_field, field in TIMED[kind]:
            if out[time_field] is None:  # nulled by its check: no precision (make read it from the value)
                out[field] = None
    else:
        out = {"kind": kind}
        get = item.get
        for name, check in CHECKS[kind]:
            value = get(name)
            if value is not None:
                if isinstance(value, str):
                    value = clean(value)
                if check is not None and value is not None:
                    value = check(value, name, notes)
            out[name] = value
        _precisions(out, item, TIMED[kind])
    if out["kind"] in ("review", "post") and not (out["source"] and out["source_id"]):
        raise UnusableItem(f"{out['kind']} without source/source_id from {out.get('url')}")
    if out["kind"] in ("review", "post") and not out.get("language"):
        from repscan.core.language import detect

        out["language"] = detect(" ".join(filter(None, (out.get("title"), out.get("text")))))
    if out["kind"] == "review":
        if out["rating_max"] is None and item.get("rating_max") not in (None, "") and out["rating"] is not None:
            notes.append(f"rating {out['rating']:g} has no usable scale; stored as null")
            out["rating"] = None
        if out.get("rating_max") is None:
            out["rating_max"] = 5.0
        if out["rating"] is not None and out["rating"] > out["rating_max"]:
            notes.append(f"rating {out['rating']:g} is above rating_max {out['rating_max']:g}; stored as null")
            out["rating"] = None
    return out


def _time(value, name: str, notes: list[str]) -> str | None:
    """ISO UTC, or None for what no web page can mean (year 1, an epoch in the year 5000, a word)."""
    if isinstance(value, str) and ISO_Z.fullmatch(value):  # most times: UTC already, so only the calendar to check
        try:
            year = datetime.fromisoformat(value[:19]).year
        except ValueError:
            year = 0  # not a real day: the general path below says why
        if FIRST_YEAR <= year <= LAST_YEAR:
            return value[:19] + "Z"
    try:
        text = iso_utc(value)
        if text is not None and not FIRST_YEAR <= parse_iso(text).year <= LAST_YEAR:
            raise ValueError("out of range")
        return text
    except (ValueError, OverflowError, OSError, TypeError):
        notes.append(f"{name} {str(value)[:40]!r} is not a usable time; stored as null")
        return None


def _number(value, name: str, notes: list[str]) -> float | int | None:
    low, high, whole = NUMBER_FIELDS[name]
    if value.__class__ is int and low <= value <= high:  # most numbers: a plain int in range (not a bool)
        return value if whole else float(value)
    if value.__class__ is float and not whole and low <= value <= high:  # a rating (NaN and infinities fail the range)
        return value
    try:
        number = float(str(value).replace(",", ".")) if not isinstance(value, (int, float)) else float(value)
    except (ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high or (whole and not number.is_integer()):
        notes.append(f"{name} {str(value)[:40]!r} is not a {'whole ' if whole else ''}number from {low:g} to {high:g};"
                     " stored as null")
        return None
    return int(number) if whole else number


def _language(value, name: str, notes: list[str]) -> str | None:
    """The primary language subtag (language.code: "de-DE" -> "de"); None, then detected from the text, for a tag
    that names no language."""
    from repscan.core.language import code

    found = code(str(value))
    if found is None:
        notes.append(f"{name} {str(value)[:40]!r} is not a language tag; detected from the text instead")
    return found


# Per kind, each field with the check normalise runs on its value after stripping (_time, _number, _language or
# none), and the (time field, precision field) pairs the kind has.
CHECKS = {kind: tuple((name, _time if name in TIME_FIELDS else _number if name in NUMBER_FIELDS
                       else _language if name == "language" else None)
                      for name in fields) for kind, fields in FIELDS.items()}
CHECKED = {kind: tuple((name, check) for name, check in checks if check is not None) for kind, checks in CHECKS.items()}
TIMED = {kind: tuple((time_field, field) for time_field, field in PRECISION_OF.items() if field in fields)
         for kind, fields in FIELDS.items()}
