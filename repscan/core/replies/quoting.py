"""What a public reply may quote of a complaint: one short sentence naming what went wrong, never a person's data.

A person's name is found by its capitals (see `personal`); the client's own names, the sites people review on and a
few delivery and payment brands are no person's. A name opening a sentence looks like any first word, so it is caught
only where the complaint writes it as a name elsewhere; a complaint about rude staff is about a person, so its draft
quotes nothing (situations.quote). In Japanese a kanji name follows a staff word (店員の田中が) or takes an honorific.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable

from repscan.core import sites

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
JAPANESE_STAFF_NAME = re.compile(r"(?:店員|スタッフ|担当|係|配達員|運転手)の?(?!者)[\u4e00-\u9fff]{1,4}(?:が|は|に)")
# Capitalised words that are brands, not people (a complaint names where it ordered or how it paid).
BRANDS = frozenset({"Amazon", "Deliveroo", "Uber", "Eats", "Just", "Eat", "Lieferando", "Glovo", "Wolt", "Bolt",
                    "DoorDash", "Grubhub", "Takeaway", "Thuisbezorgd", "Foodora", "PayPal", "Visa", "Mastercard",
                    "Amex", "Apple", "Klarna", "Stripe", "Royal", "Mail", "Hermes", "Evri", "DHL", "UPS", "FedEx",
                    "DPD", "GLS", "Colissimo", "Correos", "Instagram", "WhatsApp", "TikTok", "Etsy", "eBay", "Airbnb",
                    "Booking", "Nova", "Poshta", "Allegro", "OLX"})


def strip_addressees(sentence: str) -> str:
    """The sentence without the @handles an X reply begins with."""
    return LEADING_HANDLES.sub("", sentence).strip()


def not_persons(names: Iterable[str] = ()) -> frozenset[str]:
    """The capitalised words that name no person: every word of the client's `names` (its name, aliases, handles),
    the sites' labels and the brands."""
    return frozenset(_words(names)) | _site_words()


@functools.cache
def _site_words() -> frozenset[str]:
    return frozenset(_words(site.label for site in sites.SITES.values())) | BRANDS


def _words(names: Iterable[str]) -> list[str]:
    return [letters for name in names for word in re.split(r"[\s&+/,.-]+", name.lstrip("@"))
            if (letters := _letters(word))]


def personal(sentence: str, language: str, names: frozenset[str] = frozenset(),
             known: frozenset[str] = frozenset()) -> bool:
    """Whether the sentence holds an email, a phone (or other long) number, an @handle, a link or a person's name
    (`names`: words the complaint uses as names elsewhere, so one opening this sentence is known too; `known`:
    capitalised words that are no one's name, not_persons)."""
    if (EMAIL.search(sentence) or HANDLE.search(sentence) or PHONE.search(sentence) or LINK.search(sentence)
            or WEB.search(sentence)):
        return True
    if language == "ja" and (JAPANESE_HONORIFIC.search(sentence) or JAPANESE_STAFF_NAME.search(sentence)):
        return True
    if language == "de" and GERMAN_ADDRESS.search(sentence):
        return True
    words = [_letters(word) for word in sentence.split()]
    capital = [_capitalised(word) and word not in known for word in words]
    pairs = capital[1:] if language == "de" else capital  # "Die Torte" opens a German sentence, "John Smith" any
    if any(a and b for a, b in zip(pairs, pairs[1:])):  # John Smith, Techniker Hans Meier
        return True
    return language != "de" and (any(capital[1:]) or bool(words and words[0] in names))


def quotable(sentences: list[str], language: str, client: Iterable[str] = ()) -> list[str]:
    """The sentences a public reply may quote, each without its leading @handles (the others left out); `client`:
    the client's names, aliases and handles, which name no person."""
    kept = [strip_addressees(s) for s in sentences]
    known = not_persons(client)
    names = frozenset(word for s in kept for word in map(_letters, s.split()[1:]) if _capitalised(word)) - known
    return [s for s in kept if s and not personal(s, language, names if language != "de" else frozenset(), known)]


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
