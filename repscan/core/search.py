"""Search results judged for a client: what kind of site, negative or not, rank movement (visibility: rules)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core.classify import CLAUSE_END, judge_text

CATEGORIES = ("own", "complaint", "review", "social", "news", "other")  # in order of precedence
# A title + snippet scored this low reads as a complaint without a complaint word. Review-sized thresholds
# (-0.05) misread listings and news: "Emergency plumbers", a quoted "fixed the leak" score negative in VADER.
# With the model (sentiment 1 - 2p) this asks for p >= 0.75 where a review needs 0.5.
SEARCH_NEGATIVE_BELOW = -0.5
LISTED = ("complaint", "review", "social", "news")

# A title + snippet scored at least this high reads clearly positive: a complaint word in it is not enough
# ("No complaints, 5 stars" is praise). Between this and SEARCH_NEGATIVE_BELOW a complaint word decides.
SEARCH_POSITIVE_FROM = 0.25

COMPLAINT_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "scam", "scams", "scammer", "scammers", "scammed", "scamming", "complaint", "complaints", "complain",
        "complained", "rip-off", "rip-offs", "ripoff", "rip off", "ripped off", "fraud", "frauds", "fraudulent",
        "fraudster", "fraudsters", "lawsuit", "lawsuits", "sued", "class action", "unprofessional", "overcharged",
        "overcharging", "dishonest", "deceptive", "misleading", "cheated", "con artist", "con artists", "cowboys",
        "botched", "shoddy", "negligent", "negligence", "fined", "do not use", "don't use",
    ),
    "de": (
        "Betrug", "Betrüger", "betrügerisch", "betrogen", "Betrugsmasche", "Betrugsverdacht", "Beschwerde",
        "Beschwerden", "Abzocke", "Abzocker", "abgezockt", "Klage", "verklagt", "unseriös", "Reklamation",
        "Finger weg", "Pfusch", "Pfuscher",
    ),
    "fr": (
        "arnaque", "arnaques", "arnaqueur", "arnaqueurs", "arnaqué", "escroquerie", "escroqueries", "escroc",
        "escrocs", "plainte", "plaintes", "fraude", "réclamation", "réclamations", "litige", "méfiez-vous", "fuyez",
        "malhonnête", "procès",
    ),
    "es": (
        "estafa", "estafas", "estafador", "estafadores", "estafaron", "fraude", "queja", "quejas", "reclamación",
        "reclamaciones", "denuncia", "denuncias", "timo", "engaño", "engañados", "demanda", "no recomiendo",
    ),
    "ro": (
        "țeapă", "țepe", "escrocherie", "escroc", "escroci", "înșelătorie", "înșelăciune", "plângere", "plângeri",
        "reclamație", "reclamații", "fraudă", "nu recomand", "bătaie de joc",
    ),
    "uk": (
        "шахрай", "шахраї", "шахрайство", "скарга", "скарги", "скарг", "обман", "обманули", "ошуканці", "афера",
        "аферисти", "не рекомендую", "позов", "претензія", "кидалово",
    ),
    "ru": (
        "мошенники", "мошенничество", "жалоба", "жалобы", "жалоб", "обман", "обманули", "кидалово",
    ),
    "ja": (
        "詐欺", "苦情", "クレーム", "悪質", "ぼったくり", "ボッタクリ", "訴訟", "悪徳", "騙され", "だまされ",
    ),
}
"""Words that make a search result's title or snippet a complaint, by language, unless negated (NEGATING: "no
complaints", "keine Beschwerden", "жодної скарги"). Matched whole word, ignoring case and diacritics (so "teapa" is
"țeapă"); Japanese, written without spaces, by substring (and without negation)."""

NEGATING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("no", "zero", "not a", "not an", "not a single", "not one", "not any", "without", "without any",
            "never a", "never any"),
           ("real", "serious", "major", "big", "single", "further", "other", "more", "actual", "genuine",
            "significant", "formal")),
    "de": (("kein", "keine", "keinen", "keiner", "keinem", "keines", "null", "nicht eine", "nicht ein",
            "nicht einen", "nicht eine einzige", "nicht ein einziger", "ohne", "ohne jede", "ohne jegliche"),
           ("große", "großen", "ernsthafte", "ernsthaften", "echte", "echten", "weitere", "weiteren",
            "nennenswerte", "nennenswerten", "einzige", "einzigen")),
    "fr": (("aucun", "aucune", "zéro", "pas de", "pas d'", "pas un", "pas une", "pas un seul", "pas une seule",
            "sans", "sans aucun", "sans aucune", "nulle"),
           ("vraie", "vraies", "réelle", "réelles", "grosse", "grosses", "seule", "autre", "autres")),
    "es": (("ningún", "ninguna", "ninguno", "cero", "ni una", "ni un", "sin", "sin ninguna", "sin ningún"),
           ("gran", "grandes", "verdadera", "verdaderas", "seria", "serias", "otra", "otras", "sola")),
    "ro": (("niciun", "nicio", "niciuna", "nici o", "nici un", "zero", "fără", "fără nicio", "fără niciun"),
           ("singură", "singur", "altă", "alt", "reală", "serioasă")),
    "uk": (("жодної", "жодного", "жодних", "жоден", "жодна", "жодне", "ніяких", "ніякої", "ніякого", "без",
            "ні одної", "ні однієї", "ні одного", "нуль"),
           ("серйозної", "серйозних", "справжньої", "справжніх", "реальної", "реальних", "іншої", "інших",
            "одної", "однієї")),
    "ru": (("никаких", "никакой", "никакого", "ни одной", "ни одного", "ни единой", "без", "ноль"),
           ("серьезных", "серьёзных", "серьезной", "серьёзной", "реальных", "настоящих", "других", "единой")),
}
"""Per language, (negators, adjectives): a complaint word is negated only by one of these negators directly before
it, or with one of these adjectives between ("no complaints", "not a single complaint", "keine großen Beschwerden").
A negator that governs another word negates nothing after it: "Оставили без денег мошенники", "no refund scam"."""

GENERIC_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("avoid", "worst", "beware", "terrible", "horrible", "awful", "nightmare", "never again", "stay away"),
    "de": ("Warnung", "Vorsicht", "katastrophal", "schlechteste", "schlechtester"),
    "fr": ("à éviter", "pire"),
    "es": ("evitar", "peor", "pésimo", "pésima"),
    "ro": ("evitați", "cel mai prost", "dezastru"),
    "uk": ("найгірший", "найгірша", "жахливий", "жахливо", "уникайте"),
    "ru": ("худший", "ужасно"),
    "ja": ("最悪", "注意喚起", "二度と"),
}
"""Everyday words that are a complaint only next to the business's name ("Avoid Acme Plumbing"), not in "How to
avoid frozen pipes" or "the worst winter in decades": within NAME_WINDOW words of one of its names (Japanese:
anywhere in a text that names it)."""

NAME_WINDOW = 3
_SUBSTRING_LANGUAGES = ("ja",)
_TRACKING_PARAMS = ("gclid", "fbclid", "msclkid")
_SECOND_LEVEL = frozenset(("ac", "co", "com", "edu", "gob", "gov", "ne", "net", "or", "org"))
_PROFILE_PREFIXES = ("www.", "m.", "mobile.")


def configured(engines: list[str], queries: list[str]) -> list[tuple[str, str]]:
    """The (engine, query) pairs a business's search results are read for, and all that reports and alerts show:
    results of an engine or query no longer configured are history."""
    return [(engine, query) for engine in engines for query in queries]


def categorize(url: str, *, own_domains: list[str], own_profiles: list[str],
               extra: dict[str, list[str]] | None = None) -> str:
    """One of CATEGORIES for a result URL.

    "own": the client's domains (and their subdomains) or a URL under one of its profiles
    (https://www.facebook.com/acmeplumbing covers …/acmeplumbing/reviews, not
    …/acmeplumbing2). Then complaint before review, so a BBB complaints page is a complaint.
    `extra` adds entries (same syntax as repscan/data/domains.toml) per category, "own" included.
    """
    extra = extra or {}
    unknown = set(extra) - {"own", *LISTED}
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}; known: own, {', '.join(LISTED)}")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "other"
    path = parts.path or "/"
    if _listed(host, path, [*own_domains, *extra.get("own", ())]):
        return "own"
    if any(_under_profile(parts, profile) for profile in own_profiles):
        return "own"
    lists = domain_lists()
    for category in LISTED:
        if _listed(host, path, [*lists[category], *extra.get(category, ())]):
            return category
    return "other"


def negative_result(title: str | None, snippet: str | None, *, sentiment: float | None = None,
                    names: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a result reads as a complaint about the business called `names` (result_names()): a `sentiment`
    score (repscan.core.classify.judge_text of title and snippet) at or below SEARCH_NEGATIVE_BELOW in a text that
    names it ("How to avoid frozen pipes" is about no one); or a complaint word (COMPLAINT_WORDS not negated,
    GENERIC_WORDS next to a name) in a text the score does not read as clearly positive (below
    SEARCH_POSITIVE_FROM; with no score the word decides). With no `names` every text counts as naming it."""
    text = " ".join(part for part in (title, snippet) if part)
    if sentiment is not None and sentiment <= SEARCH_NEGATIVE_BELOW and (not names or _names_in(text, names)):
        return True
    if sentiment is not None and sentiment >= SEARCH_POSITIVE_FROM:
        return False
    return bool(complaint_words(text, names))


