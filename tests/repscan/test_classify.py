"""Negative from the rating when there is one, else from English text sentiment."""

from __future__ import annotations

import pytest

from repscan.classify import classify, rating_sentiment


@pytest.mark.parametrize("rating, rating_max, negative", [
    (1, 5, True), (2, 5, True), (3, 5, False), (5, 5, False), (4, 10, True), (5, 10, False), ("2,0", 5, True),
])
def test_rated_items_use_the_rating(rating, rating_max, negative):
    assert classify({"rating": rating, "rating_max": rating_max, "text": "Wonderful!"})["negative"] is negative


def test_threshold_is_configurable():
    assert classify({"rating": 3, "rating_max": 5}, threshold=0.6)["negative"] is True
    assert classify({"rating": 3, "rating_max": 5})["negative"] is False


def test_rating_sentiment_spans_minus_one_to_one():
    assert rating_sentiment(1, 5) == -1 and rating_sentiment(3, 5) == 0 and rating_sentiment(5, 5) == 1


def test_unrated_english_text_uses_sentiment():
    bad = classify({"text": "Terrible service, rude staff and they ruined my kitchen. Avoid!"})
    good = classify({"text": "Lovely people, great work, highly recommended."})
    assert bad["negative"] is True and bad["sentiment"] < -0.5
    assert good["negative"] is False and good["sentiment"] > 0.5


def test_languages_without_a_model_are_not_guessed():
    result = classify({"text": "Schrecklicher Service, nie wieder!", "language": "de"})
    assert result == {"sentiment": None, "negative": False}
    assert classify({"text": ""}) == {"sentiment": None, "negative": False}
