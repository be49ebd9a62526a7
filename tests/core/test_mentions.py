"""mentions(): a client's name, aliases and handles as whole words, in any case, accent, width or script."""

from __future__ import annotations

import pytest

from repscan.core.mentions import mentions

NAMES = ["Acme Plumbing", "Acme Plumbing Ltd", "@acmeplumbing"]


@pytest.mark.parametrize("text", [
    "Acme Plumbing fixed our boiler",
    "acme plumbing's van was parked on the pavement again",
    "Called ACME PLUMBING at 7am",
    "acme  plumbing\nnever called back",
    "Acme-Plumbing did a great job",
    "(Acme Plumbing) was late",
    "thanks @AcmePlumbing!",
    "#acmeplumbing never again",
    "great job, @acmeplumbing.",
    "Acme Plumbing’s quote was fair",  # typographic apostrophe
])
def test_mentioned(text):
    assert mentions(text, NAMES)


@pytest.mark.parametrize("text", [
    "Acmeplumbingsupply sells pipes",
    "AcmePlumbing is one word here",  # a handle needs its @ or #
    "Acme Plumbingworks is another firm",
    "NotAcme Plumbing",
    "write to bob@acmeplumbing.example",
    "@acmeplumbingsupply posted",
    "Acme did the plumbing",
    "",
])
def test_not_mentioned(text):
    assert not mentions(text, NAMES)


@pytest.mark.parametrize("text, names", [
    ("Best pastries at CAFÉ ROUGE", ["Café Rouge"]),
    ("best pastries at Cafe Rouge", ["Café Rouge"]),  # accents are optional
    ("Ștefan a lăudat Brutăria Țărănească", ["Brutaria Taraneasca"]),
    ("Пекарня «Гавань» знову відкрита", ["Гавань"]),
    ("昨日ハーバーレーンのパンを買った", ["ハーバーレーン"]),  # no spaces to find in Japanese
    ("ＡＣＭＥ　Ｐｌｕｍｂｉｎｇ", ["Acme Plumbing"]),  # full-width letters and space
    ("STRAßE BAU did it", ["Strasse Bau"]),
])
def test_unicode(text, names):
    assert mentions(text, names)


def test_cyrillic_needs_whole_words():
    assert not mentions("Гаваньський порт", ["Гавань"])


@pytest.mark.parametrize("names", [[], [""], ["  "], ["@"], [None]])
def test_no_usable_names_mention_nothing(names):
    assert not mentions("Acme Plumbing", names)


def test_regex_characters_in_names_are_literal():
    assert mentions("We love C++ Bakery (really)", ["C++ Bakery"])
    assert not mentions("We love C Bakery", ["C++ Bakery"])
    assert mentions("Price was $5.99 at A.B. Foods", ["A.B. Foods"])
    assert not mentions("AxB Foods", ["A.B. Foods"])
