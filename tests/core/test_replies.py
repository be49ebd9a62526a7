"""Reply drafts: the situation found in our own made-up complaints in every language, the template filled in and fitted."""

from __future__ import annotations

import pytest

from repscan.core.replies import LANGUAGES, SITUATIONS, Policy, TooLong, draft, situation
from repscan.core.replies.drafts import first_name, length
from repscan.core.replies.situations import quote

# Made-up complaints, one per language and situation (none is from a real review).
COMPLAINTS = {
    "en": {"late_delivery": "Ordered the birthday cake for Friday and it was two days late.",
           "rude_staff": "The man at the till was rude and rolled his eyes at my question.",
           "billing": "I was charged twice for one loaf and nobody answers about it.",
           "quality": "The bread was stale and the box was damaged.",
           "no_show": "The fitter never turned up for the appointment we booked."},
    "de": {"late_delivery": "Die Torte kam zwei Tage verspätet an.",
           "rude_staff": "Die Verkäuferin war sehr unfreundlich zu meiner Mutter.",
           "billing": "Mir wurde der Betrag doppelt berechnet, die Rechnung stimmt nicht.",
           "quality": "Das Brot war alt und trocken, die Schachtel kaputt.",
           "no_show": "Der Monteur ist nicht erschienen, obwohl wir den ganzen Tag warteten."},
    "fr": {"late_delivery": "Le gâteau est arrivé avec deux jours de retard.",
           "rude_staff": "La vendeuse a été très désagréable avec nous.",
           "billing": "J'ai été débité deux fois pour la même commande.",
           "quality": "Le pain était froid et la boîte abîmée.",
           "no_show": "Le technicien n'est jamais venu au rendez-vous."},
    "es": {"late_delivery": "El pedido llegó tarde, con dos días de retraso.",
           "rude_staff": "El camarero fue muy maleducado con mi familia.",
           "billing": "Me cobraron dos veces el mismo pedido en la factura.",
           "quality": "El pan estaba frío y la caja rota.",
           "no_show": "El técnico no se presentó a la cita."},
    "it": {"late_delivery": "La torta è arrivata in ritardo di due giorni.",
           "rude_staff": "Il cameriere è stato scortese e maleducato.",
           "billing": "Mi hanno fatto un doppio addebito sulla fattura.",
           "quality": "Il pane era freddo e la scatola rotta.",
           "no_show": "Il tecnico non si è presentato all'appuntamento."},
    "pt": {"late_delivery": "A encomenda chegou atrasada dois dias.",
           "rude_staff": "O empregado foi mal-educado e grosseiro.",
           "billing": "Fui cobrado duas vezes e a fatura está errada.",
           "quality": "O pão estava frio e a caixa partida.",
           "no_show": "O técnico não apareceu à hora marcada."},
    "nl": {"late_delivery": "De taart kwam twee dagen te laat.",
           "rude_staff": "De verkoper was onbeleefd en onvriendelijk.",
           "billing": "Er is dubbel afgeschreven en de factuur klopt niet.",
           "quality": "Het brood was koud en de doos kapot.",
           "no_show": "De monteur kwam niet en er belde niemand."},
    "pl": {"late_delivery": "Tort dotarł z dwudniowym opóźnieniem.",
           "rude_staff": "Sprzedawczyni była niegrzeczna i opryskliwa.",
           "billing": "Pobrano dwa razy za to samo zamówienie, faktura się nie zgadza.",
           "quality": "Chleb był zimny, a pudełko uszkodzone.",
           "no_show": "Monter nie przyszedł na umówioną wizytę."},
    "ro": {"late_delivery": "Tortul a întârziat două zile.",
           "rude_staff": "Vânzătorul a fost nepoliticos cu noi.",
           "billing": "Am fost taxat de două ori, factura e greșită.",
           "quality": "Pâinea era rece și cutia stricată.",
           "no_show": "Tehnicianul nu a venit la programare."},
    "uk": {"late_delivery": "Торт привезли із запізненням на два дні.",
           "rude_staff": "Продавчиня була груба й неввічлива.",
           "billing": "З картки списали двічі за одне замовлення.",
           "quality": "Хліб був холодний, а коробка зламана.",
           "no_show": "Майстер не прийшов у призначений час."},
    "ru": {"late_delivery": "Торт доставили с опозданием на два дня.",
           "rude_staff": "Продавец был груб и невежлив.",
           "billing": "С карты списали дважды за один заказ.",
           "quality": "Хлеб был холодный, коробка сломана.",
           "no_show": "Мастер не пришёл в назначенное время."},
    "ja": {"late_delivery": "ケーキの配達が二日も遅れました。",
           "rude_staff": "店員の態度が悪くて失礼でした。",
           "billing": "同じ注文で二重に請求されました。",
           "quality": "パンが冷たくて箱が壊れていました。",
           "no_show": "修理の人が予約の日に来なかった。"},
}
# A word each language's draft uses only when it offers a refund (checked absent unless the config allows one).
REFUND = {"en": "refund", "de": "erstatte", "fr": "rembours", "es": "devolver", "it": "rimbors",
          "pt": "reembols", "nl": "terug", "pl": "oddamy", "ro": "înapoi",
          "uk": "повернемо кошти", "ru": "вернём деньги", "ja": "返金"}
