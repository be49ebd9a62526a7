"""The report's words are true in every language: German durations after "seit"/"nach" in the dative, a single
mention's badge in the singular, and site labels that are words (Website, Feed) translated; real SQLite, the PDF's
text (pypdf) and the HTML it is made from."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.render import render_html, render_pdf

UNTIL = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
SEEN = UNTIL - timedelta(days=4, hours=2)


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    """The text of one report in German (its HTML) and in Ukrainian (its PDF): a negative review on the client's own website waiting
    four days (an exact time), and one negative mention in its alerts feed."""
    folder = tmp_path_factory.mktemp("words")
    cfg = load(write_config(folder, [("jsonld", "https://acme.example/reviews"), ("feed", "https://f.example/rss")]))
    store = Store(cfg.database)
    review = {**make("review", source="jsonld", source_id="w1", url="https://acme.example/reviews#w1",
                     author="Person W", rating=1, title="Made-up title", text="Made-up complaint.",
                     published_at=stamp(SEEN - timedelta(hours=1))), "sentiment": -1.0, "negative": True}
    mention = {**make("post", source="feed", source_id="n1", url="https://news.example/n1", author="A made-up paper",
                      title="Made-up headline", text="Made-up angry article.", published_at=stamp(SEEN)),
               "sentiment": -0.9, "negative": True}
    store.save_items("acme", [review, mention], seen_at=stamp(SEEN))
    out = {}
    for language in ("de", "uk"):
        client = cfg.client("acme").model_copy(update={"language": language})
        data = queries.build(cfg, client, store, since=stamp(SEEN - timedelta(days=1)), until=UNTIL)
        if language == "uk":  # the PDF's text; German's words from the same HTML (a second PDF costs 2 s)
            pdf = render_pdf(data, folder / f"{language}.pdf")
            out[language] = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
        else:
            out[language] = " ".join(re.sub(r"<[^>]+>", " ", render_html(data)).split())
    store.close()
    return out


def test_german_says_seit_4_tagen(texts):
    assert "wartet seit 4 Tagen" in texts["de"]
    assert "4 Tage " not in texts["de"].replace("4 Tage vor", "")  # never the nominative after seit/nach


def test_a_single_mention_s_badge_is_singular(texts):
    assert "негативна Made-up headline" in texts["uk"]
    assert "негативні Made-up headline" not in texts["uk"]


def test_word_site_labels_are_translated(texts):
    assert "Вебсайт" in texts["uk"] and "Website" not in texts["uk"]
    assert "на Вебсайт" not in texts["uk"]  # "на платформі Вебсайт": no case a label cannot take
    assert "Стрічка новин" in texts["uk"] and "Feed" not in texts["uk"].replace("Feeds", "")
