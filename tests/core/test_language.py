"""Offline language detection: a code for short review-like text, None where it cannot tell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import ROOT
from repscan.core.language import detect


@pytest.mark.parametrize("language, text", [
    ("en", "The plumber never showed up and nobody called back."),
    ("en", "Lovely staff, great coffee"),
    ("de", "Der Kundendienst hat sich nie wieder gemeldet."),
    ("de", "Wirklich sehr lecker hier"),
    ("fr", "Le livreur était très aimable et ponctuel."),
    ("fr", "Je suis vraiment déçue"),
    ("es", "El hotel estaba sucio y el personal fue grosero."),
    ("es", "Nos atendieron muy bien"),
    ("it", "Il personale è stato cortese e disponibile."),
    ("nl", "De bezorger was vriendelijk en op tijd."),
    ("nl", "Nooit meer hier"),
    ("nl", "Heel slechte service"),
    ("pt", "O hotel estava limpo e o café da manhã ótimo."),
    ("ro", "Livrarea a întârziat o săptămână întreagă."),
    ("ro", "Personalul a fost foarte amabil"),
    ("pl", "Obsługa była bardzo niemiła i powolna."),
    ("uk", "Замовлення привезли вчасно, дякую."),
    ("uk", "Смачна кава і приємний персонал"),
    ("ru", "Заказ привезли вовремя, спасибо."),
    ("ja", "注文した商品が届きません。"),
    ("ja", "とても良いお店です"),
    ("zh", "这家店的服务非常好。"),
    ("ko", "배송이 빨라서 좋았어요."),
    ("tr", "Sipariş zamanında geldi, teşekkürler."),
])
def test_detects_short_review_texts(language, text):
    assert detect(text) == language


@pytest.mark.parametrize("text", [
    None, "", "   \n", "ok", "Super!", "Nie wieder!", "👍👍😡", "12345 !!! ???",
    "https://example.com/review/123", "@someone #fail", "最悪", "asdf qwer zxcv",
])
def test_too_short_or_undecidable_text_gives_none(text):
    assert detect(text) is None


def test_mixed_text_goes_to_the_language_that_carries_it():
    assert detect("Great job! Das Team war pünktlich, freundlich und hat sauber gearbeitet.") == "de"
    assert detect("iPhone 15 Pro を注文しましたが、まだ届いていません。") == "ja"
    assert detect("Check https://example.com — the staff were rude and the room was dirty 😡") == "en"


def test_emoji_and_links_do_not_count_as_words():
    assert detect("👍 👍 👍 https://a.example/b 😡") is None
    assert detect("Tolles Team 👍 https://a.example/b") is None  # two words are not enough


def test_the_model_loads_only_when_first_needed():
    probe = ("import sys, repscan.core.language as l; print('py3langid' in sys.modules); "
             "l.detect('Das ist ein Test hier'); print('py3langid' in sys.modules); "
             "m = l._identifier(); l.detect('Noch ein Satz hier'); print(l._identifier() is m)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
