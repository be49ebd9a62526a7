"""The reply-speed sentence reads as sentences in the PDF: "the median reply took 50 min. 1 reply is dated by day
only", never "min.1 reply" (the template's line break was trimmed away), in every language (real SQLite; the
English report through WeasyPrint and pypdf, every language's HTML)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core import i18n
from repscan.core.config import load
from repscan.core.items import make, normalise
from repscan.core.store import Store
from repscan.reports import queries, render

UNTIL = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def answered(sid: str, published: str, reply_at: str) -> dict:
    """A made-up 1-star review and the owner's reply, each time as precise as the string says."""
    return {**normalise(make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                             author=f"Person {sid}", rating=1, title=f"Title {sid}", text="Cold and late.",
                             published_at=published, reply_text="We are sorry; call us.", reply_at=reply_at)),
            "sentiment": -1.0, "negative": True}


BY_DAY = ("%(num)d reply is dated by day only: <strong>%(same)d</strong> the same day, <strong>%(within)d</strong>"
          " within %(days)d days.", "%(num)d replies are dated by day only: <strong>%(same)d</strong> the same day,"
          " <strong>%(within)d</strong> within %(days)d days.")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One review answered 50 minutes after it (exact times), one answered on a day the site gives without a time:
    the English report's PDF text, and per language its HTML's text and the day-dated sentence as translated."""
    folder = tmp_path_factory.mktemp("speed")
    cfg = load(write_config(folder, [("trustpilot", "https://t.example/review/acme")]))
    store = Store(cfg.database)
    store.save_items("acme", [answered("exact", "2026-12-04T09:00:00Z", "2026-12-04T09:50:00Z"),
                              answered("by-day", "2026-12-03T15:00:00Z", "2026-12-04")],
                     seen_at="2026-12-05T10:00:00.000000Z")
    html, pdf = {}, None
    for code in i18n.LANGUAGES:
        client = cfg.client("acme").model_copy(update={"language": code})
        data = queries.build(cfg, client, store, since=None, until=UNTIL)
        speed = data.reply_speed
        assert (speed.by_day, speed.median is not None) == (1, True)
        with i18n.language(code):
            sentence = i18n.ngettext(*BY_DAY, 1, same=speed.same_day, within=speed.within_days, days=speed.days)
        html[code] = (re.sub(r"<[^>]+>", "", render.render_html(data)), re.sub(r"<[^>]+>", "", sentence))
        if code == "en":
            path = render.render_pdf(data, folder / "en.pdf")
            pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)
    store.close()
    return pdf, html


def test_the_median_and_the_day_dated_replies_are_two_sentences_in_the_pdf(reports):
    pdf, _html = reports
    assert "the median reply took 50 min. 1 reply is dated by day only: 0 the same day, 1 within 2 days." in pdf


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_the_day_dated_sentence_follows_a_space_in_every_language(reports, code):
    text, sentence = reports[1][code]
    at = text.index(sentence)
    assert text[at - 2] == "." and text[at - 1].isspace(), text[at - 80:at + 20]
