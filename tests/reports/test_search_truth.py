"""Search visibility tells the truth (real SQLite, the PDF read back with pypdf): only the configured engines and
queries, the latest check even when it found nothing, "on page one since" the current run, complaints that left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, parse_iso, stamp, utcnow
from repscan.core.store import Store
from repscan.core.search import configured
from repscan.core.store.queries import CANNED_QUERIES, canned_queries
from repscan.reports import queries
from repscan.reports.model import format_date
from repscan.reports.render import render_pdf

NOW = utcnow()
TZ = "Europe/Berlin"
QUERIES = ["Acme Plumbing", "Acme Plumbing Berlin", "Acme Klempner"]
BACK = "https://www.pissedconsumer.com/acme-plumbing/RT-P.html"  # left page one, then came back
LEFT = "https://www.complaintsboard.com/acme-plumbing-b123"  # on page one at the last report, gone since
STALE_DDG = "https://www.ripoffreport.com/r/acme-plumbing/old-engine"  # DuckDuckGo is no longer configured
STALE_EMPTY = "https://www.ripoffreport.com/r/acme-plumbing-berlin/empty-since"  # its query found nothing since


def result(query, rank, url, title, *, engine="bing", complaint=False):
    return {**make("search_result", engine=engine, query=query, rank=rank, url=url, displayed_url=url,
                   title=title, snippet=f"Made-up snippet {rank}."),
            "category": "complaint" if complaint else "other", "negative": complaint}


def own(query, rank=1, engine="bing"):
    return {**result(query, rank, "https://acme.example/", "Acme Plumbing – home", engine=engine), "category": "own"}


def check(store, engine, ago, items, status="ok"):
    """One finished crawl of `engine` over every query, `ago` before now, storing `items` (its results)."""
    crawl_id = store.start_crawl("acme", engine, "SearchSpider", f"https://{engine}.example/search?q=Acme+Plumbing",
                                 started_at=stamp(NOW - ago - timedelta(minutes=5)))
    if items:
        store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(NOW - ago))
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=len(items), requests=len(QUERIES),
                       pages=len(QUERIES), full=True, error=None, finished_at=stamp(NOW - ago))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report's data, its folder and its database."""
    folder = tmp_path_factory.mktemp("search-truth")
    cfg = load(write_config(folder, [], clients=[{
        "id": "acme", "name": "Acme Plumbing", "recipients": ["owner@acme.example"], "timezone": TZ,
        "queries": QUERIES}], search={"engines": ["bing"]}))
    store = Store(cfg.database)
    check(store, "duckduckgo", timedelta(days=20), [
        own("Acme Plumbing", engine="duckduckgo"),
        result("Acme Plumbing", 2, STALE_DDG, "Old engine: Acme Plumbing kept my deposit", engine="duckduckgo",
               complaint=True)])
    check(store, "bing", timedelta(days=90), [own("Acme Plumbing"),
                                              result("Acme Plumbing", 3, BACK, "Acme Plumbing came back", complaint=True)])
    check(store, "bing", timedelta(days=60), [own("Acme Plumbing")])  # it left page one here
    check(store, "bing", timedelta(days=14), [
        own("Acme Plumbing"), result("Acme Plumbing", 4, BACK + "?utm_source=x", "Acme Plumbing came back",
                                     complaint=True),
        result("Acme Plumbing", 5, LEFT, "Acme Plumbing left page one", complaint=True),
        own("Acme Plumbing Berlin"),
        result("Acme Plumbing Berlin", 2, STALE_EMPTY, "Empty since: Acme Plumbing Berlin", complaint=True)])
    report_row = store.add_report("acme", period_start=stamp(NOW - timedelta(days=14)),
                                  period_end=stamp(NOW - timedelta(days=7)), pdf_path="/nonexistent.pdf",
                                  new_reviews=0, new_negatives=0)
    store.mark_sent(report_row, sent_at=stamp(NOW - timedelta(days=7)))
    check(store, "bing", timedelta(days=2), [  # "Acme Plumbing Berlin" found nothing; "Acme Klempner" is new
        own("Acme Plumbing"), result("Acme Plumbing", 2, BACK + "/", "Acme Plumbing came back", complaint=True),
        own("Acme Klempner")])
    data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(days=7)), until=NOW)
    store.close()
    return data, folder, cfg.database


