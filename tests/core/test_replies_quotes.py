"""Reply drafts quote only a real complaint and name no one: no sentence that says nothing is wrong, no staff name
opening a sentence, the client's own name and brands are no person's, a denied phrase ("not rude at all") counts for
nothing, an opinion of the price is no disputed charge, and a delivery that never came is never called late."""

from __future__ import annotations

import re

import pytest

from repscan.core.replies import LANGUAGES, Policy, draft, situation
from repscan.core.replies.drafts import render

# All made-up: the client, its people and its customers.
CLIENT = Policy("Kettle & Crumb", refunds=True)


def made(text: str, lang: str, policy: Policy = CLIENT):
    return draft(text, stored_language=lang, source="trustpilot", policy=policy)


# The client's own name, an alias from its config and a delivery brand are no person's: the sentence is quoted.
def test_the_clients_names_and_brands_do_not_stop_the_quote():
    client = Policy("Kettle & Crumb", names=("Crumbs Bakehouse", "@kettlecrumb"))
    for text in ("My order from Kettle & Crumb never arrived.", "The order from Crumbs Bakehouse never arrived.",
                 "Ordered through Deliveroo and it never arrived."):
        reply = made(text, "en", client)
        assert reply.situation == "late_delivery" and f"“{text.rstrip('.')}”" in reply.text, reply.text


