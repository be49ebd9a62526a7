"""Search results judged for a client: what kind of site, negative or not, rank movement (visibility: rules)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core.classify import judge_text

CATEGORIES = ("own", "complaint", "review", "social", "news", "other")  # in order of precedence
# A title + snippet scored this low reads as a complaint without a complaint word. Review-sized thresholds
# (-0.05) misread listings and news: "Emergency plumbers", a quoted "fixed the leak" score negative in VADER.
# With the model (sentiment 1 - 2p) this asks for p >= 0.75 where a review needs 0.5.
SEARCH_NEGATIVE_BELOW = -0.5
LISTED = ("complaint", "review", "social", "news")

COMPLAINT_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "scam", "scams", "scammer", "scammers", "scammed", "scamming", "complaint", "complaints", "complain",
        "complained", "rip-off", "rip-offs", "ripoff", "rip off", "ripped off", "fraud", "frauds", "fraudulent",
        "fraudster", "fraudsters", "avoid", "worst", "lawsuit", "lawsuits", "sued", "class action", "beware",
        "terrible", "horrible", "awful", "unprofessional", "overcharged", "overcharging", "dishonest", "deceptive",
        "misleading", "cheated", "con artist", "con artists", "cowboys", "botched", "shoddy", "negligent",
        "negligence", "fined", "do not use", "don't use", "stay away", "never again", "nightmare",
    ),
    "de": (
        "Betrug", "Betrüger", "betrügerisch", "betrogen", "Betrugsmasche", "Betrugsverdacht", "Beschwerde",
        "Beschwerden", "Abzocke", "Abzocker", "abgezockt", "Warnung", "Vorsicht", "Klage", "verklagt", "unseriös",
        "Reklamation", "katastrophal", "schlechteste", "schlechtester", "Finger weg", "Pfusch", "Pfuscher",
    ),
    "fr": (
        "arnaque", "arnaques", "arnaqueur", "arnaqueurs", "arnaqué", "escroquerie", "escroqueries", "escroc",
        "escrocs", "plainte", "plaintes", "fraude", "réclamation", "réclamations", "litige", "à éviter", "pire",
        "méfiez-vous", "fuyez", "malhonnête", "procès",
    ),
    "es": (
        "estafa", "estafas", "estafador", "estafadores", "estafaron", "fraude", "queja", "quejas", "reclamación",
        "reclamaciones", "denuncia", "denuncias", "timo", "engaño", "engañados", "demanda", "peor", "evitar",
        "no recomiendo", "pésimo", "pésima",
    ),
    "ro": (
        "țeapă", "țepe", "escrocherie", "escroc", "escroci", "înșelătorie", "înșelăciune", "plângere", "plângeri",
        "reclamație", "reclamații", "fraudă", "evitați", "cel mai prost", "nu recomand", "bătaie de joc",
        "dezastru",
    ),
    "uk": (
        "шахрай", "шахраї", "шахрайство", "скарга", "скарги", "обман", "обманули", "ошуканці", "афера",
        "аферисти", "не рекомендую", "найгірший", "найгірша", "жахливий", "жахливо", "позов", "уникайте",
        "претензія", "кидалово",
    ),
    "ru": (
        "мошенники", "мошенничество", "жалоба", "жалобы", "обман", "обманули", "худший", "ужасно", "кидалово",
    ),
    "ja": (
        "詐欺", "苦情", "クレーム", "悪質", "ぼったくり", "ボッタクリ", "最悪", "訴訟", "悪徳", "騙され", "だまされ",
        "注意喚起", "二度と",
    ),
}
"""Words that make a search result's title or snippet a complaint, by language. Matched whole
word, ignoring case and diacritics (so "teapa" is "țeapă"); Japanese, written without spaces,
by substring."""

_SUBSTRING_LANGUAGES = ("ja",)
_TRACKING_PARAMS = ("gclid", "fbclid", "msclkid")
_SECOND_LEVEL = frozenset(("ac", "co", "com", "edu", "gob", "gov", "ne", "net", "or", "org"))
_PROFILE_PREFIXES = ("www.", "m.", "mobile.")


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


def negative_result(title: str | None, snippet: str | None, *, sentiment: float | None = None) -> bool:
    """Whether a result reads as a complaint: a COMPLAINT_WORDS word in its title or snippet,
    or a `sentiment` score (repscan.core.classify.judge_text of them) at or below SEARCH_NEGATIVE_BELOW."""
    if sentiment is not None and sentiment <= SEARCH_NEGATIVE_BELOW:
        return True
    text = _fold(" ".join(part for part in (title, snippet) if part))
    if not text:
        return False
    words, substrings = _vocabulary()
    return bool(words.search(text)) or any(word in text for word in substrings)


def annotate(result: dict, *, own_domains: list[str], own_profiles: list[str],
             extra: dict[str, list[str]] | None = None) -> dict:
    """The result with "category" and "negative" added (complaint words, then the text rule on title + snippet)."""
    title, snippet = result.get("title"), result.get("snippet")
    score = judge_text(" ".join(part for part in (title, snippet) if part))["sentiment"]
    return {
        **result,
        "category": categorize(result["url"], own_domains=own_domains, own_profiles=own_profiles, extra=extra),
        "negative": negative_result(title, snippet, sentiment=score),
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


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern, tuple[str, ...]]:
    whole = sorted({_fold(word) for language, words in COMPLAINT_WORDS.items() if language not in _SUBSTRING_LANGUAGES
                    for word in words}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in whole)
    substrings = tuple(_fold(word) for language in _SUBSTRING_LANGUAGES for word in COMPLAINT_WORDS[language])
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), substrings
