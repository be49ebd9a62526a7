"""The client's language: gettext catalogs (Babel .po files in repscan/core/locale) chosen per report or email."""

from __future__ import annotations

import contextvars
import functools
import gettext as _gettext
from contextlib import contextmanager
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "repscan"
DEFAULT_LANGUAGE = "en"

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
    """The compiled catalog for `code`, read once per process; English (the message ids) has none."""
    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == DEFAULT_LANGUAGE or not po.is_file():
        return _gettext.NullTranslations()
    from babel.messages.pofile import read_po
    from babel.support import Translations
    import io
    from babel.messages.mofile import write_mo

    with po.open("rb") as handle:
        parsed = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(message: str) -> str:
    return catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return catalog(current()).pgettext(context, message)


_ = gettext
