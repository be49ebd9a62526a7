"""Offline language detection for reviews and posts: ISO 639-1 code, or None when undecidable."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The languages the detector may answer. Leaving out rare neighbours (Afrikaans,
# Luxembourgish, Frisian, Belarusian, Wu Chinese, Tagalog, Latin, ...) stops three-word
# Dutch, German, Ukrainian or Chinese reviews from being read as them; see docs/classifier.md.
LANGUAGES = (
    "en", "de", "fr", "es", "it", "nl", "pt", "ro", "pl", "uk", "ru", "ja", "zh", "ko", "tr",
    "bg", "cs", "da", "el", "et", "fi", "hr", "hu", "lt", "lv", "sk", "sl", "sr", "sv", "no",
    "ca", "ar", "he", "hi", "th", "vi", "id", "ms", "fa", "ka", "hy", "sq", "mk",
)
MIN_WORDS = 3
MIN_CJK_CHARS = 3
MIN_CONFIDENCE = 0.3

_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*")  # BCP 47 as sites write it: de, de-DE, de_DE, zh-Hant-TW
_NO_LANGUAGE = ("und", "mul", "zxx", "mis")  # undetermined, multiple, no linguistic content, uncoded
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|\d+")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier


def code(tag: str | None) -> str | None:
    """THE language code rule: a site's language tag as items keep it and drafts and word lists read it, its primary
    subtag in lower case ("de-DE", "de_DE", "DE" -> "de"); None for what names no language ("x-default", "und",
    "English"). The region is dropped: no reader tells de-DE from de-AT (the report's dates follow the client's
    locale, not the reviewer's)."""
    match = _TAG.fullmatch((tag or "").strip().lower())
    return match.group(1) if match and match.group(1) not in _NO_LANGUAGE else None


def detect(text: str | None) -> str | None:
    """The text's language as an ISO 639-1 code; None if empty, too short or unsure."""
    if not text:
        return None
    cleaned = _NOISE.sub(" ", unicodedata.normalize("NFC", text))
    scripts = _script_counts(cleaned)
    cjk = scripts["kana"] + scripts["hangul"] + scripts["han"]
    if cjk * 2 >= scripts["letters"] > 0:
        if cjk < MIN_CJK_CHARS:
            return None
        if scripts["hangul"] * 2 >= cjk:
            return "ko"
        if scripts["kana"]:
            return "ja"
    elif len(_WORD.findall(cleaned)) < MIN_WORDS:
        return None
    language, confidence = _identifier().classify(cleaned)
    return language if confidence >= MIN_CONFIDENCE else None


def _script_counts(text: str) -> dict[str, int]:
    counts = {"kana": 0, "hangul": 0, "han": 0, "letters": 0}
    for char in text:
        if not char.isalpha():
            continue
        counts["letters"] += 1
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            counts["kana"] += 1
        elif 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts["hangul"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            counts["han"] += 1
    return counts