# A phrase of each language's thanks, so a draft is known to be in the customer's language.
THANKS = {"en": "thank you", "de": "danke", "fr": "merci", "es": "gracias", "it": "grazie", "pt": "obrigado",
          "nl": "bedankt", "pl": "dziękujemy", "ro": "mulțumim", "uk": "дякуємо", "ru": "спасибо", "ja": "ありがとう"}
POLICY = Policy("Harbour Lane Bakery", contact="01632 960 123")


def test_every_language_has_every_situation():
    assert set(COMPLAINTS) == set(LANGUAGES) >= {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ro", "uk", "ru", "ja"}
    assert all(set(cases) == set(SITUATIONS) - {"general"} for cases in COMPLAINTS.values())


@pytest.mark.parametrize("lang", sorted(COMPLAINTS))
def test_the_situation_is_found_and_the_draft_follows_the_advice(lang):
    for expected, text in COMPLAINTS[lang].items():
        assert situation(text, lang) == expected, (lang, text)
        made = draft(text, author="Maren Holt", stored_language=lang, source="trustpilot", policy=POLICY)
        assert (made.language, made.situation) == (lang, expected)
        body = made.text.lower()
        assert THANKS[lang] in body and "maren" in body  # thanks, by name
        assert quote(text, lang).lower().rstrip("…") in body  # apologises for what they said went wrong
        assert "01632 960 123" in made.text  # takes it offline on the client's channel
        assert REFUND[lang] not in body  # the config allows no refund
        assert made.text.endswith("Harbour Lane Bakery")
        tweet = draft(text, author="Maren Holt", stored_language=lang, source="twitter", policy=POLICY)
        assert length(tweet.text, "twitter") <= 280 and "01632 960 123" in tweet.text


@pytest.mark.parametrize("lang", sorted(COMPLAINTS))
def test_a_refund_is_offered_only_where_the_config_allows_it(lang):
    generous = Policy("Harbour Lane Bakery", contact="01632 960 123", refunds=True)
    for kind in ("billing", "quality"):
        text = COMPLAINTS[lang][kind]
        assert REFUND[lang] in draft(text, stored_language=lang, policy=generous).text.lower()
        assert REFUND[lang] not in draft(text, stored_language=lang, policy=POLICY).text.lower()


def test_no_phrase_is_general_and_a_word_inside_another_is_no_phrase():
    assert situation("Chocolate croissants, translated menu, nothing else to say.", "en") == "general"
    assert situation("I will write more later, or maybe not.", "en") == "general"  # "late$" ends a word
    assert situation("Way too expensive for a small repair.", "en") == "general"  # an opinion, no disputed charge
    assert situation("アプリが頻繁にフリーズして使えない。", "ja") == "quality"
    made = draft("Not what I hoped for at all.", author=None, stored_language="en", policy=Policy("Acme"))
    assert made.situation == "general" and made.text.startswith("Thank you for telling us.")
    assert "private message" not in made.text and "get in touch with us directly" in made.text  # no contact, no DMs


def test_the_language_is_detected_when_not_stored_and_unknown_ones_get_english():
    assert draft("Die Lieferung kam viel zu spät und niemand rief zurück.", policy=POLICY).language == "de"
    assert draft("Dostava je kasnila dva tjedna, jako loše.", stored_language="hr", policy=POLICY).language == "en"


def test_a_long_complaint_is_quoted_briefly_and_the_tweet_drops_what_does_not_fit():
    long_text = ("The delivery was late, " + "and then it got even worse, " * 10) + "never again."
    made = draft(long_text, stored_language="en", source="twitter",
                 policy=Policy("A Business With A Rather Long Name Indeed Ltd", contact="complaints@long-name.example"))
    assert len(made.text) <= 280 and "…" in made.text


def test_the_agencys_own_template_wins_and_a_missing_one_falls_back(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "late_delivery.txt").write_text("Sorry {{ name }}, we were slow. Call {{ contact }}.\n")
    (tmp_path / "en" / "rude_staff.txt").write_text("{{ business }} " + "x" * 300)
    own = Policy("Acme", contact="0800 000", templates=tmp_path)
    assert draft("It came late.", author="Ola", stored_language="en", policy=own).text == "Sorry Ola, we were slow. Call 0800 000."
    assert draft("The bill was wrong.", stored_language="en", policy=own).text.startswith("Thank you")
    assert draft("The staff were rude.", stored_language="en", policy=own).text.startswith("Acme xxx")
    with pytest.raises(TooLong, match="twitter allows 280"):
        draft("The staff were rude.", stored_language="en", source="twitter", policy=own)


@pytest.mark.parametrize("author, expected", [("Maren Holt", "Maren"), ("@maren_h", None), ("J.", None),
                                              ("Anonymous", None), ("user12345", None), (None, None),
                                              ("Олена К.", "Олена")])
def test_the_greeting_uses_a_plain_first_name_only(author, expected):
    assert first_name(author) == expected


def test_x_counts_cjk_double_and_links_as_23():
    assert length("Merci, désolé — Привет", "twitter") == len("Merci, désolé — Привет")
    assert length("遅れて申し訳ございません", "twitter") == 24 and length("遅れて申し訳ございません", "trustpilot") == 12
    assert length("Write to https://hlb.example/a-very-long-path-indeed/contact now", "twitter") == 9 + 23 + 4
    assert length("See acme.com or mail sam@acme.com", "twitter") == 4 + 23 + len(" or mail sam@acme.com")
    long_ja = "配達が遅れました。" + "本当にひどい経験で、二度と注文しません。" * 8
    made = draft(long_ja, author="Sato", stored_language="ja", source="twitter",
                 policy=Policy("港のパン屋 ハーバーレーン・ベーカリー本店", contact="0120-000-000"))
    assert 140 < length(made.text, "twitter") <= 280 and len(made.text) < 141


def test_a_bad_agency_template_is_one_items_error_never_the_end_of_drafting(tmp_path):
    # An agency's template saved as cp1252: config check names it; drafting records a reason and goes on.
    from repscan.core.replies.drafts import template_problems

    folder = tmp_path / "agency"
    (folder / "fr").mkdir(parents=True)
    (folder / "fr" / "general.txt").write_bytes("Merci, nous sommes désolés.".encode("cp1252"))
    [(level, why)] = template_problems(folder)
    assert level == "error" and why.startswith("fr/general.txt: not UTF-8")


def test_no_draft_for_a_news_page_or_the_clients_own_post(tmp_path):
    # A reply is written under a thread: a news page from an alerts feed, or the client's own post, gets none.
    from repscan.core.config import load
    from repscan.core.items import make, utcnow
    from repscan.core.replies.pending import draft_open
    from repscan.core.store import Store
    from repscan.app.configfile import write_config

    config = load(write_config(tmp_path / "repscan.toml", agency={"name": "A", "sender": "r@agency.example"}, clients=[{
        "id": "acme", "name": "Acme Bakery", "recipients": ["o@acme.example"],
        "sources": [{"site": "reddit", "url": "https://www.reddit.com/search.rss?q=acme"}]}]))
    now = utcnow()
    store = Store(config.database)
    text, judged = "Acme Bakery was fined after a hygiene inspection and stays shut.", {"negative": 1, "sentiment": -0.9}
    store.save_items("acme", [
        {**make("post", source="feed", source_id="news", url="https://www.southseanews.example/acme-fined",
                text=text), **judged},
        {**make("post", source="feed", source_id="thread", url="https://www.reddit.com/r/x/comments/1", text=text),
         **judged},
        {**make("post", source="reddit", source_id="own", url="https://www.reddit.com/r/x/comments/2",
                author="Acme Bakery", text=text), **judged}], seen_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    drafted = draft_open(config, config.client("acme"), store, now)
    assert not drafted.errors and [r["source_id"] for r in store.replies("acme")] == ["thread"]
