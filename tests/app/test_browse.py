"""`repscan browse`: the canned queries run on a real database, through a real Datasette."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from helpers import run_cli, write_config
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import CANNED_QUERIES, Store


def seed(path):
    """A first crawl imports an old answered complaint (history: never a new negative); the next one, blocked,
    finds a new complaint, a happy review and a complaint on page one."""
    store = Store(path)
    start = utcnow() - timedelta(hours=2)
    first = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example", started_at=stamp(start))
    store.save_items("acme", [
        {**make("review", source="trustpilot", source_id="r0", author="Olga", rating=1, text="Leaked in 2025.",
                published_at="2025-06-01T09:00:00Z", reply_text="Fixed, sorry."), "sentiment": -1.0, "negative": True},
    ], crawl_id=first, seen_at=stamp(start))
    store.finish_crawl(first, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None,
                       finished_at=stamp(start + timedelta(minutes=1)))
    crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example")
    recent = stamp(utcnow() - timedelta(days=1))  # published the day before it is found (weeks before: a backfill)
    store.save_items("acme", [
        {**make("review", source="trustpilot", source_id="r1", author="Wendy", rating=1, text="Leaks again.",
                published_at=recent), "sentiment": -1.0, "negative": True},
        {**make("review", source="trustpilot", source_id="r2", author="Tariq", rating=5, text="Great.",
                published_at=recent), "sentiment": 1.0, "negative": False},
        {**make("search_result", engine="bing", query="Acme", rank=3, url="https://www.ripoffreport.com/r/acme",
                title="Acme ripped me off", snippet="Avoid"), "category": "complaint", "negative": True},
    ], crawl_id=crawl, seen_at=stamp(utcnow()))
    store.finish_crawl(crawl, status="blocked", items=0, new_items=0, requests=1, pages=1, full=False, error="blocked: x")
    store.close()


@pytest.mark.parametrize("name", sorted(CANNED_QUERIES))
def test_canned_queries_run_and_filter_by_client(tmp_path, name):
    seed(tmp_path / "a.db")
    store = Store(tmp_path / "a.db")
    try:
        blank = {"client_id": "", "location": ""}  # sqlite3 ignores a parameter the SQL does not name
        everyone = store.query(CANNED_QUERIES[name]["sql"], blank)
        nobody = store.query(CANNED_QUERIES[name]["sql"], {**blank, "client_id": "other"})
    finally:
        store.close()
    expected = {"new_negatives": ["r1"], "unanswered": ["r1"], "complaints_on_page_one": ["Acme ripped me off"],
                "source_health": ["blocked"]}[name]
    key = {"new_negatives": "text", "unanswered": "text", "complaints_on_page_one": "title",
           "source_health": "status"}[name]
    got = [row[key] for row in everyone]
    assert got == (["Leaks again."] if key == "text" else expected)
    assert nobody == []


HAVE_DATASETTE = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which("datasette")


@pytest.mark.skipif(not HAVE_DATASETTE, reason="the optional browse extra is not installed")
def test_browse_serves_the_canned_queries_through_datasette(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    seed(tmp_path / "repscan.db")
    result = run_cli("--config", str(path), "browse", "--get", "/repscan/unanswered.json?client_id=acme&_shape=objects")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(result.stdout)["rows"]
    assert [r["author"] for r in rows] == ["Wendy"]


@pytest.mark.skipif(not HAVE_DATASETTE, reason="the optional browse extra is not installed")
def test_browse_shows_no_page_one_complaint_of_a_search_the_config_does_not_ask(tmp_path):
    """`repscan browse` writes the config's (engine, query) pairs into the canned query: the seeded Bing complaint
    for "Acme" is of a search this config (no queries) does not ask, so Datasette lists none, as the report does."""
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    seed(tmp_path / "repscan.db")
    result = run_cli("--config", str(path), "browse", "--get",
                     "/repscan/complaints_on_page_one.json?client_id=acme&_shape=objects")
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout)
    assert answer["ok"] is True and answer["rows"] == []


@pytest.mark.skipif(not HAVE_DATASETTE, reason="the optional browse extra is not installed")
def test_browse_shows_the_page_one_complaint_of_a_search_the_config_asks(tmp_path):
    """The same seeded complaint, with Bing and "Acme" in the config: Datasette lists it, as the report does."""
    path = write_config(tmp_path, [], clients=[{"id": "acme", "name": "Acme Plumbing",
                                                "recipients": ["owner@acme.example"], "queries": ["Acme"]}],
                        search={"engines": ["bing"]})
    seed(tmp_path / "repscan.db")
    result = run_cli("--config", str(path), "browse", "--get",
                     "/repscan/complaints_on_page_one.json?client_id=acme&_shape=objects")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [row["title"] for row in json.loads(result.stdout)["rows"]] == ["Acme ripped me off"]
