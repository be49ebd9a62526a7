"""Reply drafts say nothing untrue and nothing private: no invented billing issue, no customer's data quoted in public,
the customer's language whatever region its tag names, and no private message asked for where none can be sent."""

from __future__ import annotations

import re

import pytest

from repscan.core import sites
from repscan.core.items import make, normalise
from repscan.core.language import code
from repscan.core.replies import LANGUAGES, SITUATIONS, Policy, draft, situation
from repscan.core.replies.drafts import render

# Made-up complaints (no real review): money named in passing, or a name that is a word for money, beside the
# real trouble; the draft must be about the trouble. Then one that is about a wrong charge.
NOT_BILLING = {
    "en": [("I called Bill three times about the leaking roof.", "quality"),
           ("Food was cold and the price was high.", "quality"),
           ("The person in charge was rude to my wife.", "rude_staff"),
           ("It cost us a whole day: the fitter never turned up.", "no_show")],
    "de": [("Das Essen war kalt und der Preis hoch.", "quality"),
           ("Preiswert, aber die Lieferung kam zwei Tage zu spät.", "late_delivery")],
    "fr": [("Le pain était froid et le prix élevé.", "quality")],
    "es": [("La comida estaba fría y el precio alto.", "quality")],
    "ro": [("Am plătit și mâncarea era rece.", "quality")],
    "uk": [("Їжа була холодна, а ціна висока.", "quality"),
           ("За рахунок знижки взяли, а кур'єр запізнився на дві години.", "late_delivery")],
    "ru": [("Еда была холодная, а цена высокая.", "quality"),
           ("Счетчик воды поставили, но мастер был груб.", "rude_staff")],
}
BILLING = {
    "en": "They charged me twice and the price on the invoice was wrong.",
    "de": "Die Rechnung war falsch, der Preis doppelt berechnet.",
    "fr": "La facture était fausse, on m'a surfacturé.",
    "es": "Me cobraron dos veces, la factura está mal.",
    "ro": "Am fost taxat de două ori pe factură.",
    "uk": "Списали двічі, переплата за замовлення.",
    "ru": "Списали дважды, переплата за заказ.",
}
REFUNDS = Policy("Harbour Lane Bakery", contact="01632 960 123", refunds=True)


@pytest.mark.parametrize("lang", sorted(NOT_BILLING))
def test_money_named_in_passing_is_no_billing_issue(lang):
    for text, expected in NOT_BILLING[lang]:
        assert situation(text, lang) == expected, (lang, text)
        assert draft(text, stored_language=lang, policy=REFUNDS).situation == expected
    assert situation(BILLING[lang], lang) == "billing", BILLING[lang]


def test_a_name_that_is_a_word_for_money_gets_no_refund_offer():
    made = draft("I called Bill three times about the leaking roof.", stored_language="en", source="google-business",
                 policy=REFUNDS)
    assert made.situation == "quality" and "charge" not in made.text and "bill" not in made.text.lower()


# Made-up complaints carrying a person's data; what no public reply may repeat.
PERSONAL = [
    ("en", "The technician John Smith (phone 0176 1234567) never showed up.", ["John", "Smith", "0176", "1234567"]),
    ("en", "Write to sam.miller@mail.example, the order was two weeks late!", ["sam.miller", "mail.example"]),
    ("en", "@harbourbakery your driver @tom_b was rude to my mum", ["@tom_b", "tom_b", "@harbourbakery"]),
    ("en", "The cake arrived late, see https://photos.example/cake123 for proof.", ["photos.example", "https"]),
    ("en", "Olivia never showed up. I phoned Olivia twice.", ["Olivia"]),
    ("de", "Der Techniker Hans Meier ist nie erschienen.", ["Hans", "Meier"]),
    ("de", "Herr Brandt war sehr unfreundlich zu uns.", ["Brandt"]),
    ("fr", "Le livreur Pierre était très impoli, appelez le 06 12 34 56 78.", ["Pierre", "06 12 34 56 78"]),
    ("uk", "Майстер Олег Коваль не прийшов.", ["Олег", "Коваль"]),
    ("ru", "Курьер Иван был груб, пишите ivan.k@mail.example.", ["Иван", "ivan.k"]),
    ("ja", "担当の田中さんが来なかった。", ["田中"]),
]


@pytest.mark.parametrize("lang, text, private", PERSONAL, ids=[f"{p[0]}-{i}" for i, p in enumerate(PERSONAL)])
@pytest.mark.parametrize("source", ["google-business", "twitter"])
def test_no_draft_repeats_a_persons_data_in_public(lang, text, private, source):
    made = draft(text, author="Maren Holt", stored_language=lang, source=source, policy=Policy("Harbour Lane Bakery"))
    assert made.situation != "general", text  # the situation is still found: the draft names it in its own words
    assert not [word for word in private if word in made.text], made.text