def result_names(names: list[str] | tuple[str, ...], query: str | None = None) -> list[str]:
    """What a result for `query` may call the business: its `names` (the client's name, aliases and handles:
    Client.names), and the query itself as one more."""
    return list(dict.fromkeys(name.strip() for name in (*names, query or "") if name and name.strip()))


def complaint_words(text: str, names: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The complaint words (folded) that count in `text` (see negative_result)."""
    text = _fold(text)
    if not text.strip():
        return []
    vocabulary = _vocabulary()
    found = [match.group(0) for match in vocabulary.words.finditer(text)
             if not _negated(text, match.start(), vocabulary.languages[_spaced(match.group(0))])]
    found += [word for word in vocabulary.substrings if word in text]
    folded_names = _folded(names)
    if folded_names:
        found += [match.group(0) for match in vocabulary.generic.finditer(text)
                  if _next_to_name(text, match.start(), match.end(), folded_names)]
        if _names_in(text, names):
            found += [word for word in vocabulary.generic_substrings if word in text]
    return found


def annotate(result: dict, *, own_domains: list[str], own_profiles: list[str],
             extra: dict[str, list[str]] | None = None, names: list[str] | tuple[str, ...] = ()) -> dict:
    """The result with "category" and "negative" added (negative_result on title + snippet with the text rule's
    score, about the business called `names` or the result's query: result_names)."""
    title, snippet = result.get("title"), result.get("snippet")
    score = judge_text(" ".join(part for part in (title, snippet) if part))["sentiment"]
    return {
        **result,
        "category": categorize(result["url"], own_domains=own_domains, own_profiles=own_profiles, extra=extra),
        "negative": negative_result(title, snippet, sentiment=score, names=result_names(names, result.get("query"))),
    }


def movement(previous: list[dict], current: list[dict]) -> list[dict]:
    """Each current result with previous_rank (None when new), delta (previous - current,
    positive = moved up), status ("new", "up", "down", "same") and above_own (the client's own
    site is on this page, and this result ranks above its best own result); then each previous
    result no longer present, with rank None and status "dropped".

    Results are matched by normalize_url(); "own" comes from a "category" key (annotate()).
    """
    before: dict[str, tuple[int, dict]] = {}
    for result in previous:
        rank = result.get("rank")
        key = normalize_url(result["url"])
        if rank is not None and (key not in before or rank < before[key][0]):
            before[key] = (rank, result)
    own_ranks = [r["rank"] for r in current if r.get("category") == "own" and r.get("rank") is not None]
    best_own = min(own_ranks, default=None)
    moved, present = [], set()
    for result in current:
        key = normalize_url(result["url"])
        present.add(key)
        rank = result.get("rank")
        previous_rank = before[key][0] if key in before else None
        delta = previous_rank - rank if previous_rank is not None and rank is not None else None
        if previous_rank is None:
            status = "new"
        else:
            status = "up" if (delta or 0) > 0 else "down" if (delta or 0) < 0 else "same"
        above_own = result.get("category") != "own" and rank is not None and best_own is not None and rank < best_own
        moved.append({**result, "previous_rank": previous_rank, "delta": delta, "status": status,
                      "above_own": above_own})
    gone = sorted((entry for key, entry in before.items() if key not in present), key=lambda entry: entry[0])
    for previous_rank, result in gone:
        moved.append({**result, "rank": None, "previous_rank": previous_rank, "delta": None, "status": "dropped",
                      "above_own": False})
    return moved


def normalize_url(url: str) -> str:
    """The URL for matching across crawls: scheme and host in lower case, default port, the
    fragment and a trailing slash dropped, utm_* and click-id parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
             if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS]
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), urlencode(query), ""))


@lru_cache(maxsize=1)
def domain_lists() -> dict[str, tuple[str, ...]]:
    """The bundled repscan/data/domains.toml: category -> entries."""
    raw = tomllib.loads(resources.files("repscan.core").joinpath("data", "domains.toml").read_text(encoding="utf-8"))
    missing = set(LISTED) - set(raw)
    if missing or set(raw) - set(LISTED):
        raise ValueError(f"domains.toml must list exactly {', '.join(LISTED)}")
    return {category: tuple(raw[category]) for category in LISTED}


def _listed(host: str, path: str, entries) -> bool:
    return any(_matches(host, path, entry) for entry in entries)


def _matches(host: str, path: str, entry: str) -> bool:
    entry = entry.strip().lower()
    if "://" in entry:
        entry = entry.split("://", 1)[1]
    pattern, slash, glob = entry.partition("/")
    pattern = pattern.removeprefix("www.")
    if not pattern:
        return False
    if not _host_matches(host, pattern):
        return False
    if not slash or not glob.strip("/"):
        return True
    glob = "/" + glob.rstrip("/")
    path = path.lower()
    return fnmatchcase(path, glob) or fnmatchcase(path, glob + "/*")


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.endswith("."):
        return host.removeprefix("www.").startswith(pattern)
    if pattern.endswith(".*"):
        stem = pattern[:-2].split(".")
        labels = host.split(".")
        return any(labels[start:start + len(stem)] == stem and _public_suffix(labels[start + len(stem):])
                   for start in range(len(labels) - len(stem)))
    return host == pattern or host.endswith("." + pattern)


def _public_suffix(labels: list[str]) -> bool:
    """A top-level domain ("de") or a common two-label suffix ("co.uk", "com.au")."""
    if len(labels) == 1:
        return labels[0].isalpha() and len(labels[0]) >= 2
    return len(labels) == 2 and labels[0] in _SECOND_LEVEL and labels[1].isalpha() and len(labels[1]) == 2


def _under_profile(parts, profile: str) -> bool:
    wanted = urlsplit(profile.strip() if "://" in profile else "https://" + profile.strip())
    if _profile_host(parts.hostname) != _profile_host(wanted.hostname):
        return False
    base = wanted.path.rstrip("/").casefold()
    path = parts.path.rstrip("/").casefold()
    if base and path != base and not path.startswith(base + "/"):
        return False
    needed = set(parse_qsl(wanted.query))
    return needed <= set(parse_qsl(parts.query))


def _profile_host(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    for prefix in _PROFILE_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def _fold(text: str) -> str:
    """Lower case without diacritics, so "Beschwerde"/"beschwerde" and "țeapă"/"teapa" compare equal."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class _Vocabulary(NamedTuple):
    words: re.Pattern            # COMPLAINT_WORDS of the spaced languages
    languages: dict[str, tuple[str, ...]]  # each of those words (spaces single) -> the languages listing it
    substrings: tuple[str, ...]  # COMPLAINT_WORDS of the unspaced languages
    generic: re.Pattern
    generic_substrings: tuple[str, ...]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    languages: dict[str, list[str]] = {}
    for language, words in COMPLAINT_WORDS.items():
        if language not in _SUBSTRING_LANGUAGES:
            for word in words:
                languages.setdefault(_fold(word), []).append(language)

    def pattern(words) -> re.Pattern:
        alternatives = "|".join(r"\s+".join(re.escape(part) for part in word.split())
                                for word in sorted(set(words), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def unspaced(table) -> tuple[str, ...]:
        return tuple(_fold(word) for language in _SUBSTRING_LANGUAGES for word in table[language])

    generic = [_fold(word) for language, words in GENERIC_WORDS.items() if language not in _SUBSTRING_LANGUAGES
               for word in words]
    return _Vocabulary(pattern(languages), {word: tuple(found) for word, found in languages.items()},
                       unspaced(COMPLAINT_WORDS), pattern(generic), unspaced(GENERIC_WORDS))


@lru_cache(maxsize=None)
def _negating(languages: tuple[str, ...]) -> tuple[frozenset[tuple[str, ...]], frozenset[str], int]:
    """NEGATING of these languages, folded: the negators (as word tuples), the adjectives, the longest negator."""
    negators = {tuple(_words(_fold(word))) for language in languages for word in NEGATING.get(language, ((), ()))[0]}
    adjectives = {_fold(word) for language in languages for word in NEGATING.get(language, ((), ()))[1]}
    return frozenset(negators), frozenset(adjectives), max(map(len, negators), default=0)


_TOKEN = re.compile(r"\w+(?:'\w+)*|[.!?;,:…]")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+(?:'\w+)*", text)


def _spaced(word: str) -> str:
    return " ".join(word.split())


def _negated(text: str, start: int, languages: tuple[str, ...]) -> bool:
    """Whether a negator of `languages` (NEGATING) governs the complaint word at `start`: in the same clause, right
    before it or with one listed adjective between."""
    negators, adjectives, longest = _negating(languages)
    before = _TOKEN.findall(text[:start])[-(longest + 1):]
    clause = next((at for at in range(len(before) - 1, -1, -1) if before[at] in CLAUSE_END), -1)
    before = before[clause + 1:]
    heads = [before, before[:-1]] if before and before[-1] in adjectives else [before]
    return any(tuple(head[-len(negator):]) == negator for head in heads for negator in negators
               if len(head) >= len(negator))


def _folded(names) -> list[str]:
    return [" ".join(_words(_fold(name))) for name in names if name and name.strip()]


def _names_in(text: str, names) -> bool:
    """Whether `text` holds one of `names` as whole words (Japanese: anywhere)."""
    folded = _fold(text)
    spaced = f" {' '.join(_words(folded))} "
    return any(f" {name} " in spaced or (name in folded and not name.isascii() and " " not in name)
               for name in _folded(names))


def _next_to_name(text: str, start: int, end: int, names: list[str]) -> bool:
    """Whether one of `names` (folded, spaces single) stands within NAME_WINDOW words of text[start:end]."""
    before, after = _words(text[:start]), _words(text[end:])
    for name in names:
        reach = NAME_WINDOW + len(name.split()) - 1
        if any(f" {name} " in f" {' '.join(words)} " for words in (before[-reach:], after[:reach])):
            return True
    return False
