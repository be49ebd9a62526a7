"""A chain's locations in `repscan export` and Datasette's canned queries: each review and post carries the location of
the source that found it (Client.location_of), so an operator can filter by it; a client without locations gets none."""

from __future__ import annotations

import json
from datetime import timedelta

from helpers import write_config
from repscan.app import cli
from repscan.app.browse import metadata
from repscan.core.config import load
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.core.store.queries import source_locations

NOW = utcnow()  # the canned queries look back from SQLite's now
KYIV, LVIV, BRAND = "https://t.example/review/kyiv", "https://t.example/review/lviv", "https://acme.example/reviews"
LOCATIONS = [{"id": "kyiv", "name": "Kyiv, Khreshchatyk"}, {"id": "lviv", "name": "Lviv, Rynok Square"}]


def chain(tmp_path):
    """Acme's three sources (Kyiv's page, Lviv's, and the brand's own about every location), each crawled once: a
    negative review on each, and a post on Kyiv's."""
    sources = [{"site": "trustpilot", "url": KYIV, "location": "kyiv"},
               {"site": "trustpilot", "url": LVIV, "location": "lviv"}, {"site": "jsonld", "url": BRAND}]
    cfg = load(write_config(tmp_path, sources, clients=[{
        "id": "acme", "name": "Acme Bakeries", "recipients": ["owner@acme.example"], "timezone": "Europe/Kyiv",
        "sources": sources, "locations": LOCATIONS}]))
    store = Store(cfg.database)
    for source in sources:
        site, url = source["site"], source["url"]
        at = stamp(NOW - timedelta(hours=2))
        crawl = store.start_crawl("acme", site, "Spider", url, started_at=at)
        sid = url.rsplit("/", 1)[-1]
        items = [{**make("review", source=site, source_id=f"r-{sid}", url=f"{url}#r", author="Made-up Person",
                         rating=1, text="Made-up complaint.", published_at=at), "negative": True}]
        if url == KYIV:
            items.append({**make("post", source=site, source_id="p-kyiv", url=f"{url}#p", text="Made-up post."),
                          "negative": False})
        store.save_items("acme", items, crawl_id=crawl, seen_at=at)
        store.finish_crawl(crawl, status="ok", items=len(items), new_items=len(items), requests=1, pages=1, full=True,
                           error=None, finished_at=at)
    store.close()
    return cfg


def test_export_gives_each_review_and_post_its_location(tmp_path, capsys):
    cfg = chain(tmp_path)
    assert cli.main(["--config", str(cfg.path), "export", "--client", "acme", "--format", "jsonl", "--out", "-",
                     "--tables", "reviews,posts"]) == cli.EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(row["table"], row["source_id"]): row["location"] for row in rows} == {
        ("reviews", "r-kyiv"): "Kyiv, Khreshchatyk", ("reviews", "r-lviv"): "Lviv, Rynok Square",
        ("reviews", "r-reviews"): None, ("posts", "p-kyiv"): "Kyiv, Khreshchatyk"}


def test_canned_queries_show_and_filter_by_location(tmp_path):
    cfg = chain(tmp_path)
    queries = metadata(cfg.database, locations=source_locations(cfg.clients))["databases"]["repscan"]["queries"]
    store = Store(cfg.database)
    try:
        def run(name, location):
            return {(row["text"], row["location"]) for row in store.query(
                queries[name]["sql"], {"client_id": "acme", "location": location})}
        for name in ("unanswered", "new_negatives"):
            assert {where for _text, where in run(name, "")} == {"Kyiv, Khreshchatyk", "Lviv, Rynok Square", None}
            assert run(name, "Lviv, Rynok Square") == {("Made-up complaint.", "Lviv, Rynok Square")}
    finally:
        store.close()
