"""Negative or not: from the rating when there is one, else from the text's sentiment."""

from __future__ import annotations

from functools import lru_cache

DEFAULT_THRESHOLD = 0.4  # rating / rating_max at or below 2/5 is negative
TEXT_NEGATIVE_BELOW = -0.05  # VADER's own cut-off for "negative" compound scores
TEXT_LANGUAGES = ("en",)


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def rating_sentiment(rating: float, rating_max: float, rating_min: float = 1.0) -> float:
    """Map a star rating onto -1..1: 1 star is -1, the middle is 0, full marks 1."""
    span = rating_max - rating_min
    if span <= 0:
        return 0.0
    return max(-1.0, min(1.0, 2 * (rating - rating_min) / span - 1))


def text_sentiment(text: str | None, language: str | None = None) -> float | None:
    """VADER compound score (-1..1) for English text; None where we have no model."""
    if not text or not text.strip():
        return None
    if language and language.split("-")[0].lower() not in TEXT_LANGUAGES:
        return None
    return round(_analyzer().polarity_scores(text)["compound"], 4)


def classify(item: dict, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Return {"sentiment": float|None, "negative": bool} for a review, post or snippet."""
    rating = _number(item.get("rating"))
    rating_max = _number(item.get("rating_max")) or 5.0
    if rating is not None and rating_max > 0:
        return {
            "sentiment": round(rating_sentiment(rating, rating_max), 4),
            "negative": rating / rating_max <= threshold + 1e-9,
        }
    text = " ".join(part for part in (item.get("title"), item.get("text"), item.get("snippet")) if part)
    score = text_sentiment(text, item.get("language"))
    return {"sentiment": score, "negative": score is not None and score <= TEXT_NEGATIVE_BELOW}


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None
