"""Negative from the rating when there is one, else from the text's sentiment in its language."""

from __future__ import annotations

import pytest

from repscan.core.classify import (
    LEXICON_LANGUAGES, TEXT_LANGUAGES, Lexicon, _read_lexicon, classify, lexicon, lexicon_score, rating_sentiment,
    text_sentiment,
)


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
    result = classify({"text": "Berbat bir hizmet, bir daha asla gelmem!", "language": "tr"})
    unjudged = {"sentiment": None, "negative": False, "judge": "word lists"}
    assert result == unjudged
    assert classify({"text": "服务太差了，我再也不会来了。"}) == unjudged
    assert classify({"text": ""}) == {**unjudged, "judge": None}


def test_covered_languages():
    assert set(TEXT_LANGUAGES) >= {"en", "de", "fr", "es", "ro", "uk", "ja"}
    assert "tr" not in TEXT_LANGUAGES and "zh" not in TEXT_LANGUAGES
    for language in LEXICON_LANGUAGES:
        assert len(lexicon(language).terms) + len(lexicon(language).prefixes) > 100, language


NEGATIVE = [
    ("de", "Schrecklicher Service, nie wieder!"),
    ("de", "Das Essen war kalt und der Kellner unfreundlich."),
    ("fr", "Très déçu, la commande est arrivée cassée."),
    ("fr", "Une arnaque, je ne recommande pas du tout."),
    ("es", "Pésimo servicio, no lo recomiendo."),
    ("es", "La habitación estaba sucia y el personal fue grosero."),
    ("it", "Pessima esperienza, personale scortese."),
    ("pt", "Péssimo atendimento, nunca mais volto."),
    ("nl", "Slechte service en onvriendelijk personeel."),
    ("ro", "Bătaie de joc, nu recomand nimănui."),
    ("ro", "Mancarea a venit rece si personalul a fost nepoliticos."),
    ("pl", "Nie polecam, obsługa była niemiła."),
    ("uk", "Жахливе обслуговування, більше ніколи не прийду."),
    ("uk", "Персонал грубий, їжа холодна."),
    ("ru", "Ужасный сервис, деньги так и не вернули."),
    ("ja", "料理が冷めていて最悪でした。"),
    ("ja", "アプリがすぐ落ちて使えない。"),
]
POSITIVE = [
    ("de", "Sehr freundliches Personal, absolut empfehlenswert!"),
    ("de", "Alles bestens, gerne wieder."),
    ("fr", "Service impeccable, je recommande vivement."),
    ("es", "Todo perfecto, muy amables. ¡Gracias!"),
    ("it", "Servizio ottimo e personale gentilissimo."),
    ("pt", "Atendimento excelente, recomendo muito."),
    ("nl", "Echt een aanrader, alles was perfect."),
    ("ro", "Servicii excelente, recomand cu încredere."),
    ("pl", "Wszystko super, bardzo miła obsługa, polecam!"),
    ("uk", "Дуже привітний персонал, рекомендую."),
    ("ru", "Всё отлично, спасибо большое!"),
    ("ja", "店員さんがとても親切で、料理も美味しかったです。"),
]


@pytest.mark.parametrize("language, text", NEGATIVE)
def test_negative_text_per_language(language, text):
    result = classify({"text": text, "language": language})
    assert result["negative"] is True and result["sentiment"] < -0.3


@pytest.mark.parametrize("language, text", POSITIVE)
def test_positive_text_per_language(language, text):
    result = classify({"text": text, "language": language})
    assert result["negative"] is False and result["sentiment"] > 0.3


@pytest.mark.parametrize("language, negated, plain", [
    ("en", "The food was not good.", "The food was good."),
    ("de", "Das Essen war nicht gut.", "Das Essen war gut."),
    ("de", "Ich empfehle diese Firma nicht.", "Ich empfehle diese Firma."),
    ("fr", "Ce n'est pas bon.", "C'est bon."),
    ("es", "No me gustó.", "Me gustó."),
    ("ro", "Nu este bun.", "Este bun."),
    ("uk", "Не рекомендую.", "Рекомендую."),
    ("ja", "美味しくなかった。", "美味しかった。"),
    ("ja", "おすすめしません。", "おすすめです。"),
])
def test_negation_turns_praise_negative(language, negated, plain):
    assert text_sentiment(plain, language) > 0
    assert classify({"text": negated, "language": language})["negative"] is True


@pytest.mark.parametrize("language, text", [
    ("en", "Not bad at all."),
    ("de", "Nicht schlecht."),
    ("fr", "Pas mal du tout."),
    ("es", "No está mal."),
    ("it", "Non male."),
    ("ro", "Nu e rău deloc."),
    ("pl", "Nie jest źle."),
    ("uk", "Не погано."),
    ("ru", "Неплохо."),
    ("ja", "悪くないです。"),
    ("ja", "問題なく使えています。"),
])
def test_negated_complaint_is_not_negative(language, text):
    result = classify({"text": text, "language": language})
    assert result["negative"] is False and result["sentiment"] > 0


def test_idioms_that_carry_their_own_negation_are_not_turned_back():
    assert classify({"text": "Ich komme nie wieder.", "language": "de"})["negative"] is True
    assert classify({"text": "Больше никогда не закажу.", "language": "ru"})["negative"] is True
    assert classify({"text": "二度と利用しません。", "language": "ja"})["negative"] is True
    assert classify({"text": "Ce n'est pas terrible.", "language": "fr"})["negative"] is True


