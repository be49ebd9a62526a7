"""The client's language: gettext catalogs (Babel .po files in repscan/core/locale) chosen per report or email."""

from __future__ import annotations

import contextvars
import functools
import gettext as _gettext
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "repscan"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "uk", "ro", "ru", "de", "fr", "es")  # the languages we ship a catalog for (English: the msgids)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("repscan_language", default=DEFAULT_LANGUAGE)


def current() -> str:
    """The language the texts being made now are in (a client's `language`, else the agency's)."""
    return _current.get()


@contextmanager
def language(code: str | None):
    """Everything rendered inside speaks `code` (None: the default)."""
    token = _current.set(code or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def catalog(code: str) -> _gettext.NullTranslations:
    """The catalog for `code`, read from its .po once per process; English (the message ids) has none."""
    if code == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code not in LANGUAGES or not po.is_file():  # never English in its place, silently
        raise LookupError(f"no {code!r} catalog at {po} (the languages repscan ships: {', '.join(LANGUAGES)})")
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as handle:
        parsed = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(message: str, **values) -> str:
    """`message` in the current language, its %(name)s placeholders filled from `values` (when given)."""
    text = catalog(current()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    """The plural form for `n` in the current language, with %(num)d set to `n` (as Jinja's ngettext does)."""
    return catalog(current()).ngettext(singular, plural, n) % {"num": n, **values}


def npgettext(context: str, singular: str, plural: str, n: int, **values) -> str:
    """ngettext in a context (a word's case after a preposition): %(num)d set to `n`."""
    return catalog(current()).npgettext(context, singular, plural, n) % {"num": n, **values}


def pgettext(context: str, message: str, **values) -> str:
    text = catalog(current()).pgettext(context, message)
    return text % values if values else text


_ = gettext


def template_callables() -> dict:
    """gettext, ngettext and pgettext for Jinja's i18n extension (newstyle: Jinja fills the placeholders)."""
    return {"gettext": lambda message: catalog(current()).gettext(message),
            "ngettext": lambda singular, plural, n: catalog(current()).ngettext(singular, plural, n),
            "pgettext": lambda context, message: catalog(current()).pgettext(context, message)}


def english() -> bool:
    """Whether the current language is English (its texts and formats are the code's own: no Babel)."""
    return current() == DEFAULT_LANGUAGE


def decimal(value: float, digits: int = 1) -> str:
    """"4.3" in English, "4,3" in Ukrainian: a number with `digits` decimals in the current locale."""
    if english():
        return f"{value:.{digits}f}"
    from babel.numbers import format_decimal

    return format_decimal(value, format="0." + "0" * digits if digits else "0", locale=current())


def number(value: float) -> str:
    """A number as short as it goes ("4", "7.5"; "7,5" in Ukrainian), as %g writes it in English."""
    if english():
        return f"{value:g}"
    from babel.numbers import format_decimal

    return format_decimal(value, locale=current())


def percent(share: float) -> str:
    """A share (0.25) as a whole percentage in the current locale: "25%", "25 %"."""
    if english():
        return f"{100 * share:.0f}%"
    from babel.numbers import format_percent

    return format_percent(share, locale=current())


def date(value: datetime, skeleton: str) -> str:
    """A date in the current (non-English) locale from a CLDR skeleton: "yMMMd" (7 бер. 2025 р.), "MMMd"."""
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, value, locale=current())
