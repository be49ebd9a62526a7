"""Dates and times as sites print them: ISO, relative ("2 months ago", "vor 3 Tagen"), site-local, social, epochs."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import datetime, time, timedelta, timezone

from repscan.core.items import DATE_ONLY, iso_utc, local_zone, utcnow

from .values import text_of

__all__ = ["absolute", "back", "fallback", "from_epoch", "local_to_utc", "parse", "relative", "snowflake_time",
           "social_time", "us_date", "when"]


def parse(text: str | None, *, now: datetime | None = None, day_first: bool = False,
          language: str | None = None) -> tuple[str | None, bool]:
    """(ISO UTC time, approximate) from any date text a review site prints, else (None, False).

    A calendar day without a time ("Mar 5, 2024", "Jun 1" of the last twelve months) is the date
    alone, "2024-03-05" (day precision). Relative texts are resolved against `now` (default: the
    current time) and are approximate; so is a bare month ("July 2018"). `day_first` reads
    05/01/2019 as 5 January (numeric dates with "/" are month first by default, as on US sites;
    "5.1.2019" is always day first). What the fast path here cannot read (Polish, Russian,
    Japanese, ...) goes to dateparser, trying the page's `language` first when it is known.
    """
    if not text or not text.strip():
        return None, False
    ago = relative(text, now)
    if ago is not None:
        return iso_utc(ago), True
    found = _absolute(text, day_first) or _yearless(text, _clock(now))
    if found is None:
        return fallback(text, now=now, day_first=day_first, language=language)
    day, approx, timed = found
    return (iso_utc(day) if timed else day.strftime("%Y-%m-%d")), approx


def fallback(text: str, *, now: datetime | None = None, day_first: bool = False,
             language: str | None = None) -> tuple[str | None, bool]:
    """parse() for what the fast path cannot read: dateparser, with the same precision rules."""
    from . import foreign_dates  # dateparser loads slowly: only pages that need it pay for it

    # Without a given `now` (repscan extract), the clock to the minute: the parsers and answers are cached by it.
    clock = _clock(now).replace(microsecond=0) if now else _clock(None).replace(second=0, microsecond=0)
    return foreign_dates.parse(text, clock, day_first, language)


def absolute(text: str | None, *, day_first: bool = False) -> datetime | None:
    """The first calendar date in `text` (midnight UTC; a bare month is its first day), else None."""
    found = _absolute(text or "", day_first)
    return found[0] if found else None


def local_to_utc(text: str | None, zone: str) -> str | None:
    """ISO UTC from a naive "YYYY-MM-DD HH:MM:SS" that a site gives in its own time zone."""
    from zoneinfo import ZoneInfo

    if not text or not text.strip():
        return None
    try:
        naive = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return iso_utc(naive)
    return iso_utc(naive.replace(tzinfo=ZoneInfo(zone)))


def from_epoch(value) -> str | None:
    """ISO UTC from epoch seconds, milliseconds or microseconds (told apart by size)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    if value > 1e17:
        return None
    if value > 1e14:
        value = value / 1e6
    elif value > 1e11:
        value = value / 1e3
    return iso_utc(value)


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def when(value) -> str | None:
    """ISO UTC from an ISO datetime (one without an offset is in the page's zone: items.page_zone); a date without a time ("2024-03-05", "March 5,
    2024") as the date alone, "2024-03-05" (day precision)."""
    text = text_of(value)
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        found = iso_utc(text)
        return text if DATE_ONLY.fullmatch(text) else found
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            found = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return iso_utc(found) if "%H" in fmt else found.strftime("%Y-%m-%d")
    return None


def us_date(value: str | None) -> str | None:
    """A US site's date: MM/DD/YYYY as the date alone ("2024-03-05"), or anything when() reads."""
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value or ""):
        found = absolute(value)
        return found.strftime("%Y-%m-%d") if found else None
    return when(value)


# Relative dates. Each language: a pattern with the amount and the unit word, and words
# for today/yesterday. Units are matched by their stem after accents are removed.

