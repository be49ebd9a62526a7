"""The item contract shared by extractors, pipelines, the store and the CLI."""

from __future__ import annotations

from datetime import datetime, timezone

# Field order is the order `repscan extract` prints them in.
FIELDS: dict[str, tuple[str, ...]] = {
    "review": (
        "source", "source_id", "url", "business_url", "author", "rating", "rating_max",
        "title", "text", "language", "published_at", "published_approx", "updated_at",
        "reply_text", "reply_at",
    ),
    "post": (
        "source", "source_id", "url", "parent_url", "author", "title", "text",
        "published_at", "score", "comments_count",
    ),
    "search_result": ("engine", "query", "rank", "url", "displayed_url", "title", "snippet"),
    "business": ("source", "url", "name", "rating", "review_count"),
}

DEFAULTS = {"rating_max": 5, "published_approx": False}


def make(kind: str, **values) -> dict:
    """An item of `kind` with every contract field present; "" becomes None."""
    fields = FIELDS[kind]
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"{kind} has no field(s) {sorted(unknown)}")
    item = {"kind": kind}
    for name in fields:
        value = values.get(name, DEFAULTS.get(name) if kind == "review" else None)
        if isinstance(value, str):
            value = value.strip() or None
        item[name] = value
    return item


def iso_utc(value: datetime | str | int | float | None) -> str | None:
    """ISO 8601 in UTC with a Z, from a datetime, an ISO string or epoch seconds."""
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
    if dt.tzinfo is None:
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
