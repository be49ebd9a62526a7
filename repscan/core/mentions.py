"""Whether a text mentions a client (its name, aliases or @handles as whole words, in any script and case), and
whether the client wrote it."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["in_a_thread", "mentions", "written_by"]

# Scripts written without spaces between words: there a name has no word boundary to find.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                       r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def mentions(text: str, names: list[str]) -> bool:
    """True when `text` names any of `names` as whole words.

    Case, accents, width and the spacing between words do not matter ("Acme Plumbing"
    finds "ACME  plumbing's van" and "Acmé Plumbing", not "Acmeplumbingsupply"); a
    name in an unspaced script (Japanese, Chinese, Thai ...) is found inside a word.
    A handle ("@acmeplumbing") is found as "@acmeplumbing" or "#acmeplumbing", not as
    part of an e-mail address or a longer handle.
    """
    if not text:
        return False
    folded = _fold(text)
    return any(pattern.search(folded) for pattern in _patterns(tuple(names)))


def written_by(author: str | None, names: list[str]) -> bool:
    """True when the author is the client itself (its name, an alias or a handle, in any case and spacing): a post
    on its own page is its own word, not a mention of it (the comments under it are)."""
    if not author:
        return False
    own = {" ".join(_fold(name).lstrip("@").split()) for name in names if name}
    return " ".join(_fold(author).lstrip("@").split()) in own


@lru_cache(maxsize=256)
def _patterns(names: tuple[str, ...]) -> list[re.Pattern]:
    out = []
    for name in names:
        name = _fold(name or "").strip()
        if not name:
            continue
        if name.startswith("@"):
            handle = name.lstrip("@")
            if handle:
                out.append(re.compile(rf"(?<![\w@.])[@#]{re.escape(handle)}(?![\w@])"))
            continue
        words = [re.escape(word) for word in re.split(r"[\s\-]+", name) if word]
        if not words:
            continue
        body = r"(?:\s|-)+".join(words)
        before = "" if _UNSPACED.match(name[0]) else r"(?<!\w)"
        after = "" if _UNSPACED.match(name[-1]) else r"(?!\w)"
        out.append(re.compile(before + body + after))
    return out


def _fold(value: str) -> str:
    """Case-folded, width-normalised, accents removed, one kind of apostrophe and dash."""
    value = unicodedata.normalize("NFKD", value.translate(_APOSTROPHES))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = _DASHES.sub("-", value)
    return unicodedata.normalize("NFKC", value).casefold()


def in_a_thread(source: str | None, url: str | None) -> bool:
    """Whether a mention is answered where it stands, under it (a forum, a social site, a review site): a post of a
    platform source, or a feed entry linking to a known site. A news or web page from an alerts feed is not: one
    writes to its author or editor, so it gets no reply draft either."""
    from urllib.parse import urlsplit

    from repscan.core import sites

    if source != "feed":
        return True
    host = urlsplit(url or "").hostname or ""
    return bool(host and sites.owners(host))

