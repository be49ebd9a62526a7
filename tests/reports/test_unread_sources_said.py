"""Never a silent zero in the words a client reads first: with a source that could not be read, the report email's
subject and the "nothing waiting" sentence of the PDF and the email say so; a complaint shown by two searches under
two dressings of its URL is one open item, as the headline counts it (real SQLite, the report's HTML and email)."""

from __future__ import annotations

from datetime import datetime, timezone

from helpers import write_config
from repscan.core.config import load
from repscan.core.store import Store
from repscan.reports import mail, queries, render
from repscan.reports.actions import complaint_actions
from repscan.reports.model import SearchBlock, SearchResultRow

UNTIL = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)
NOTHING = "No negative review, mention or page-one complaint is waiting for an answer."
UNREAD = "Nothing we could read is waiting for an answer, but some pages could not be read (below)"


def data_after(tmp_path, status: str):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    store = Store(cfg.database)
    try:
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme",
                                  started_at="2026-12-05T09:00:00.000000Z")
        store.finish_crawl(crawl, status=status, items=0, new_items=0, requests=1, pages=1, full=True,
                           error=None if status == "empty" else "HTTP 503 at https://t.example/review/acme",
                           finished_at="2026-12-05T09:01:00.000000Z")
        return queries.build(cfg, cfg.client("acme"), store, since=None, until=UNTIL)
    finally:
        store.close()


def test_a_source_that_could_not_be_read_is_in_the_subject_and_the_nothing_waiting_sentence(tmp_path):
    data = data_after(tmp_path, "error")
    assert mail.subject_for(data) == "Reputation report for Acme Plumbing: no new reviews, 1 source could not be read"
    for text in (" ".join(render.render_html(data).split()), " ".join(render.render_template("email.txt", data).split())):
        assert UNREAD in text and NOTHING not in text


def test_a_source_read_whole_keeps_the_plain_words(tmp_path):
    data = data_after(tmp_path, "empty")
    assert mail.subject_for(data) == "Reputation report for Acme Plumbing: no new reviews"
    assert UNREAD not in " ".join(render.render_html(data).split())


def row(url: str, rank: int) -> SearchResultRow:
    return SearchResultRow(rank=rank, url=url, displayed_url=None, title="Acme ripped me off", snippet="Avoid.",
                           category="complaint", negative=True, previous_rank=None, had_previous=False,
                           visible_since=None, above_own=True)


def test_one_complaint_under_two_dressings_of_its_url_is_one_open_item():
    page = "https://www.ripoffreport.com/reports/acme/cake-never-delivered-1234567"
    blocks = [SearchBlock("duckduckgo", "Acme", None, [row(page, 1)], 0.3, None, 2),
              SearchBlock("bing", "Acme", None, [row(page + "/?utm_source=bing", 2)], 0.2, None, 3)]
    assert len(complaint_actions(blocks)) == 1
