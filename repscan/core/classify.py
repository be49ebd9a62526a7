"""Negative or not: from the rating when there is one, else from the text (the model, or the word lists without it)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from repscan.core import rules, text_model
from repscan.core.i18n import _

TEXT_NEGATIVE_BELOW = -0.05  # VADER's own cut-off for "negative" compound scores
LEXICON_LANGUAGES = ("de", "es", "fr", "it", "ja", "nl", "pl", "pt", "ro", "ru", "uk")
TEXT_LANGUAGES = ("en", *LEXICON_LANGUAGES)
MODEL, WORD_LISTS = "model", "word lists"  # the two judges of unrated text
STARS = "stars"  # the judge of a rated item: its rating

# VADER's constants, so lexicon scores and VADER scores sit on one scale.
NEGATION_SCALAR = -0.74
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
EXCLAMATION_BOOST, EXCLAMATION_MAX = 0.292, 4
NORMALIZE_ALPHA = 15
NEGATION_WINDOW = 3  # words before a term (or after it, for a trailing negator)
SUFFIX_NEGATION_WINDOW = 6  # characters after a term, for languages written without spaces
BOOSTER_GAP_CHARS = 3  # at most this many characters between a booster and its term, likewise

_FOLD_EXTRA = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "đ": "d"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})
_EMOTICON = r"[:;=]-?[()\[\]dDpP/\\|]"
_EMOJI = "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764]"
CLAUSE_END = set(".!?;,:…。、！？，；")
_CLAUSE_SPLIT = re.compile("[" + re.escape("".join(sorted(CLAUSE_END))) + "]")
_OPTIONS = ("unspaced", "trailing_negation", "fold", "split_apostrophes")


@dataclass
class Lexicon:
    """One language's word list: scored terms, negators, boosters, contrast words, options."""

    language: str
    terms: dict[tuple[str, ...], float] = field(default_factory=dict)
    prefixes: dict[tuple[str, ...], float] = field(default_factory=dict)
    negators: set[str] = field(default_factory=set)
    negator_prefixes: set[str] = field(default_factory=set)
    negators_after: tuple[str, ...] = ()
    boosters: dict[str, float] = field(default_factory=dict)
    contrast: set[str] = field(default_factory=set)
    fixed: set[tuple[str, ...]] = field(default_factory=set)
    unspaced: bool = False
    trailing_negation: bool = False
    fold: bool = False
    split_apostrophes: bool = False
    longest: int = 1


def rating_sentiment(rating: float, rating_max: float, rating_min: float = 1.0) -> float:
    """Map a star rating onto -1..1: 1 star is -1, the middle is 0, full marks 1."""
    span = rating_max - rating_min
    if span <= 0:
        return 0.0
    return max(-1.0, min(1.0, 2 * (rating - rating_min) / span - 1))


def text_sentiment(text: str | None, language: str | None = None) -> float | None:
    """Compound score (-1..1): VADER for English, word lists for the other TEXT_LANGUAGES.

    No language: detect it; text too short to tell is scored by VADER, and by emoji and
    emoticons where VADER finds nothing. A language without a word list gives None.
    """
    if not text or not text.strip():
        return None
    from repscan.core.language import code as language_code, detect

    code = language_code(language) if language else detect(text)
    if not language and code is None:
        score = _analyzer().polarity_scores(text)["compound"] or lexicon_score(text, lexicon("_common"))
        return round(score, 4)
    if code == "en":
        return round(_analyzer().polarity_scores(text)["compound"], 4)
    if code not in LEXICON_LANGUAGES:
        return None
    return round(lexicon_score(text, lexicon(code)), 4)


def judge_text(text: str | None, language: str | None = None) -> dict:
    """THE text rule: {"sentiment": float|None, "negative": bool, "judge": "model"|"word lists"|None}.

    The model (repscan.core.text_model) where it loads: sentiment is 1 - 2p, p the head's probability
    of a complaint the business should answer, negative when p >= 0.5. Where it does not load: the
    word lists (text_sentiment), negative at or below TEXT_NEGATIVE_BELOW."""
    if not text or not text.strip():
        return {"sentiment": None, "negative": False, "judge": None}
    try:
        probability = text_model.negative_probability(text.strip())
    except text_model.Unavailable:
        score = text_sentiment(text, language)
        return {"sentiment": score, "negative": score is not None and score <= TEXT_NEGATIVE_BELOW,
                "judge": WORD_LISTS}
    return {"sentiment": round(1 - 2 * probability, 4), "negative": probability >= 0.5, "judge": MODEL}


def text_judge() -> str:
    """Which classifier judges unrated text in this process ("model" or "word lists"), without loading it."""
    return MODEL if text_model.installed() else WORD_LISTS


def judge_line(judges: str) -> str:
    """The report's one sentence on what judged the period's text without stars ("model", "word lists", or both
    joined by " and "), the same in the PDF and the plain-text email."""
    if judges == MODEL:
        return _("Text without stars judged by: the multilingual model.")
    if judges == WORD_LISTS:
        return _("Text without stars judged by: word lists (the model was not available).")
    return _("Text without stars judged by: the multilingual model, and word lists where it was not available.")


