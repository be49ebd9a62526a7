"""Times a page gives without a UTC offset are the business's local time: a real crawl of two sources (a Tokyo
location, and the brand in the client's Los Angeles zone) into SQLite, then the report's PDF text."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from crawl_harness import Expect, Scenario, Serve, Site
from helpers import run_cli, write_config
from repscan.core.config import load
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.render import render_pdf

pytestmark = pytest.mark.drill  # a crawl and a PDF: several seconds

UNTIL = datetime(2026, 12, 5, 11, 42, tzinfo=timezone.utc)  # 20:42 in Tokyo, 03:42 in Los Angeles


def page(name: str, reviews: list[dict]) -> str:
    """A business's own reviews page with schema.org JSON-LD (made-up people and words)."""
    graph = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": name, "review": [
        {"@type": "Review", "@id": f"#r-{r['id']}", "author": {"@type": "Person", "name": r["author"]},
         "datePublished": r["published"], "reviewBody": r["text"],
         "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5},
         **({"comment": {"@type": "Comment", "author": {"@type": "LocalBusiness", "name": name},
                         "text": "We are sorry; please call us.", "dateCreated": r["reply"]}}
            if r.get("reply") else {})} for r in reviews]}
    return (f'<html><head><title>{name}</title><script type="application/ld+json">{json.dumps(graph)}</script>'
            f'</head><body><h1>{name}</h1></body></html>')


TOKYO = page("Noodle Corner Shibuya", [
    # 08:00 on 5 Dec in Tokyo: 23:00 UTC on 4 Dec
    {"id": "t1", "author": "Aiko Testa", "published": "2026-12-05T08:00:00", "text": "Cold soup and a long wait."}])
BRAND = page("Noodle Corner", [
    # the review says its offset (08:00 in Los Angeles, 16:00 UTC); its reply does not: 10:10 there, 18:10 UTC
    {"id": "b1", "author": "Bo Sample", "published": "2026-12-04T08:00:00-08:00", "reply": "2026-12-04T10:10:00",
     "text": "Rude staff at the counter."}])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of both sources, run before the report's time, and the report's PDF text."""
    folder = tmp_path_factory.mktemp("local-times")
    scenario = Scenario("local-times", "jsonld", "/tokyo", prefix="/", first=Expect(),
                        serve=[Serve("/tokyo", text=TOKYO), Serve("/brand", text=BRAND)])
    with Site(scenario) as site:
        path = write_config(folder, [{"site": "jsonld", "url": f"{site.url}/tokyo", "location": "shibuya"},
                                     {"site": "jsonld", "url": f"{site.url}/brand"}], name="Noodle Corner")
        text = path.read_text(encoding="utf-8").replace('"Europe/Berlin"', '"America/Los_Angeles"')
        text += '\n[[clients.locations]]\nid = "shibuya"\nname = "Shibuya"\ntimezone = "Asia/Tokyo"\n'
        path.write_text(text, encoding="utf-8")
        result = run_cli("--config", str(path), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(folder / "repscan.db") as db:
        db.execute("UPDATE crawls SET started_at = '2026-12-05T09:00:00.000000Z', "
                   "finished_at = '2026-12-05T09:01:00.000000Z'")  # before the report's time, not after
        db.execute("UPDATE reviews SET first_seen_at = '2026-12-05T09:00:00.000000Z'")
    config = load(path)
    store = Store(config.database)
    try:
        rows = {r["author"]: r for r in store.query("SELECT * FROM reviews")}
        data = queries.build(config, config.client("acme"), store, since=None, until=UNTIL)
        pdf = render_pdf(data, folder / "report.pdf")
    finally:
        store.close()
    return rows, data, " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)


def test_a_time_without_an_offset_is_stored_in_the_zone_of_the_business(crawled):
    rows, _, _ = crawled
    assert rows["Aiko Testa"]["published_at"] == "2026-12-04T23:00:00Z"  # the location's zone: Tokyo
    assert rows["Bo Sample"]["published_at"] == "2026-12-04T16:00:00Z"
    assert rows["Bo Sample"]["reply_at"] == "2026-12-04T18:10:00Z"  # the client's zone: Los Angeles


def test_the_report_tells_the_real_wait_and_reply_time(crawled):
    _, data, pdf = crawled
    assert "No reply yet, waiting 13 h" in pdf  # 12 h 42 min; not 4 h (3 h 42 min: 08:00 read as UTC)
    speed = data.reply_speed
    # not "within the hour": read as UTC, the reply came before its review and counted as 0 minutes
    assert (speed.negatives, speed.within_hour, speed.within_day) == (2, 0, 1)
    assert "0 (0%) got a reply within the hour and 1 (50%) within 24 hours; the median reply took 2 h 10 min" in pdf
    assert "Median reply Health Website" in pdf and "1 of 2 (50%) 2 h 10 min" in pdf  # the scoreboard agrees
