"""Two reports in a row with replies arriving between them: the second's "(was ...)" figures are what the first told
the client, and a review it listed as waiting is named answered, never silently gone (real SQLite, both reports
delivered: the PDF read back with pypdf, the email from aiosmtpd; under the drill marker, through real crawls of a
local Trustpilot page and `repscan send`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import iso_utc, parse_iso, stamp, utcnow
from repscan.core.store import Store
from scenario_site import ClientWeb, crawl_and_send
from scenario_site import review as site_review
from test_report_figures_agree import KYIV, NOW, Delivered, crawl, review


def seen_now(store, items):
    """A crawl that reads the page now (after the first report went out)."""
    crawl(store, "trustpilot", KYIV, NOW - utcnow(), items)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Three complaints read a day ago: one answered then, two waiting when the first report goes out. Then the owner
    answers one (the reply dated after that report) and a recrawl finds the other's reply dated before it (found
    late: an older page read late, a blocked stretch). The second report goes out."""
    folder = tmp_path_factory.mktemp("replies")
    cfg = load(write_config(folder, [("trustpilot", KYIV)]))
    store = Store(cfg.database)
    day = timedelta(days=1)
    waiting = [review("answered-later", 1, NOW - day - timedelta(hours=6)),
               review("answered-unseen", 2, NOW - day - timedelta(hours=5))]
    crawl(store, "trustpilot", KYIV, day, [*waiting, review("answered-then", 1, NOW - day - timedelta(hours=8),
                                                            replied=True)])
    store.close()
    first = Delivered(cfg, folder)
    (folder / "received").rename(folder / "received-1")
    (folder / "out").rename(folder / "out-1")
    store = Store(cfg.database)
    cutoff = parse_iso(store.report_cutoff("acme"))
    later, unseen = waiting
    seen_now(store, [{**later, "reply_text": "Sorry, we are on it.", "reply_at": stamp(cutoff + timedelta(seconds=1))},
                     {**unseen, "reply_text": "Sorry, we are on it.", "reply_at": stamp(cutoff - timedelta(hours=10))}])
    store.close()
    return first, Delivered(cfg, folder)


def test_the_previous_figures_are_what_the_first_report_said(reports):
    first, second = reports
    assert first.figure("Negatives answered").startswith("Negatives answered: 1 of 3 (33")
    assert first.figure("Negative reviews without a reply").startswith("Negative reviews without a reply: 2 - ")
    # the reply dated after the cutoff and the one found after it were unknown to the first report
    assert "(was 1 of 3 (33%))" in second.figure("Negatives answered")
    assert second.figure("Negative reviews without a reply").startswith("Negative reviews without a reply: 0 (was 2)")
    answered = second.pdf[second.pdf.index("Negatives answered"):second.pdf.index("Negative reviews without")]
    assert answered.endswith(": 1 of 3 (33%) ")  # "vs 20 Nov 2026 – 5 Dec 2026: 1 of 3 (33%)"
    unanswered = second.pdf[second.pdf.index("Negative reviews without"):second.pdf.index("Average rating")]
    assert unanswered.startswith("Negative reviews without a reply 0 ") and unanswered.endswith(": 2 ")


def test_a_review_listed_as_waiting_is_named_answered_in_the_next_report(reports):
    first, second = reports
    for title in ("Title answered-later", "Title answered-unseen"):
        assert title in first.pdf[:first.pdf.index("Summary")] and title in first.text  # waiting, first report
        assert title in second.pdf[second.pdf.index("Answered this period"):]
    assert "Title answered-then" not in second.pdf  # answered as the first report said: not news again


@pytest.mark.drill  # two real crawls and two `repscan send` runs: about 10 s
def test_replies_a_real_recrawl_finds_reach_the_next_report_as_the_first_told_them(tmp_path):
    """The same through `repscan crawl` of a local Trustpilot page and `repscan send` to aiosmtpd."""
    now = utcnow().replace(microsecond=0)
    later, unseen = site_review("answered-later", 1, 30, now), site_review("answered-unseen", 2, 25, now)
    with ClientWeb([unseen, later, site_review("answered-then", 1, 40, now, reply_after=0.5)], mentions=False,
                   search=False) as web:
        first = crawl_and_send(tmp_path, web)
        store = Store(load(web.config(tmp_path)).database)
        cutoff = parse_iso(store.report_cutoff("hlb-internal-7"))
        store.close()
        later.reply, later.reply_at = "Made-up: sorry, we called you.", iso_utc(utcnow().replace(microsecond=0))
        unseen.reply, unseen.reply_at = "Made-up: sorry.", iso_utc(cutoff - timedelta(hours=10))  # found late
        second = crawl_and_send(tmp_path, web)
    assert "Negatives answered: 1 of 3 (33%)" in first.text
    assert "Negatives answered: – (was 1 of 3 (33%))" in second.text
    assert "Negative reviews without a reply: 0 (was 2)" in second.text
    answered = second.all[second.all.index("Answered this period"):]
    assert "Title answered-later" in answered and "Title answered-unseen" in answered
