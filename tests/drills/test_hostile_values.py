"""Hostile numbers and dates from a page: nulled with a note at the item contract, never a lost batch or a dead report."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from helpers import LocalSite, Reply, run_cli, write_config
from repscan.core.config import load
from repscan.core.items import utcnow
from repscan.core.store import Store
from repscan.reports import queries, render

pytestmark = pytest.mark.drill


def _page(host: str) -> str:
    reviews = [{"@type": "Review", "@id": f"{host}/reviews#r{n}", "author": {"@type": "Person", "name": f"Person {n}"},
                "datePublished": "2026-11-0%d" % n, "reviewBody": f"Review number {n}",
                "reviewRating": {"@type": "Rating", "ratingValue": n, "bestRating": 5}} for n in range(1, 6)]
    reviews.append({"@type": "Review", "@id": f"{host}/reviews#minus-infinity", "author": "Mallory",
                    "datePublished": "0001-01-01", "reviewBody": "A rating no scale has",
                    "reviewRating": {"@type": "Rating", "ratingValue": "__MINUS_INFINITY__", "bestRating": 5}})
    data = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": "Acme Plumbing",
            "aggregateRating": {"@type": "AggregateRating", "ratingValue": "__NAN__",
                                "reviewCount": "__THIRTY_DIGITS__"}, "review": reviews}
    text = json.dumps(data).replace('"__MINUS_INFINITY__"', "-Infinity").replace('"__NAN__"', "NaN")
    text = text.replace('"__THIRTY_DIGITS__"', "9" * 30)
    return f'<html><head><script type="application/ld+json">{text}</script></head><body></body></html>'


def test_hostile_numbers_lose_nothing_and_the_report_renders(tmp_path):
    host = {}
    with LocalSite(lambda path, query: Reply(body=_page(host["url"])) if path == "/reviews" else None) as site:
        host["url"] = site.url
        config_path = write_config(tmp_path, [("jsonld", f"{site.url}/reviews")])
        result = run_cli("--config", str(config_path), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "repscan.db")
    try:
        crawl = store.crawls()[-1]
        reviews = store.query("SELECT source_id, rating, published_at FROM reviews ORDER BY source_id")
        business = store.query("SELECT rating, review_count FROM businesses")
        assert crawl["status"] == "ok", crawl
        assert len(reviews) == 6  # five good reviews and the hostile one, none lost
        hostile = next(r for r in reviews if r["source_id"].endswith("minus-infinity"))
        assert (hostile["rating"], hostile["published_at"]) == (None, None)
        assert business == [{"rating": None, "review_count": None}]
        config = load(config_path)
        data = queries.build(config, config.client("acme"), store, since=None, until=utcnow())
    finally:
        store.close()
    pdf = render.render_pdf(data, tmp_path / "report.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "A rating no scale has" in text and "inf" not in text.lower().replace("information", "")


@pytest.mark.parametrize("name, body", [
    ("deep JSON-LD", '<html><head><script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000
     + "</script></head><body><p>Reviews</p></body></html>"),
    ("deep markup", "<html><body>" + "<div>" * 100_000 + "Reviews" + "</div>" * 100_000 + "</body></html>"),
])
def test_a_page_no_extractor_can_read_is_broken_naming_it(tmp_path, name, body):
    with LocalSite(lambda path, query: Reply(body=body) if path == "/reviews" else None) as site:
        config_path = write_config(tmp_path, [("jsonld", f"{site.url}/reviews")])
        result = run_cli("--config", str(config_path), "crawl", "--quiet")
    store = Store(tmp_path / "repscan.db")
    try:
        crawl = store.crawls()[-1]
    finally:
        store.close()
    assert crawl["status"] == "broken", (name, crawl)  # a LayoutError: never error, ok or empty
    assert f"{site.url}/reviews" in crawl["error"] and "Traceback" not in result.stderr


def test_huge_fields_make_a_short_report_and_long_words_wrap(tmp_path):
    huge, word = "Title " * 70_000, "x" * 100_000  # a 420 KB title and author, a 100,000-character word
    reviews = [{"@type": "Review", "@id": "https://acme.example/reviews#huge", "author": {"@type": "Person", "name": huge},
                "name": huge, "datePublished": "2026-11-20", "reviewBody": f"Start {word} end",
                "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5}}]
    page = ('<html><head><script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@type": "LocalBusiness", "name": "Acme", "review": reviews})
            + "</script></head><body></body></html>")
    with LocalSite(lambda path, query: Reply(body=page) if path == "/reviews" else None) as site:
        config_path = write_config(tmp_path, [("jsonld", f"{site.url}/reviews")])
        assert run_cli("--config", str(config_path), "crawl", "--quiet").returncode == 0
    store = Store(tmp_path / "repscan.db")
    try:
        config = load(config_path)
        data = queries.build(config, config.client("acme"), store, since=None, until=utcnow())
    finally:
        store.close()
    reader = PdfReader(render.render_pdf(data, tmp_path / "report.pdf"))
    assert len(reader.pages) <= 8, len(reader.pages)  # before: hundreds of pages, minutes of rendering
    lines = "\n".join(page.extract_text() for page in reader.pages).splitlines()
    runs = [len(run) for line in lines for run in re.findall("x{50,}", line)]
    assert any("Start" in line for line in lines) and runs  # the word is there ...
    assert max(runs) < 200  # ... broken into lines that fit the page (one line would hold 100,000)