def test_a_config_alias_reaches_the_draft_through_the_store(tmp_path):
    from repscan.app.configfile import write_config
    from repscan.core.config import load
    from repscan.core.items import make, utcnow
    from repscan.core.replies.pending import draft_open
    from repscan.core.store import Store

    config = load(write_config(tmp_path / "repscan.toml", agency={"name": "A", "sender": "r@agency.example"}, clients=[{
        "id": "kc", "name": "Kettle & Crumb", "aliases": ["Crumbs Bakehouse"], "recipients": ["o@kc.example"],
        "sources": [{"site": "trustpilot", "url": "https://www.trustpilot.com/review/kc.example"}]}]))
    store = Store(config.database)
    now = utcnow()
    store.save_items("kc", [make("review", source="trustpilot", source_id="r1", url="https://t.example/r1", rating=1,
                                 text="The cake from Crumbs Bakehouse never arrived.", language="en")],
                     seen_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert not draft_open(config, config.client("kc"), store, now).errors
    [row] = store.replies("kc")
    assert "“The cake from Crumbs Bakehouse never arrived”" in row["text"], row["text"]


# What each language's late-delivery draft must not say when it quotes nothing: that the order came late.
LATE = {"en": r"\blate\b", "de": "spät", "fr": "retard", "es": "tarde|retras", "it": "ritardo", "pt": "atras",
        "nl": "te laat", "pl": "opóźn", "ro": "întârzi", "uk": "запізн|затрим", "ru": "задерж|опозд", "ja": "遅れ"}


def test_every_language_is_tested_for_its_late_delivery_fallback():
    assert set(LATE) == set(LANGUAGES)


@pytest.mark.parametrize("lang", sorted(LATE))
def test_a_late_delivery_draft_without_a_quote_is_true_when_the_order_never_came(lang):
    text = render(CLIENT, lang, "late_delivery", "trustpilot", name=None, quote=None, short=False)
    assert not re.search(LATE[lang], text, re.IGNORECASE), text


def test_a_french_order_that_never_came_is_not_called_late():
    reply = made("Commande jamais arrivée, Marc ne répond pas.", "fr")
    assert reply.situation == "late_delivery" and "Marc" not in reply.text and "retard" not in reply.text


# What no draft may say: a money word that says nothing is wrong ("The price was ok") beside the real complaint whose
# sentence names a person, and a staff member's name opening the sentence; the draft names the situation instead.
NOT_SAID = [
    ("en", "The price was ok. I was overcharged by @kettle_mgr on the card.", "billing", "price"),
    ("en", "I was charged twice by John Smith at the till. The price itself was fair.", "billing", "price"),
    ("de", "Der Preis war in Ordnung. Herr Brandt hat alles doppelt berechnet.", "billing", "Preis"),
    ("fr", "Le prix était correct. Pierre Dubois m'a surfacturé la livraison.", "billing", "prix"),
    ("en", "Mike was rude to us.", "rude_staff", "Mike"),
    ("en", "Sarah at the front desk was rude and dismissive.", "rude_staff", "Sarah"),
    ("en", "Bill was rude to my wife.", "rude_staff", "Bill"),
    ("en", "Manuel at the counter was very rude.", "rude_staff", "Manuel"),
    ("de", "Müller war sehr unfreundlich zu uns.", "rude_staff", "Müller"),
    ("fr", "Marie était très désagréable.", "rude_staff", "Marie"),
    ("es", "Pedro fue muy grosero con nosotros.", "rude_staff", "Pedro"),
    ("ja", "店員の田中が失礼だった。", "rude_staff", "田中"),
]


@pytest.mark.parametrize("lang, text, expected, unsaid", NOT_SAID)
def test_no_sentence_saying_nothing_is_wrong_and_no_name_opening_one_is_quoted(lang, text, expected, unsaid):
    reply = made(text, lang)
    assert reply.situation == expected and unsaid not in reply.text, reply.text


def test_a_rude_staff_sentence_opening_with_an_article_or_a_word_for_staff_is_still_quoted():
    for lang, text in (("en", "The waiter was rude to us."), ("en", "Staff were rude and dismissive."),
                       ("pl", "Kelner był niegrzeczny."), ("ru", "Официант был груб."),
                       ("en", "Kettle & Crumb staff were rude.")):
        assert f"{text.rstrip('.')}" in made(text, lang).text, text


# A phrase the customer denies ("not rude at all") is no complaint; the real one decides and is quoted.
DENIED = [
    ("en", "The staff were lovely, not rude at all. The soup was cold.", "quality", "The soup was cold"),
    ("en", "Not late at all, arrived early! But the cake was stale.", "quality", "But the cake was stale"),
    ("en", "It wasn't late. The box was damaged.", "quality", "The box was damaged"),
    ("de", "Der Fahrer war nicht unfreundlich. Die Suppe war kalt.", "quality", "Die Suppe war kalt"),
    ("fr", "Le livreur n'était pas en retard. Le pain était froid.", "quality", "Le pain était froid"),
    ("es", "No llegó tarde. El pan estaba frío.", "quality", "El pan estaba frío"),
    ("ru", "Курьер не опоздал. Хлеб был холодный.", "quality", "Хлеб был холодный"),
    ("uk", "Кур'єр не запізнився. Хліб був холодний.", "quality", "Хліб був холодний"),
]


@pytest.mark.parametrize("lang, text, expected, said", DENIED)
def test_a_denied_phrase_counts_for_nothing_and_is_never_quoted(lang, text, expected, said):
    reply, denied = made(text, lang), re.split(r"[.!]", text)[0]
    assert (reply.situation, situation(text, lang)) == (expected, expected) and said in reply.text, reply.text
    assert denied not in reply.text


def test_a_refund_not_given_and_a_negative_phrase_after_a_negation_are_still_complaints():
    assert situation("They gave me no refund and never answered.", "en") == "billing"
    for lang, text, expected in (("it", "Il pacco non è mai arrivato.", "late_delivery"),
                                 ("it", "Il tecnico non è mai venuto.", "no_show"),
                                 ("fr", "Le colis ne m'est jamais arrivé.", "late_delivery"),
                                 ("pl", "Paczka nigdy nie dotarła.", "late_delivery")):
        assert situation(text, lang) == expected, text


# An opinion of the price alone gets the general draft, no promise to check a charge; beside a charge it is billing.
PRICE_OPINIONS = [
    ("en", "Way too expensive for what you get."), ("en", "Overpriced and a total rip-off."),
    ("de", "Völlig überteuert, reine Abzocke."), ("fr", "Hors de prix, une vraie arnaque."),
    ("es", "Carísimo, un timo."),
]


@pytest.mark.parametrize("lang, text", PRICE_OPINIONS)
def test_an_opinion_of_the_price_is_no_disputed_charge(lang, text):
    assert made(text, lang).situation == "general"


def test_an_opinion_of_the_price_beside_a_charge_is_billing():
    assert situation("Way too expensive, and they charged me twice.", "en") == "billing"
    assert situation("Überteuert, und die Rechnung war falsch.", "de") == "billing"


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "Never again, rude staff.", "rude_staff"),
    ("en", "Not good. Rude staff.", "rude_staff"),
    ("en", "Not happy. Rude waiter shouted at us.", "rude_staff"),
    ("pl", "Nie polecam. Zimne jedzenie.", "quality"),
])
def test_a_negation_in_the_sentence_or_clause_before_denies_nothing(lang, text, expected):
    assert situation(text, lang) == expected
