"""What a public reply may quote of a complaint: one short sentence naming what went wrong, never a person's data.

A person's name is found by its capitals (see `personal`); the client's own names, the sites people review on and a
few delivery and payment brands are no person's. A name opening a sentence looks like any first word, so it is caught
only where the complaint writes it as a name elsewhere, except in a complaint about rude staff, whose sentence is
about a person: there a capitalised first word is taken for a name unless it is an article, pronoun or other common
opener of its language, or a word for staff ("The waiter was rude" is quoted, "Mike was rude" never; see
`opens_with_a_name`). In Japanese a kanji name follows a staff word (店員の田中が) or takes an honorific (田中さん).
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
JAPANESE_STAFF_NAME = re.compile(r"(?:店員|スタッフ|担当|係|配達員|運転手)の?(?!者|態度|対応|方|人|言葉|接客)"
                                 r"[\u4e00-\u9fff]{1,4}(?:が|は|に)")
# Capitalised words that are brands, not people (a complaint names where it ordered or how it paid).
BRANDS = frozenset({"Amazon", "Deliveroo", "Uber", "Eats", "Just", "Eat", "Lieferando", "Glovo", "Wolt", "Bolt",
                    "DoorDash", "Grubhub", "Takeaway", "Thuisbezorgd", "Foodora", "PayPal", "Visa", "Mastercard",
                    "Amex", "Apple", "Klarna", "Stripe", "Royal", "Mail", "Hermes", "Evri", "DHL", "UPS", "FedEx",
                    "DPD", "GLS", "Colissimo", "Correos", "Instagram", "WhatsApp", "TikTok", "Etsy", "eBay", "Airbnb",
                    "Booking", "Nova", "Poshta", "Allegro", "OLX"})


def strip_addressees(sentence: str) -> str:
    """The sentence without the @handles an X reply begins with."""
    return LEADING_HANDLES.sub("", sentence).strip()


# The capitalised first words that are no one's name: articles, pronouns, possessives, negations, conjunctions and
# question words (lower case, whole words), then the starts of words for staff ("Sprzedawczyni", "Продавец"; none a
# name begins with: "man" would pass Manuel).
OPENERS: dict[str, frozenset[str]] = {language: frozenset(words.split()) for language, words in {
    "en": "the a an my our his her their your this that these those i we he she they it you not never no very so but "
          "and when what why how one some all everyone nobody someone there after then",
    "de": "der die das den dem des ein eine einen einer mein meine unser unsere ihr ihre sein seine ich wir er sie es "
          "man nicht nie kein keine sehr so aber und als warum wie was dieser diese dieses jeder niemand dann",
    "fr": "le la les l un une des mon ma mes notre nos son sa ses leur leurs je j nous il elle ils elles on ce cette c "
          "pas jamais ne très si mais et quand pourquoi comment personne tout tous",
    "es": "el la los las un una unos unas mi mis nuestro nuestra su sus yo nosotros él ella ellos ellas este esta ese "
          "esa no nunca muy pero y cuando por qué cómo nadie todo",
    "it": "il lo la i gli le l un una uno mio mia nostro nostra suo sua io noi lui lei loro questo questa quel quella "
          "non mai molto ma e quando perché come nessuno tutto",
    "pt": "o a os as um uma meu minha nosso nossa seu sua eu nós ele ela eles elas este esta esse essa não nunca "
          "muito mas e quando porque como ninguém tudo",
    "nl": "de het een mijn onze ons zijn haar hun ik wij we hij zij ze deze dit die dat niet nooit geen erg heel zeer "
          "maar en toen waarom hoe niemand",
    "pl": "ten ta to ci te mój moja moje nasz nasza jego jej ich ja my on ona oni one nie nigdy bardzo ale i a kiedy "
          "dlaczego jak nikt",
    "ro": "un o niște meu mea nostru noastră lui ei eu noi el ea ele acest această acel acea nu niciodată foarte dar "
          "și când de cum nimeni",
    "uk": "цей ця це ці мій моя наш наша його її їх я ми він вона вони не ніколи дуже але і й а коли чому як ніхто",
    "ru": "этот эта это эти мой моя наш наша его её их я мы он она они не никогда очень но и а когда почему как "
          "никто",
}.items()}
STAFF = {
    "en": ("staff", "waiter", "waitress", "server", "driver", "courier", "manager", "cashier", "receptionist",
           "employee", "owner", "chef", "technician", "fitter", "woman", "lady", "girl", "person"),
    "de": ("personal", "kellner", "bedienung", "fahrer", "kurier", "verkäufer", "mitarbeiter", "chef", "inhaber",
           "techniker", "monteur"),
    "fr": ("personnel", "serveu", "livreu", "vendeu", "caissi", "employé", "gérant", "patron", "technicien"),
    "es": ("personal", "camarer", "repartidor", "vendedor", "cajer", "emplead", "encargad", "dueñ", "técnico"),
    "it": ("personale", "camerier", "fattorin", "corrier", "commess", "cassier", "dipendent", "titolare", "tecnico"),
    "pt": ("pessoal", "funcionári", "empregad", "estafeta", "entregador", "vendedor", "caix", "gerente", "técnico"),
    "nl": ("personeel", "ober", "serveerster", "bezorger", "chauffeur", "verkoper", "verkoopster", "medewerker",
           "eigenaar", "monteur"),
    "pl": ("obsług", "personel", "kelner", "kurier", "kierowc", "sprzedaw", "kasjer", "pracowni", "kierowni",
           "właściciel", "monter", "technik"),
    "ro": ("personal", "ospătar", "chelner", "curier", "șofer", "vânzăt", "casier", "angajat", "manager",
           "patron", "tehnician"),
    "uk": ("персонал", "офіціант", "кур'єр", "курʼєр", "водій", "продав", "касир", "працівни", "менеджер",
           "адміністратор", "власни", "майстер"),
    "ru": ("персонал", "официант", "курьер", "водител", "продав", "кассир", "сотрудни", "менеджер", "администратор",
           "владел", "мастер"),
}


def opens_with_a_name(sentence: str, language: str, client: Iterable[str] = ()) -> bool:
    """Whether the sentence's first word is capitalised and not a common opener of its language, a word for staff,
    the client's name (`client`), a site or a brand: then it is taken for a person's name."""
    first = _letters(sentence.split()[0]) if sentence.split() else ""
    if language not in OPENERS or not _capitalised(first) or first in not_persons(client):
        return False
    lower = first.lower()
    return lower not in OPENERS[language] and not lower.startswith(STAFF[language])


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