def classify(item: dict, threshold: float = rules.DEFAULT_THRESHOLD) -> dict:
    """Return {"sentiment": float|None, "negative": bool, "judge": "stars"|"model"|"word lists"|None} for a
    review, post or snippet: from the rating when it has one (rules.negative; the model is never asked),
    else judge_text. The judge is stored with the item, so a report can say what judged its period."""
    rating, rating_max = _number(item.get("rating")), _number(item.get("rating_max"))
    if rules.rated(rating, rating_max):
        sentiment, negative = _by_stars(rating, rating_max, threshold)
        return {"sentiment": sentiment, "negative": negative, "judge": STARS}
    text = " ".join(part for part in (item.get("title"), item.get("text"), item.get("snippet")) if part)
    return judge_text(text, item.get("language"))


@lru_cache(maxsize=1024)  # a crawl's ratings are a handful of values: judged once each, not once a review
def _by_stars(rating: float, rating_max: float | None, threshold: float) -> tuple[float, bool]:
    """(sentiment, negative) of a rated item."""
    return round(rating_sentiment(rating, rules.rating_scale(rating_max)), 4), rules.negative(rating, rating_max, threshold)


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=None)
def lexicon(language: str) -> Lexicon:
    """The word list for a language: repscan/data/sentiment/<language>.txt plus _common.txt (emoji)."""
    lex = Lexicon(language)
    data = resources.files("repscan.core").joinpath("data", "sentiment")
    if language != "_common":
        _read_lexicon(lex, data.joinpath(f"{language}.txt").read_text(encoding="utf-8"), options=True)
    _read_lexicon(lex, data.joinpath("_common.txt").read_text(encoding="utf-8"), options=False)
    # A phrase that holds its own negator ("nie wieder", "no funciona") is never turned again.
    lex.fixed.update(words for words in (*lex.terms, *lex.prefixes)
                     if len(words) > 1 and any(_is_negator(word, lex) for word in words))
    return lex


def _read_lexicon(lex: Lexicon, source: str, *, options: bool) -> None:
    section = "words"
    after: list[str] = list(lex.negators_after)
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section == "options":
            key, _, value = (part.strip() for part in line.partition("="))
            if key not in _OPTIONS:
                raise ValueError(f"{lex.language}.txt line {number}: unknown option {key!r}")
            if options:
                setattr(lex, key, value.lower() in ("yes", "true", "1"))
            continue
        term, _, value = line.rpartition(" ")
        if section in ("words", "fixed", "boosters"):
            if not term:
                raise ValueError(f"{lex.language}.txt line {number}: expected 'TERM SCORE', got {raw!r}")
            score = float(value)
        else:
            term = line
        term = _normalize(term, lex)
        if section in ("words", "fixed"):
            words = (term,) if lex.unspaced else tuple(term.split())
            if words[-1].endswith("*"):
                words = (*words[:-1], words[-1][:-1])
                lex.prefixes[words] = score
            else:
                lex.terms[words] = score
            if section == "fixed":
                lex.fixed.add(words)
            lex.longest = max(lex.longest, len(words))
        elif section == "boosters":
            lex.boosters[term] = score
        elif section == "negators":
            if term.endswith("*"):
                lex.negator_prefixes.add(term[:-1])
            else:
                lex.negators.add(term)
        elif section == "negators_after":
            after.append(term)
        elif section == "contrast":
            lex.contrast.add(term)
        else:
            raise ValueError(f"{lex.language}.txt line {number}: unknown section [{section}]")
    lex.negators_after = tuple(after)
    if lex.unspaced:
        lex.longest = max(map(len, [*(t[0] for t in lex.terms), *(t[0] for t in lex.prefixes),
                                    *lex.boosters, *lex.contrast]), default=1)


def _normalize(text: str, lex: Lexicon) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    if lex.fold:
        decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
        text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return text


@dataclass
class _Hit:
    start: int
    end: int
    valence: float
    fixed: bool = False
    negated: bool = False


def lexicon_score(text: str, lex: Lexicon) -> float:
    """VADER-style compound score of text against one language's word list."""
    normalized = _normalize(text, lex)
    if lex.unspaced:
        hits, boosts, contrast_at = _scan_unspaced(normalized, lex)
    else:
        hits, boosts, contrast_at = _scan_words(normalized, lex)
    total = 0.0
    for hit in hits:
        if not hit.valence:
            continue
        valence = hit.valence + math.copysign(1.0, hit.valence) * boosts.get(hit.start, 0.0)
        if valence * hit.valence < 0:  # a softener never turns a term into its opposite
            valence = 0.0
        if hit.negated and not hit.fixed:
            valence *= NEGATION_SCALAR
        if contrast_at is not None:
            valence *= CONTRAST_BEFORE if hit.start < contrast_at else CONTRAST_AFTER
        total += valence
    if total:
        total += math.copysign(min(normalized.count("!"), EXCLAMATION_MAX) * EXCLAMATION_BOOST, total)
    score = total / math.sqrt(total * total + NORMALIZE_ALPHA)
    return max(-1.0, min(1.0, score))


