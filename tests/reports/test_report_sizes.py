"""The report at 0, 5 and 500 new reviews, from a real store: read back from the PDF."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import iso_utc, make, stamp
from repscan.core.store import Store
from repscan.reports import queries, render

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
LONG = "The engineer arrived late and left water everywhere. " * 60


def seed(store: Store, count: int) -> None:
    items = []
    for n in range(count):
        published = NOW - timedelta(minutes=180 + n * 36)  # 500 within 13 days: new (older: a backfill)
        rating = 1 + n % 5
        replied = n % 3 == 0
        items.append({**make(
            "review", source="trustpilot" if n % 2 else "jsonld", source_id=f"r{n:04d}",
            url=f"https://t.example/reviews/r{n:04d}", author=f"Customer {n:04d}", rating=rating,
            title=f"Visit number {n}", text=LONG if n == 1 else f"Review {n}: {'bad' if rating <= 2 else 'good'} job.",
            published_at=iso_utc(published), reply_text="Thank you, we are on it." if replied else None,
            reply_at=iso_utc(published + timedelta(minutes=30 if n % 2 else 300)) if replied else None,
        ), "sentiment": 0.0, "negative": rating <= 2})
    store.save_items("acme", items, seen_at=stamp(NOW - timedelta(hours=1)))


def report(tmp_path, count: int, page_size: str | None = None):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme"), ("jsonld", "https://acme.example/r")]))
    store = Store(cfg.database)
    try:
        for source in cfg.client("acme").sources:  # both sources first read a month ago, read again without trouble
            for days in (30, 0.1):
                crawl = store.start_crawl("acme", source.site, "Spider", source.url,
                                          started_at=stamp(NOW - timedelta(days=days)))
                store.finish_crawl(crawl, status="ok", items=0, new_items=0, requests=1, pages=1, full=False,
                                   error=None, finished_at=stamp(NOW - timedelta(days=days)))
        seed(store, count)
        data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(days=7)), until=NOW)
    finally:
        store.close()
    pdf = render.render_pdf(data, tmp_path / "report.pdf", page_size=page_size)
    reader = PdfReader(pdf)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    return data, reader, pages


def test_zero_new_reviews_is_a_short_all_quiet_report(tmp_path):
    data, reader, pages = report(tmp_path, 0)
    text = " ".join(pages)
    assert "All quiet" in text and "Nothing needs a reply" in text
    assert "Appendix" not in text and "Needs a reply now" not in text
    assert "Sources" in text and "Trends" in text
    assert len(pages) <= 4


def test_five_reviews_show_reply_speed_charts_and_every_review(tmp_path):
    data, reader, pages = report(tmp_path, 5)
    text = " ".join(pages)
    assert data.summary.new_reviews == 5 and data.summary.new_negatives == 2
    for n in range(5):
        assert f"Customer {n:04d}" in text
    assert "got a reply within the hour" in text
    for chart in ("Average rating per week", "Reviews per week", "Negative reviews per week",
                  "Reply speed per week"):  # all five are from one week: a chart would be all but empty
        assert f"{chart}: left out, only 1 of the 12 weeks has data." in text
    assert "read the full review" in text  # the long text is trimmed with a link
    assert all("Harbour" not in p for p in pages)
    assert all(f"Page {i} of {len(pages)}" in p for i, p in enumerate(pages, 1))


@pytest.mark.drill
def test_five_hundred_reviews_page_the_appendix_with_repeated_headers(tmp_path):
    data, reader, pages = report(tmp_path, 500)
    assert data.summary.new_reviews == 500
    appendix = [p for p in pages if "Customer" in p and "Date Source Rating Review Reply" in p]
    assert len(appendix) >= 5  # the table header repeats on every appendix page
    text = " ".join(pages)
    assert "Customer 0000" in text and "Customer 0499" in text
    assert all(f"Page {i} of {len(pages)}" in p for i, p in enumerate(pages, 1))


def test_letter_paper(tmp_path):
    _, reader, _ = report(tmp_path, 1, page_size="Letter")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
