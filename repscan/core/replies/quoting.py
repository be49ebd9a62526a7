"""What a public reply may quote of a complaint: one short sentence naming what went wrong, never a person's data."""

from __future__ import annotations

import calendar
import re

# A link as X counts one (any http(s) address, or a bare domain of a real TLD; an email's domain is no link).
LINK = re.compile(r"https?://\S+|(?<![@\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|uk|de|fr|es|it|pt|nl"
                  r"|pl|ro|ua|ru|jp)\b(?:/\S*)?", re.IGNORECASE)
# What names or reaches a person; a sentence holding any of it is never quoted in public.
WEB = re.compile(r"https?://|www\.", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@])@\w+")
PHONE = re.compile(r"\+?\d(?:[\s()./-]*\d){5,}")  # six or more digits in a run: a phone, an order or account number
LEADING_HANDLES = re.compile(r"^(?:@\w+[\s,:]*)+")  # an X reply's addressees, not what the customer said
# A name: two capitalised words in a row; where nouns are written in lower case, any capitalised word past the first
# (and a first word the complaint writes as a name elsewhere); German capitalises every noun, so there only the pair
# or a word after a form of address.
GERMAN_ADDRESS = re.compile(r"\b(?:herr|herrn|frau|hr|fr|dr)\.?\s+[^\W\d_]", re.IGNORECASE)
CALENDAR = frozenset(calendar.day_name) | frozenset(calendar.month_name[1:])  # "Friday" is no one's name (C locale)
JAPANESE_HONORIFIC = re.compile(r"\S(?:さん|様|さま|氏|くん|君|ちゃん)")  # 田中さん: a name in Japanese


def strip_addressees(sentence: str) -> str:
    """The sentence without the @handles an X reply begins with."""
    return LEADING_HANDLES.sub("", sentence).strip()


def personal(sentence: str, language: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether the sentence holds an email, a phone (or other long) number, an @handle, a link or a person's name
    (`names`: words the complaint uses as names elsewhere, so one opening this sentence is known too)."""
    if (EMAIL.search(sentence) or HANDLE.search(sentence) or PHONE.search(sentence) or LINK.search(sentence)
            or WEB.search(sentence)):
        return True
    if language == "ja" and JAPANESE_HONORIFIC.search(sentence):
        return True
    if language == "de" and GERMAN_ADDRESS.search(sentence):
        return True
    words = [_letters(word) for word in sentence.split()]
    capital = [_capitalised(word) for word in words]
    pairs = capital[1:] if language == "de" else capital  # "Die Torte" opens a German sentence, "John Smith" any
    if any(a and b for a, b in zip(pairs, pairs[1:])):  # John Smith, Techniker Hans Meier
        return True
    return language != "de" and (any(capital[1:]) or bool(words and words[0] in names))


def quotable(sentences: list[str], language: str) -> list[str]:
    """The sentences a public reply may quote, each without its leading @handles (the others left out)."""
    kept = [strip_addressees(s) for s in sentences]
    names = frozenset(word for s in kept for word in map(_letters, s.split()[1:]) if _capitalised(word))
    return [s for s in kept if s and not personal(s, language, names if language != "de" else frozenset())]


def _letters(word: str) -> str:
    """The word's first run of letters ("(John)" -> "John", "I'm" -> "I")."""
    return re.match(r"[\W\d_]*([^\W\d_]*)", word).group(1)


def _capitalised(letters: str) -> bool:
    """Written as a name is: a capital, then a small letter (I, TV and other all-capital words are not)."""
    return len(letters) > 1 and letters[0].isupper() and not letters[1].isupper() and letters not in CALENDAR


def shorten(text: str, limit: int) -> str:
    """The text cut to at most `limit` characters, at a word where there is one, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
