"""The Competitors section when a competitor lacks figures: a blocked source, one never crawled, a platform or a
search not configured each say so in words, never a silent 0; a node's feed for a competitor is stored under its
key; Datasette's canned queries over every client leave competitors out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from competitor_config import CONFIG, write
from repscan.app.ingest import ingest_paths
from repscan.core.store.evidence import PAGE_REF, Page, feed_page
from repscan.core.config import load
from repscan.core.items import iso_utc, stamp, utcnow
from repscan.core.store import CANNED_QUERIES, Store
from repscan.reports import queries
from repscan.reports.competitors import compare
from repscan.reports.render import render_html

NOW = utcnow()


def trustpilot(rid: str, stars: int, hours: float) -> dict:
    return {"kind": "review", "source": "trustpilot", "source_id": rid, "url": f"https://www.trustpilot.com/r/{rid}",
            "business_url": "https://www.trustpilot.com/review/acme.example", "rating": stars, "rating_max": 5,
            "text": f"Review {rid}.", "published_at": iso_utc(NOW - timedelta(hours=hours)),
            "published_precision": "exact", "negative": stars <= 2}


@pytest.fixture
def scene(tmp_path):
    config = load(write(tmp_path, CONFIG))
    store = Store(config.database)
    crawl = store.start_crawl("acme", "trustpilot", "trustpilot", config.client("acme").sources[0].url)
    store.save_items("acme", [trustpilot("a-1", 1, 5), trustpilot("a-2", 5, 30)], crawl_id=crawl)
    store.finish_crawl(crawl, status="ok", items=2, new_items=2, requests=1, pages=1, full=True, error=None)
    blocked = store.start_crawl("acme:bolt", "trustpilot", "trustpilot", "https://www.trustpilot.com/review/bolt.example")
    store.finish_crawl(blocked, status="blocked", items=0, new_items=0, requests=1, pages=0, full=False,
                       error="blocked: DataDome captcha")
    yield config, store
    store.close()


def test_missing_figures_are_words(scene):
    config, store = scene
    comparison = compare(config, config.client("acme"), store, since=None, until=utcnow())
    by_site = {p.site: {row.name: row for row in p.rows} for p in comparison.platforms}
    assert list(by_site) == ["trustpilot", "jsonld"]
    bolt = by_site["trustpilot"]["Bolt Plumbing"]
    assert bolt.note.startswith("not read since") and bolt.negative.value == "no data" and bolt.negative.missing
    assert bolt.rating.value == "no rating shown" and bolt.count.value == "none shown"
    assert by_site["trustpilot"]["Pipe Pros"].negative.value == "not watched"
    assert by_site["trustpilot"]["Pipe Pros"].note == "No Trustpilot page of theirs is configured."
    pipe = by_site["jsonld"]["Pipe Pros"]
    assert pipe.note == "not crawled yet" and pipe.replies.value == "no data"
    assert by_site["jsonld"]["Acme Plumbing"].rating.value == "not watched"
    assert by_site["jsonld"]["Acme Plumbing"].note == "No Website page of yours is configured."
    client = by_site["trustpilot"]["Acme Plumbing"]
    assert (client.rating.value, client.rating.basis, client.count.value, client.count.basis) == (
        "3.0", "tracked average", "2", "tracked")  # no site summary stored: what we track, and said so
    assert (client.negative.value, client.velocity.value, client.median_reply.value) == ("50%", "0.5 a week",
                                                                                        "no replies")
    search = {s.name: s.text for s in comparison.search}
    assert search == {"Acme Plumbing": "no search of this name is configured", "Bolt Plumbing": "not crawled yet",
                      "Pipe Pros": "no search of this name is configured"}


def test_a_competitor_not_read_for_two_days_is_marked_never_compared_as_current(tmp_path):
    """A competitor's crawls that stopped leave its last crawl clean: its row says "not read since" (rules.stale at
    its daily schedule: two days), and its weekly pace is "not current", never a slowdown beside the client's."""
    config = load(write(tmp_path, CONFIG))
    store = Store(config.database)
    for key, url, ago in (("acme", config.client("acme").sources[0].url, 1),
                          ("acme:bolt", "https://www.trustpilot.com/review/bolt.example", 60)):
        at = stamp(NOW - timedelta(hours=ago))
        crawl = store.start_crawl(key, "trustpilot", "trustpilot", url, started_at=at)
        store.save_items(key, [trustpilot(f"{key}-1", 1, ago + 5), trustpilot(f"{key}-2", 5, ago + 30)],
                         crawl_id=crawl, seen_at=at)
        store.finish_crawl(crawl, status="ok", items=2, new_items=2, requests=1, pages=1, full=True, error=None,
                           finished_at=at)
    data = queries.build(config, config.client("acme"), store, since=None, until=NOW)
    store.close()
    rows = {row.name: row for row in data.competitors.platforms[0].rows}
    bolt, acme = rows["Bolt Plumbing"], rows["Acme Plumbing"]
    assert bolt.note.startswith("not read since") and (bolt.velocity.value, bolt.velocity.missing) == ("not current",
                                                                                                      True)
    assert acme.note == "" and acme.velocity.value == "0.5 a week"
    section = render_html(data)
    section = section[section.index('<section id="competitors">'):]
    assert "not read since" in section[:section.index("</section>")]


