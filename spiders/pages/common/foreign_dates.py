"""Dates the fast path of dates.py cannot read (Polish, Russian, Japanese, ...), read by dateparser with fixed settings."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from dateparser.date import DateDataParser

from repscan.core.items import iso_utc, local_zone

from . import dates

# The languages we classify: the fast path's first (most pages), then the ones only dateparser reads.
# dateparser calls Norwegian Bokmål "nb".
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "ja", "tr", "sv", "nb", "ro")
_ALIASES = {"no": "nb", "nn": "nb"}
_LONGEST = 80  # a date text, not a paragraph: dateparser is slow on long texts and finds dates in any prose


def parse(text: str, now: datetime, day_first: bool, language: str | None) -> tuple[str | None, bool]:
    """dates.parse's answer for `text`: (ISO UTC or a date alone, approximate), else (None, False).

    Relative texts are computed again by dates.back from the amount and unit dateparser read, so they
    truncate as the fast path's do; a day (with or without its year) is the date alone; a bare month is its
    first day and approximate; a year alone, a day alone or a relative text pointing ahead is no date.
    """
    text = " ".join(text.split())
    if len(text) > _LONGEST:
        return None, False
    return _cached(text, now, day_first, _language(language), local_zone())


@lru_cache(maxsize=8192)
def _cached(text: str, now: datetime, day_first: bool, language: str | None, zone) -> tuple[str | None, bool]:
    """parse() for one page zone (`zone`, items.page_zone: the key of the cache, as times read in it differ)."""
    order = ((language,) if language else ()) + tuple(code for code in LANGUAGES if code != language)
    for surrounding in (False, True):  # the date alone first; then the date inside words ("Napisana 5 marca 2023")
        for code in order:
            found = _read(text, now, _parsers(now, day_first, surrounding)[code])
            if found is not None:
                return found
    return None, False


def _read(text: str, now: datetime, parsers: tuple[DateDataParser, DateDataParser]) -> tuple[str, bool] | None:
    relative, absolute = parsers
    data = relative.get_date_data(text)
    if data.date_obj is not None:
        return _relative(data.date_obj, data.parts, now)
    data = absolute.get_date_data(text)
    if data.date_obj is None:
        return None
    found, parts = data.date_obj, data.parts
    if found.tzinfo is not None and "time" not in parts:
        return None  # a word it took for a time zone ("Mart" is Marquesas Time): another language reads it right
    # a time without an offset is the business's (items.page_zone); a day alone stays the day the text names
    found = found.replace(tzinfo=local_zone()) if found.tzinfo is None else found.astimezone(timezone.utc)
    if "month" not in parts:
        return None
    if "day" not in parts:
        return (found.replace(day=1).strftime("%Y-%m-%d"), True) if "year" in parts else None
    return (iso_utc(found), False) if "time" in parts else (found.strftime("%Y-%m-%d"), False)


def _relative(found: datetime, parts: tuple[str, ...], now: datetime) -> tuple[str, bool] | None:
    """The same time the fast path gives for the amount and unit dateparser read ("2 дні тому" = "2 days ago")."""
    found = found.replace(tzinfo=timezone.utc) if found.tzinfo is None else found.astimezone(timezone.utc)
    if "time" in parts:
        seconds = round((now - found).total_seconds())
        unit, size = next((u, s) for u, s in (("hour", 3600), ("minute", 60), ("second", 1))
                          if seconds % s == 0 and (seconds or s == 1))
        amount = seconds // size
    elif "day" in parts:
        unit, amount = "day", (now.date() - found.date()).days
    else:
        months = (now.year * 12 + now.month) - (found.year * 12 + found.month)
        unit, amount = ("month", months) if "month" in parts else ("year", months // 12)
    if amount < 0:
        return None
    return iso_utc(dates.back(now, amount, unit)), True


@lru_cache(maxsize=16)
def _parsers(now: datetime, day_first: bool, surrounding: bool) -> dict[str, tuple[DateDataParser, DateDataParser]]:
    """Per language, a parser of relative texts and one of calendar dates, with the settings fixed."""
    settings = {
        "DATE_ORDER": "DMY" if day_first else "MDY",
        "PREFER_LOCALE_DATE_ORDER": False,
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "IGNORE_SURROUNDING_TEXT": surrounding,
        # RETURN_AS_TIMEZONE_AWARE left as it is: a time is aware only when the text names a zone, which
        # tells a zone that was in the text from a word taken for one.
    }
    return {code: tuple(DateDataParser(languages=[code], settings={**settings, "PARSERS": [kind]})
                        for kind in ("relative-time", "absolute-time"))
            for code in LANGUAGES}


def _language(language: str | None) -> str | None:
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    code = _ALIASES.get(code, code)
    return code if code in LANGUAGES else None