def _tokens(text: str, lex: Lexicon) -> list[str]:
    word = r"[^\W\d_]+" if lex.split_apostrophes else r"[^\W\d_]+(?:'[^\W\d_]+)*"
    return re.findall(rf"{_EMOTICON}|{_EMOJI}|{word}|[.!?;,:…]", text)


def _scan_words(text: str, lex: Lexicon) -> tuple[list[_Hit], dict[int, float], int | None]:
    tokens = _tokens(text, lex)
    hits: list[_Hit] = []
    covered: set[int] = set()
    i = 0
    while i < len(tokens):
        match = _match_at(tokens, i, lex)
        if match:
            length, valence, fixed = match
            hits.append(_Hit(i, i + length, valence, fixed))
            covered.update(range(i, i + length))
            i += length
        else:
            i += 1
    negators = [j for j, t in enumerate(tokens) if j not in covered and _is_negator(t, lex)]
    boosts: dict[int, float] = {}
    contrast_at = None
    for j, token in enumerate(tokens):
        if j in covered:
            continue
        if token in lex.contrast:
            contrast_at = j
        elif token in lex.boosters:
            target = next((h for h in hits if 0 < h.start - j <= NEGATION_WINDOW
                           and not _clause_break(tokens, j, h.start)), None)
            if target:
                distance = target.start - j - 1
                boosts[target.start] = boosts.get(target.start, 0.0) + lex.boosters[token] * (1 - 0.05 * distance)
    used: set[int] = set()
    for hit in hits:
        before = [j for j in negators if 0 < hit.start - j <= NEGATION_WINDOW
                  and not _clause_break(tokens, j, hit.start)]
        if before:
            hit.negated = True
            used.update(before)
    for j in negators if lex.trailing_negation else ():
        if j in used:
            continue
        # A trailing negator ("Ich empfehle es nicht") turns the nearest term before it.
        target = next((h for h in reversed(hits) if 0 <= j - h.end < NEGATION_WINDOW
                       and not _clause_break(tokens, h.end - 1, j)), None)
        if target and not target.negated:
            target.negated = True
    return hits, boosts, contrast_at


def _match_at(tokens: list[str], i: int, lex: Lexicon) -> tuple[int, float, bool] | None:
    for length in range(min(lex.longest, len(tokens) - i), 0, -1):
        words = tuple(tokens[i:i + length])
        if words in lex.terms:
            return length, lex.terms[words], words in lex.fixed
        head, last = words[:-1], words[-1]
        for cut in range(len(last), 0, -1):
            key = (*head, last[:cut])
            if key in lex.prefixes:
                return length, lex.prefixes[key], key in lex.fixed
    return None


def _is_negator(token: str, lex: Lexicon) -> bool:
    return token in lex.negators or any(token.startswith(p) for p in lex.negator_prefixes)


def _clause_break(tokens: list[str], start: int, end: int) -> bool:
    return any(tokens[k] in CLAUSE_END for k in range(start + 1, end))


def _scan_unspaced(text: str, lex: Lexicon) -> tuple[list[_Hit], dict[int, float], int | None]:
    hits: list[_Hit] = []
    boosts: dict[int, float] = {}
    contrast_at = None
    last_booster: tuple[int, float] | None = None
    i = 0
    while i < len(text):
        if text[i] in CLAUSE_END:
            last_booster = None
        found = _longest_unspaced(text, i, lex)
        if found is None:
            i += 1
            continue
        kind, length, value = found
        if kind == "term":
            if last_booster and i - last_booster[0] <= BOOSTER_GAP_CHARS:
                boosts[i] = last_booster[1]
            hits.append(_Hit(i, i + length, value, (text[i:i + length],) in lex.fixed))
        elif kind == "booster":
            last_booster = (i + length, value)
        elif kind == "contrast":
            contrast_at = i
        i += length
    for index, hit in enumerate(hits):
        limit = hits[index + 1].start if index + 1 < len(hits) else len(text)
        window = text[hit.end:min(limit, hit.end + SUFFIX_NEGATION_WINDOW)]
        window = _CLAUSE_SPLIT.split(window, maxsplit=1)[0]
        if any(n in window for n in lex.negators_after):
            hit.negated = True
    return hits, boosts, contrast_at


def _longest_unspaced(text: str, i: int, lex: Lexicon) -> tuple[str, int, float] | None:
    for length in range(min(lex.longest, len(text) - i), 0, -1):
        piece = text[i:i + length]
        if (piece,) in lex.terms:
            return "term", length, lex.terms[(piece,)]
        if (piece,) in lex.prefixes:
            return "term", length, lex.prefixes[(piece,)]
        if piece in lex.boosters:
            return "booster", length, lex.boosters[piece]
        if piece in lex.contrast:
            return "contrast", length, 0.0
    return None


def _number(value) -> float | None:
    if value.__class__ is float:  # a normalised item's rating and scale
        return value
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None