_UNITS = (
    ("second", ("sec", "sek", "seg", "segund", "second", "seconde")),
    ("minute", ("min",)),
    ("hour", ("hour", "hr", "stund", "heure", "hora", "ora", "ore", "uur")),
    ("day", ("day", "tag", "jour", "dia", "giorn", "dag")),
    ("week", ("week", "wk", "woche", "semaine", "semana", "settiman", "weken")),
    ("month", ("month", "monat", "mois", "mes", "mese", "mesi", "maand")),
    ("year", ("year", "yr", "jahr", "an", "annee", "ano", "anno", "anni", "jaar")),
)
_ONE = {"a", "an", "one", "ein", "eine", "einer", "einem", "einen", "un", "une", "una", "uno", "um", "uma", "een"}
_AMOUNT = r"(\d+|an?|one|ein(?:e[mnr]?)?|une?|una|uno|uma?|een)"
_RELATIVE = (
    re.compile(rf"\b{_AMOUNT}\s+([a-z]+)\s+ago\b"),                 # 2 months ago, a week ago
    re.compile(rf"\bvor\s+{_AMOUNT}\s+([a-z]+)"),                    # vor 3 Tagen, vor einem Monat
    re.compile(rf"\bil y a\s+{_AMOUNT}\s+([a-z]+)"),                 # il y a 2 mois
    re.compile(rf"\bhace\s+{_AMOUNT}\s+([a-z]+)"),                   # hace 2 meses
    re.compile(rf"\bha\s+{_AMOUNT}\s+([a-z]+)"),                     # há 3 dias (accent removed)
    re.compile(rf"\b{_AMOUNT}\s+([a-z]+)\s+fa\b"),                   # 2 mesi fa
    re.compile(rf"\b{_AMOUNT}\s+([a-z]+)\s+geleden\b"),              # 3 dagen geleden
)
_DAYS_AGO = {
    0: ("today", "just now", "moments ago", "a moment ago", "heute", "gerade eben", "aujourd'hui",
        "hoy", "oggi", "hoje", "vandaag"),
    1: ("yesterday", "gestern", "hier", "ayer", "ieri", "ontem", "gisteren"),
}


def relative(text: str | None, now: datetime | None = None) -> datetime | None:
    """The time `text` ("2 months ago", "vor einer Woche", "il y a 3 jours", "yesterday") points to.

    Day-sized units and larger are truncated to the day, hours to the hour, so two crawls on
    the same day give the same time for the same review. None when `text` is not relative.
    """
    if not text:
        return None
    now = _clock(now)
    plain = _fold(text)
    for pattern in _RELATIVE:
        match = pattern.search(plain)
        if not match:
            continue
        unit = _unit(match.group(2))
        if unit is None:
            continue
        amount = 1 if match.group(1) in _ONE else int(match.group(1))
        return back(now, amount, unit)
    for days, words in _DAYS_AGO.items():
        if any(re.search(rf"(?<![a-z]){re.escape(_fold(word))}(?![a-z])", plain) for word in words):
            return back(now, days, "day")
    return None


def _unit(word: str) -> str | None:
    word = word.rstrip("s") if word not in ("mes", "mois", "ans") else word
    for unit, stems in _UNITS:
        if any(word == stem or (len(stem) > 2 and word.startswith(stem)) for stem in stems):
            return unit
    if word in ("ans", "anos", "annees"):
        return "year"
    return None


def _clock(now: datetime | None) -> datetime:
    """`now` in UTC (naive means UTC), the current time by default."""
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc)


def back(now: datetime, amount: int, unit: str) -> datetime:
    """`amount` units (second ... year) before `now`, truncated to that unit (days and larger to the day)."""
    if unit == "second":
        return now.replace(microsecond=0) - timedelta(seconds=amount)
    if unit == "minute":
        return now.replace(second=0, microsecond=0) - timedelta(minutes=amount)
    if unit == "hour":
        return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=amount)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day - timedelta(days=amount)
    if unit == "week":
        return day - timedelta(weeks=amount)
    months = amount * (12 if unit == "year" else 1)
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# Absolute dates.

_MONTHS = {
    1: ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari",
        "ianuarie"),
    2: ("february", "feb", "februar", "fevrier", "fevr", "fev", "febrero", "febbraio", "fevereiro", "februari",
        "februarie"),
    3: ("march", "mar", "marz", "maerz", "mars", "marzo", "marco", "maart", "martie", "mrz"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "aprilie"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "iunie"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "iulie"),
    8: ("august", "aug", "aout", "agosto", "ago", "augustus", "august"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro", "septembrie"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
         "octombrie"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "noiembrie"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre", "dezembro",
         "decembrie"),
}
_MONTH = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH_WORD = r"([a-z]{3,10})\.?"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"\b(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?{_MONTH_WORD}\s+(?:de\s+)?(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH_WORD}\s+(?:de\s+)?(\d{{4}})\b")
# A day and month without a year ("Jun 1", "15 juin", "3. Mai"): no year, no other number after it.
_MONTH_DAY_ONLY = re.compile(rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![.,:]?\s*\d)")
_DAY_MONTH_ONLY = re.compile(rf"\b(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?{_MONTH_WORD}(?![a-z])(?![.,]?\s*(?:de\s+)?\d)")