def test_the_section_renders_only_for_a_client_with_competitors(scene):
    config, store = scene
    html = render_html(queries.build(config, config.client("acme"), store, since=None, until=utcnow()))
    section = html[html.index('<section id="competitors">'):]
    section = section[:section.index("</section>")]
    assert "not read since" in section and "not watched" in section and "not crawled yet" in section
    assert section.count("%<") == 2 and section.count("a week<span") == 1  # the client's figures, none of theirs
    data = queries.build(config, config.client("acme"), store, since=None, until=utcnow())
    assert data.competitors is not None
    lone = load(write(config.path.parent, CONFIG.split("[[clients.competitors]]")[0]))
    assert queries.build(lone, lone.client("acme"), store, since=None, until=utcnow()).competitors is None


def test_a_nodes_feed_for_a_competitor_is_stored_under_its_key(scene, tmp_path):
    config, store = scene
    job = {"id": "job-rival-1", "spider": "TrustpilotSpider", "source": "trustpilot",
           "url": "https://www.trustpilot.com/review/bolt.example", "started_at": stamp()}
    page = {**feed_page(Page(url=job["url"], body=b"<html>made-up page</html>", status=200,
                             fetched_at=stamp())), "client_id": "acme:bolt", "job": job}
    lines = [page, {**trustpilot("b-1", 3, 2), "client_id": "acme:bolt", "job": job, PAGE_REF: page["sha256"]},
             {"kind": "crawl", "client_id": "acme:bolt", "job": job, "status": "ok", "items": 1, "requests": 1,
              "pages": 1, "complete": True, "full": False, "error": None}]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    [result] = ingest_paths(config, [feed])
    assert (result.status, result.items) == ("ok", 1), result.error
    rows = store.query("SELECT client_id, negative FROM reviews WHERE source_id = 'b-1'")
    assert rows == [{"client_id": "acme:bolt", "negative": 1}]  # 3 of 5 at acme's threshold of 0.6
    # a competitor's pages are never kept as evidence, even when a node's feed carries one
    assert store.query("SELECT COUNT(*) AS n FROM evidence")[0]["n"] == 0
    assert not (config.reports_dir / "evidence").exists()


def test_canned_queries_over_every_client_leave_competitors_out(scene):
    _, store = scene
    store.save_items("acme:bolt", [trustpilot("b-2", 1, 3)])
    sql = CANNED_QUERIES["unanswered"]["sql"]
    assert {row["client_id"] for row in store.query(sql, {"client_id": "", "location": ""})} == {"acme"}
    assert {row["client_id"] for row in store.query(sql, {"client_id": "acme:bolt", "location": ""})} == {"acme:bolt"}


def test_a_competitor_s_search_no_longer_configured_is_not_compared(scene):
    config, store = scene

    def results(query, title):
        return [{"kind": "search_result", "engine": "duckduckgo", "query": query, "rank": 1,
                 "url": f"https://www.ripoffreport.com/r/{query.replace(' ', '-').lower()}", "displayed_url": None,
                 "title": title, "snippet": "Made-up.", "category": "complaint", "negative": True}]

    for query, title in (("Bolt Plumbing Berlin", "Bolt Plumbing Berlin kept a deposit"),  # no longer searched
                         ("Bolt Plumbing", "Bolt Plumbing overcharged")):
        crawl = store.start_crawl("acme:bolt", "duckduckgo", "search", "https://duckduckgo.example/")
        store.save_items("acme:bolt", results(query, title), crawl_id=crawl)
        store.finish_crawl(crawl, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None)
    comparison = compare(config, config.client("acme"), store, since=None, until=utcnow())
    search = {s.name: s.text for s in comparison.search}
    assert search["Bolt Plumbing"].startswith("1 complaint on page one (1 search;")