def test_a_clean_sentence_is_still_quoted_and_an_x_replys_addressees_are_dropped():
    made = draft("@harbourbakery the cake arrived three days late. Never again", stored_language="en",
                 source="twitter", policy=Policy("Harbour Lane Bakery"))
    assert "“the cake arrived three days late”" in made.text and "@" not in made.text
    made = draft("Olivia was lovely. The bread was stale and the box damaged.", stored_language="en",
                 policy=Policy("Harbour Lane Bakery"))
    assert "“The bread was stale and the box damaged”" in made.text and "Olivia" not in made.text


@pytest.mark.parametrize("tag, expected", [("de-DE", "de"), ("de_DE", "de"), ("DE", "de"), (" en-us ", "en"),
                                           ("zh-Hant-TW", "zh"), ("fil", "fil"), ("x-default", None), ("und", None),
                                           ("English", None), ("", None), (None, None)])
def test_a_language_tag_is_kept_as_its_primary_subtag(tag, expected):
    assert code(tag) == expected


def test_the_item_contract_stores_the_primary_subtag_and_detects_what_names_no_language():
    text = "Die Lieferung kam zwei Tage zu spät und niemand hat angerufen."
    for tag in ("de-DE", "de_DE", "DE"):
        notes: list[str] = []
        assert normalise(make("review", source="jsonld", source_id="1", text=text, language=tag), notes)["language"] \
            == "de" and notes == []
    notes = []
    assert normalise({"kind": "review", "source": "jsonld", "source_id": "1", "text": text, "language": "x-default"},
                     notes)["language"] == "de"
    assert notes == ["language 'x-default' is not a language tag; detected from the text instead"]


@pytest.mark.parametrize("tag", ["de-DE", "de_DE", "DE", "de"])
def test_a_tag_with_a_region_gets_a_draft_and_a_score_in_its_language(tag):
    from repscan.core.classify import text_sentiment

    text = "Die Verkäuferin war sehr unfreundlich zu meiner Mutter."
    made = draft(text, stored_language=tag, policy=Policy("Harbour Lane Bakery"))
    assert (made.language, made.situation) == ("de", "rude_staff") and made.text.startswith("Danke")
    assert text_sentiment(text, tag) == text_sentiment(text, "de")


def test_a_row_stored_with_a_region_before_the_rule_still_gets_its_languages_draft(tmp_path):
    # Rows stored before language tags were normalised keep "de-DE": drafting normalises on read.
    from repscan.app.configfile import write_config
    from repscan.core.config import load
    from repscan.core.items import utcnow
    from repscan.core.replies.pending import draft_open
    from repscan.core.store import Store

    config = load(write_config(tmp_path / "repscan.toml", agency={"name": "A", "sender": "r@agency.example"}, clients=[{
        "id": "acme", "name": "Acme Bakery", "recipients": ["o@acme.example"],
        "sources": [{"site": "trustpilot", "url": "https://www.trustpilot.com/review/acme.example"}]}]))
    store = Store(config.database)
    now = utcnow()
    store.save_items("acme", [make("review", source="trustpilot", source_id="r1", url="https://t.example/r1",
                                   rating=1, text="Die Torte kam zwei Tage verspätet an.", language="de")],
                     seen_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    store._db.execute("UPDATE reviews SET language = 'de-DE'")
    drafted = draft_open(config, config.client("acme"), store, now)
    [row] = store.replies("acme")
    assert not drafted.errors and (row["language"], row["situation"]) == ("de", "late_delivery")
    assert row["text"].startswith("Danke") and "private Nachricht" not in row["text"]


PRIVATE = sorted(key for key, site in sites.SITES.items() if site.private_messages)
CLOSED = ["google-business", "google-maps", "trustpilot", "tripadvisor", "appstore", "googleplay"]


def test_the_channels_with_private_messages_are_the_social_ones():
    assert PRIVATE == ["facebook", "facebook-graph", "reddit", "twitter", "yelp", "yelp-api"]
    assert not set(CLOSED) & set(PRIVATE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_a_contact_a_private_message_is_asked_for_only_where_one_can_be_sent(lang):
    bare = Policy("Harbour Lane Bakery")
    for kind in SITUATIONS:
        dm = render(bare, lang, kind, "facebook", name=None, quote=None, short=False)
        assert render(bare, lang, kind, "twitter", name=None, quote=None, short=False) == dm
        for closed in CLOSED:
            direct = render(bare, lang, kind, closed, name=None, quote=None, short=False)
            assert direct != dm, (lang, kind, closed)
            assert not re.search(r"private|privat|privé|личн|особист|ダイレクト", direct, re.IGNORECASE), direct
        called = Policy("Harbour Lane Bakery", contact="01632 960 123")
        assert all("01632 960 123" in render(called, lang, kind, source, name=None, quote=None, short=False)
                   for source in ("facebook", "trustpilot"))