def _absolute(text: str, day_first: bool) -> tuple[datetime, bool, bool] | None:
    """(the time, approximate, whether it has a time of day) of the first date in `text`."""
    match = _ISO.search(text)
    if match:
        try:
            timed = len(match.group(0)) > 10
            if not timed:  # a calendar day: that day, in no zone
                return datetime.fromisoformat(match.group(0)).replace(tzinfo=timezone.utc), False, False
            return datetime.fromisoformat(iso_utc(match.group(0).replace(" ", "T")).replace("Z", "+00:00")), False, True
        except ValueError:
            pass
    plain = _fold(text)
    match = _NUMERIC.search(plain)
    if match:
        first, sep, second, year = match.groups()
        day, month = (first, second) if day_first or sep == "." else (second, first)
        found = _date(year, month, day)
        if found:
            return found, False, False
    for pattern, order in ((_MONTH_DAY_YEAR, "mdy"), (_DAY_MONTH_YEAR, "dmy")):
        for match in pattern.finditer(plain):
            groups = dict(zip(order, match.groups()))
            month = _MONTH.get(groups["m"])
            found = month and _date(groups["y"], month, groups["d"])
            if found:
                return found, False, False
    for match in _MONTH_YEAR.finditer(plain):
        month = _MONTH.get(match.group(1))
        found = month and _date(match.group(2), month, 1)
        if found:
            return found, True, False
    return None


def _yearless(text: str, now: datetime) -> tuple[datetime, bool, bool] | None:
    """A day and month without a year, as the latest such day not after `now` (day precision)."""
    plain = _fold(text)
    for pattern, order in ((_MONTH_DAY_ONLY, "md"), (_DAY_MONTH_ONLY, "dm")):
        for match in pattern.finditer(plain):
            groups = dict(zip(order, match.groups()))
            month = _MONTH.get(groups["m"])
            if not month:
                continue
            for year in range(now.year, now.year - 8, -1):  # 29 February comes back within eight years
                found = _date(year, month, groups["d"])
                if found and found <= now:
                    return found, False, False
    return None


def _date(year, month, day) -> datetime | None:
    year = int(year)
    if year < 100:
        year += 2000
    try:
        return datetime(year, int(month), int(day), tzinfo=timezone.utc)
    except ValueError:
        return None


def _fold(text: str) -> str:
    """Lowercase, accents removed, whitespace collapsed: "Vor 3 Tägen" -> "vor 3 tagen"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.replace("\u2019", "'").split())


# Social pages and posts.

_SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_time(tweet_id) -> str | None:
    """When an X/Twitter post was made, from its id (ids since Nov 2010 carry a millisecond clock)."""
    try:
        value = int(tweet_id)
    except (TypeError, ValueError):
        return None
    if not 1 << 32 <= value < 1 << 63:  # a 64-bit id; larger is not a post id
        return None
    return iso_utc((value >> 22) / 1000 + _SNOWFLAKE_EPOCH_MS / 1000)


# Relative and abbreviated times as social pages print them ("2 hrs", "Yesterday at 10:00",
# "4 June at 17:33", "on Thu"). The clock is `now`; the times are read in the page's zone
# (items.page_zone: the business's), as the page does not say which zone it renders in.

_SOCIAL_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
), 1) for name in names}
_SOCIAL_WEEKDAYS = {name: n for n, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"), ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
)) for name in names}
_SOCIAL_UNITS = {
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
        now = now.astimezone(local_zone())  # "today", "on Thu": the page's calendar
        if raw in ("just now", "now", "a moment ago", "moments ago"):
            return iso_utc(now)
        match = _AGO.match(raw)
        if match and match.group(2) in _SOCIAL_UNITS:
            count = 1 if match.group(1) in ("a", "an", "one") else int(match.group(1))
            return iso_utc(now - timedelta(seconds=count * _SOCIAL_UNITS[match.group(2)]))
        match = _DAY_REL.match(raw)
        if match:
            day = now.date() - timedelta(days=0 if match.group(1) == "today" else 1)
            return _at(day, match.group(2, 3, 4))
        match = _WEEKDAY.match(raw)
        if match and match.group(1) in _SOCIAL_WEEKDAYS:
            back = (now.weekday() - _SOCIAL_WEEKDAYS[match.group(1)]) % 7 or 7
            return _at(now.date() - timedelta(days=back), match.group(2, 3, 4))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(raw)
        if not match or match.group(month_group) not in _SOCIAL_MONTHS:
            continue
        month, day = _SOCIAL_MONTHS[match.group(month_group)], int(match.group(day_group))
        year = int(match.group(3)) if match.group(3) else None
        if year is None:
            if now is None:
                return None
            year = now.year
            # A date without a year is this year's, unless that lies in the future.
            try:
                if datetime(year, month, day, tzinfo=now.tzinfo) > now:
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
    return iso_utc(datetime.combine(day, time(hour, minute), tzinfo=local_zone()))
