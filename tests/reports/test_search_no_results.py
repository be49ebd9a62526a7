"""A search engine that rightly finds nothing is not broken (real SQLite, the PDF read back with pypdf): only a
results page we no longer read is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.render import render_pdf

NOW = utcnow()
QUERY = "Acme Plumbing Spandau"  # a niche query: one result once, none now
COULD_NOT_READ = "We could not read"


def crawl(store, ago, status, items=(), error=None):
    """One finished Bing crawl of QUERY, `ago` before now: `status` as the spider records it ("empty": the results
    page's own evidence, `expected`, passed and it holds no result; "broken": it failed)."""
    crawl_id = store.start_crawl("acme", "bing", "SearchSpider", "https://bing.example/search?q=Acme+Plumbing+Spandau",
                                 started_at=stamp(NOW - ago - timedelta(minutes=5)))
    if items:
        store.save_items("acme", list(items), crawl_id=crawl_id, seen_at=stamp(NOW - ago))
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=len(items), requests=1, pages=1,
                       full=True, error=error, finished_at=stamp(NOW - ago))


@pytest.fixture(scope="module", params=["empty", "broken"])
def outcome(request, tmp_path_factory):
    """(last status, report data, PDF text, the store's broken sources) after a check with one result."""
    folder = tmp_path_factory.mktemp(f"search-{request.param}")
    cfg = load(write_config(folder, [], clients=[{
        "id": "acme", "name": "Acme Plumbing", "recipients": ["owner@acme.example"], "timezone": "Europe/Berlin",
        "queries": [QUERY]}], search={"engines": ["bing"]}))
    store = Store(cfg.database)
    try:
        crawl(store, timedelta(days=8), "ok", [{
            **make("search_result", engine="bing", query=QUERY, rank=1, url="https://directory.example/acme",
                   displayed_url="directory.example", title="Acme Plumbing in Spandau", snippet="Made-up listing."),
            "category": "other", "negative": False}])
        crawl(store, timedelta(days=1), request.param,
              error="layout not recognised at https://bing.example/search: no result row" if request.param == "broken"
              else None)
        data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(days=7)), until=NOW)
        broken = store.broken_sources("acme")
    finally:
        store.close()
    pdf = render_pdf(data, folder / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    return request.param, data, text, broken


def test_a_genuine_no_results_page_is_healthy_and_said_so_and_a_failed_evidence_check_is_broken(outcome):
    status, data, text, broken = outcome
    [health] = [h for h in data.sources if h.site == "bing"]
    [block] = data.search
    if status == "empty":
        assert health.healthy and not broken
        assert block.found_nothing and "No results at the last check" in text
        assert COULD_NOT_READ not in text and "may have changed" not in text
        assert health.state("UTC").startswith("OK, no results at the last check (read ")  # not "nothing on it yet"
    else:
        assert health.status == "broken" and [b["source"] for b in broken] == ["bing"]
        assert COULD_NOT_READ in text