def test_only_the_configured_engine_and_queries_are_reported(report):
    data, _folder, _db = report
    assert {(b.engine, b.query) for b in data.search} == {("bing", q) for q in QUERIES}


def test_a_check_that_found_nothing_shows_nothing_and_counts_nothing(report):
    data, _folder, _db = report
    [empty] = [b for b in data.search if b.query == "Acme Plumbing Berlin"]
    assert empty.found_nothing and not empty.left
    assert data.summary.complaints_on_page_one == 1
    assert [a.url for a in data.actions if a.kind == "complaint"] == [BACK + "/"]


def test_on_page_one_since_is_the_current_run_whatever_the_url_spelling(report):
    data, _folder, _db = report
    [block] = [b for b in data.search if b.query == "Acme Plumbing"]
    [back] = [r for r in block.results if r.complaint]
    assert back.visible_since == parse_iso(stamp(NOW - timedelta(days=14)))


def test_a_complaint_that_left_page_one_is_reported_as_gone(report):
    data, _folder, _db = report
    [block] = [b for b in data.search if b.query == "Acme Plumbing"]
    assert [(r.url, r.previous_rank, r.rank) for r in block.left] == [(LEFT, 5, None)]


def test_visibility_is_compared_over_the_same_searches_only(report):
    data, _folder, _db = report
    assert [b.visibility_before is None for b in data.search if b.query == "Acme Klempner"] == [True]
    assert data.summary.visibility_before is None  # a search is new since the last report: not comparable


def test_the_pdf_says_all_of_it(report):
    data, folder, _db = report
    pdf = render_pdf(data, folder / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Old engine" not in text and "on DuckDuckGo" not in text
    assert "No results at the last check" in text and "Empty since" not in text
    assert "Complaints on page one 1" in text
    [block] = [b for b in data.search if b.query == "Acme Plumbing"]
    [back] = [r for r in block.results if r.complaint]
    row = text[text.rindex("Acme Plumbing came back"):][:200]  # its search row: title, URL, snippet, since
    assert format_date(back.visible_since, TZ) in row and format_date(NOW - timedelta(days=90), TZ) not in row
    assert "1 complaint left page one since the last report" in text and "Acme Plumbing left page one" in text


def test_datasette_s_complaints_on_page_one_follow_the_latest_check(report):
    _data, _folder, database = report
    store = Store(database)
    try:
        rows = list(store.query(CANNED_QUERIES["complaints_on_page_one"]["sql"], {"client_id": "acme"}))
    finally:
        store.close()
    urls = {row["url"] for row in rows if row["engine"] == "bing"}
    assert urls == {BACK + "/"}  # not STALE_EMPTY: its query found nothing at the last check


def test_datasette_s_complaints_on_page_one_are_only_the_configured_searches(report):
    """Like the report: DuckDuckGo is no longer configured, so its complaint is in no Datasette query built from the
    config (`repscan browse`); without a config every search shows."""
    _data, _folder, database = report
    configured_sql = canned_queries(searches={"acme": configured(["bing"], QUERIES)})["complaints_on_page_one"]["sql"]
    store = Store(database)
    try:
        shown = {row["url"] for row in store.query(configured_sql, {"client_id": "acme"})}
        every = {row["url"] for row in store.query(CANNED_QUERIES["complaints_on_page_one"]["sql"], {"client_id": ""})}
    finally:
        store.close()
    assert shown == {BACK + "/"}
    assert STALE_DDG in every