def test_the_part_after_but_weighs_more():
    assert text_sentiment("Das Essen war schlecht, aber der Service war gut.", "de") > 0
    assert text_sentiment("Das Essen war gut, aber der Service war schlecht.", "de") < 0
    assert text_sentiment("店員は最悪だけど、料理は美味しい。", "ja") > 0


def test_boosters_strengthen_and_softeners_weaken_without_turning():
    very, plain, slightly = (text_sentiment(t, "de") for t in ("sehr schlecht", "schlecht", "etwas schlecht"))
    assert very < plain < slightly < 0
    lex = Lexicon("xx")
    _read_lexicon(lex, "[boosters]\nbisschen -0.5\n[words]\nlaut -0.3\n", options=True)
    assert lexicon_score("laut", lex) < 0 and lexicon_score("bisschen laut", lex) == 0


def test_words_match_with_or_without_diacritics_where_people_drop_them():
    assert text_sentiment("Bataie de joc, nu mai comand niciodata.", "ro") < -0.3
    assert text_sentiment("Nie polecam, zle jedzenie i niemila obsluga.", "pl") < -0.3


def test_emoji_count_in_every_language():
    assert text_sentiment("Lieferung heute angekommen 😡😡", "de") < 0
    assert text_sentiment("Lieferung heute angekommen 👍", "de") > 0


def test_language_is_detected_when_missing():
    result = classify({"title": "Nie wieder", "text": "Das Essen war kalt und der Kellner sehr unfreundlich."})
    assert result["negative"] is True
    assert text_sentiment("Personalul a fost foarte amabil, recomand cu încredere.") > 0.3


def test_language_tags_with_regions_are_accepted():
    assert text_sentiment("Sehr schlechter Service.", "de-AT") < 0
    assert text_sentiment("Atendimento péssimo.", "pt_BR") < 0


def test_text_too_short_to_detect_falls_back_to_vader():
    assert classify({"text": "Terrible!"})["negative"] is True
    assert classify({"text": "😡😡"})["negative"] is True
    assert classify({"text": "Thanks 👍"})["negative"] is False


def test_a_malformed_lexicon_line_names_the_file_and_line():
    with pytest.raises(ValueError, match=r"xx.txt line 3"):
        _read_lexicon(Lexicon("xx"), "[words]\ngut 2\nkaputt\n", options=True)
    with pytest.raises(ValueError, match=r"xx.txt line 2: unknown option 'fold_diacritics'"):
        _read_lexicon(Lexicon("xx"), "[options]\nfold_diacritics = yes\n", options=True)


def test_the_judge_of_each_verdict_is_stored_with_the_item(tmp_path):
    from repscan.core.items import make
    from repscan.core.store import Store
    from repscan.spiders.pipelines import classify_item

    rated = make("review", source="trustpilot", source_id="r1", url="https://t.example/r/1", rating=1.0,
                 text="Lovely people.", published_at="2026-11-01T10:00:00Z")
    unrated = make("post", source="facebook", source_id="p1", url="https://f.example/p/1",
                   text="Terrible service, rude staff. Avoid!", published_at="2026-11-01T10:00:00Z")
    empty = make("post", source="facebook", source_id="p2", url="https://f.example/p/2", text="",
                 published_at="2026-11-01T10:00:00Z")
    result = make("search_result", engine="bing", query="acme", rank=1, url="https://n.example/a",
                  title="Acme bakery fined after hygiene inspection", snippet="The council fined the bakery.")
    items = [classify_item(item) for item in (rated, unrated, empty, result)]
    store = Store(tmp_path / "a.db")
    store.save_items("acme", items, seen_at="2026-11-02T00:00:00.000000Z")
    stored = {row["source_id"]: row["judge"] for row in store.query("SELECT source_id, judge FROM reviews UNION ALL "
                                                                    "SELECT source_id, judge FROM posts")}
    assert stored == {"r1": "stars", "p1": "word lists", "p2": None}  # the model is off in these tests
    assert [row["judge"] for row in store.query("SELECT judge FROM search_results")] == ["word lists"]
    store.close()


def test_the_period_names_the_judges_its_unrated_items_were_stored_with(tmp_path):
    from repscan.core.items import make
    from repscan.core.store import Store

    def post(source_id, judge):
        item = make("post", source="facebook", source_id=source_id, url=f"https://f.example/p/{source_id}",
                    text="Card charged twice.", published_at="2026-11-01T10:00:00Z")
        return {**item, "sentiment": -0.5, "negative": True, "judge": judge}

    store = Store(tmp_path / "a.db")
    store.save_items("acme", [post("p1", "word lists")], seen_at="2026-10-02T00:00:00.000000Z")
    store.save_items("acme", [post("p2", "model"), post("p3", "model"), post("p4", None)],
                     seen_at="2026-11-02T00:00:00.000000Z")
    assert store.text_judges("acme", "2026-11-01T00:00:00Z") == ["model"]
    assert store.text_judges("acme", None) == ["model", "word lists"]
    assert store.text_judges("acme", None, "2026-10-31T00:00:00Z") == ["word lists"]
    assert store.text_judges("other", None) == []
    store.close()
