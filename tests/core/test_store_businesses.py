"""Site summaries (the businesses table): stored only when they change, repeats pruned; what reports read stays the same."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from helpers import write_config
from repscan.app import cli
from repscan.core.items import make, stamp
from repscan.core.store import Store

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def sightings(seed: int) -> list[tuple[str, int, str, dict]]:
    """(client, crawl, seen_at, business item): crawls of two clients' sources, each seeing its summary on every page,
    the rating and count changing now and then, a source sometimes crawled at a second URL."""
    rng = random.Random(seed)
    state = {}
    out, minute = [], 0
    for crawl in range(1, 61):
        client, source = rng.choice(("acme", "bolt")), rng.choice(("trustpilot", "google-maps"))
        rating, count = state.get((client, source), (4.2, 100))
        if rng.random() < 0.3:
            rating, count = rng.choice((4.1, 4.2, 4.3)), count + rng.randint(0, 2)
        state[(client, source)] = (rating, count)
        url = f"https://{source}.example/{client}" + ("/second" if rng.random() < 0.2 else "")
        for _ in range(rng.randint(1, 4)):  # one summary a page
            minute += 1
            out.append((client, crawl, stamp(START + timedelta(minutes=minute)),
                        make("business", source=source, url=url, name=f"{client.title()} Plumbing", rating=rating,
                             review_count=count)))
    return out


def every_sighting(path, seen) -> None:
    """The table as crawls wrote it before m019: a row for every page's summary."""
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO businesses (client_id, crawl_id, source, url, name, rating, review_count, seen_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(client, crawl, item["source"], item["url"], item["name"], item["rating"], item["review_count"],
                         seen_at) for client, crawl, seen_at, item in seen])


def read(store: Store, seen) -> dict:
    """What a report reads of the summaries: each source's values up to every moment (and before any, and now)."""
    moments = [None, stamp(START)] + [seen_at for _, _, seen_at, _ in seen]
    return {(client, until): {source: (row["url"], row["name"], row["rating"], row["review_count"])
                              for source, row in store.business_summaries(client, until).items()}
            for client in ("acme", "bolt") for until in moments}


@pytest.mark.parametrize("seed", range(4))
def test_a_crawl_stores_a_summary_only_when_it_changed_and_reports_read_the_same(tmp_path, seed):
    seen = sightings(seed)
    every_sighting(tmp_path / "before.db", seen)
    before = Store(tmp_path / "before.db")
    now = Store(tmp_path / "now.db")
    for client, crawl, seen_at, item in seen:
        now.save_items(client, [item], crawl_id=crawl, seen_at=seen_at)
    assert read(now, seen) == read(before, seen)
    stored = now.query("SELECT COUNT(*) AS n FROM businesses")[0]["n"]
    assert stored < len(seen)  # the repeats were not stored

    expected = read(before, seen)
    assert before.prune_businesses(dry_run=True) == len(seen) - stored
    assert before.prune_businesses() == len(seen) - stored
    assert read(before, seen) == expected
    assert before.query("SELECT COUNT(*) AS n FROM businesses")[0]["n"] == stored
    assert before.prune_businesses() == 0
    before.close()
    now.close()


def test_prune_deletes_the_repeated_summaries(tmp_path, capsys):
    config = write_config(tmp_path, [("trustpilot", "https://trustpilot.example/acme")])
    seen = [s for s in sightings(7) if s[0] == "acme"]
    every_sighting(tmp_path / "repscan.db", seen)
    store = Store(tmp_path / "repscan.db")
    repeats = store.prune_businesses(dry_run=True)
    store.close()
    assert repeats > 0
    assert cli.main(["--config", str(config), "prune", "--keep-days", "30"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"deleted {repeats} site summaries that repeat the one before them or of pages no source names any more")


def test_a_chain_with_a_page_per_location_shows_the_sites_figures_over_all_its_pages(tmp_path):
    """Two Trustpilot pages (two locations): counts added, the rating weighted by each page's count; never the figure
    of whichever page was crawled last (what the platform table showed before)."""
    store = Store(tmp_path / "repscan.db")
    for url, rating, count in (("https://t.example/review/kyiv", 4.5, 30), ("https://t.example/review/lviv", 3.0, 10)):
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url)
        store.save_items("acme", [make("business", source="trustpilot", url=url, name="Acme", rating=rating,
                                       review_count=count)], crawl_id=crawl)
    crawl = store.start_crawl("acme", "google-maps", "GoogleMapsSpider", "https://g.example/acme")
    store.save_items("acme", [make("business", source="google-maps", url="https://g.example/acme", rating=4.0,
                                   review_count=None)], crawl_id=crawl)
    summaries = store.business_summaries("acme", None)
    store.close()
    trustpilot = summaries["trustpilot"]
    assert (trustpilot["rating"], trustpilot["review_count"], trustpilot["pages"]) == (4.12, 40, 2)
    assert (summaries["google-maps"]["rating"], summaries["google-maps"]["pages"]) == (4.0, 1)


def test_a_chain_s_pages_crawled_in_turn_store_nothing_new_while_unchanged(tmp_path):
    """Each page is compared with its own last summary, not with whichever page of the site was stored last (which
    stored a row for every crawl of a chain), and prune removes the rows an older store holds for them."""
    store = Store(tmp_path / "repscan.db")
    pages = (("https://t.example/review/kyiv", 4.5, 30), ("https://t.example/review/lviv", 3.0, 10))
    for _ in range(3):
        for url, rating, count in pages:
            crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url)
            store.save_items("acme", [make("business", source="trustpilot", url=url, name="Acme", rating=rating,
                                           review_count=count)], crawl_id=crawl)
    assert store.query("SELECT COUNT(*) AS n FROM businesses")[0]["n"] == 2
    store.close()
    seen = [("acme", crawl, stamp(START + timedelta(hours=crawl)),
             make("business", source="trustpilot", url=url, name="Acme", rating=rating, review_count=count))
            for crawl, (url, rating, count) in enumerate(pages * 3)]
    every_sighting(tmp_path / "old.db", seen)
    old = Store(tmp_path / "old.db")
    expected = {until: old.business_summaries("acme", until)["trustpilot"]["review_count"]
                for until in [stamp(START + timedelta(hours=h, minutes=1)) for h in range(6)]}
    assert old.prune_businesses() == 4
    assert {until: old.business_summaries("acme", until)["trustpilot"]["review_count"] for until in expected} \
        == expected
    old.close()


def test_a_page_without_a_count_leaves_the_combined_figures_unknown():
    from repscan.core.store.summaries import combined

    pages = [{"source": "yelp", "url": "a", "name": "A", "rating": 4.0, "review_count": 12},
             {"source": "yelp", "url": "b", "name": "B", "rating": 2.0, "review_count": None}]
    assert (combined(pages)["rating"], combined(pages)["review_count"]) == (None, None)


def test_a_page_the_config_no_longer_names_never_counts_and_prune_removes_its_summaries(tmp_path, capsys):
    """Trustpilot renamed the client's page: the config names the new URL, and the old page's last summary must not
    add itself to the platform row as a second page (200 reviews where the site shows 100); `repscan prune` deletes
    its summaries and keeps its reviews and crawls."""
    from repscan.core.config import load
    from repscan.reports import queries

    old, new = "https://t.example/review/acme-old", "https://t.example/review/acme"
    store = Store(tmp_path / "repscan.db")
    for url, ago in ((old, 30), (new, 2)):
        at = stamp(NOW - timedelta(hours=ago))
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at=at)
        store.save_items("acme", [make("business", source="trustpilot", url=url, name="Acme", rating=4.2,
                                       review_count=100),
                                  {**make("review", source="trustpilot", source_id=f"r-{ago}", url=f"{url}#r",
                                          rating=5, text="Made-up praise.", published_at=at), "negative": False}],
                         crawl_id=crawl, seen_at=at)
        store.finish_crawl(crawl, status="ok", items=2, new_items=2, requests=1, pages=1, full=True, error=None,
                           finished_at=at)
    config = load(write_config(tmp_path, [("trustpilot", new)]))
    data = queries.build(config, config.client("acme"), store, since=None, until=NOW)
    assert store.prune_businesses(dry_run=True, sources={"acme": [("trustpilot", new)]}) == 1
    store.close()
    [trustpilot] = data.scoreboard
    assert (trustpilot.count, trustpilot.rating, trustpilot.pages, trustpilot.tracked) == (100, 4.2, 1, 2)
    assert cli.main(["--config", str(config.path), "prune", "--keep-days", "30"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[-1].startswith("deleted 1 site summaries")
    store = Store(tmp_path / "repscan.db")
    left = store.query("SELECT url FROM businesses")
    kept = (len(store.query("SELECT * FROM reviews")), len(store.crawls("acme")))
    store.close()
    assert left == [{"url": new}] and kept == (2, 2)


def test_a_source_url_edited_in_the_config_keeps_its_page_s_summary(tmp_path):
    """The config's URL of a source changes (a query string added) while the site's page and its figures stay the
    same: the next crawl stores the summary again under its own source URL, so the page still counts, and prune
    keeps that row (it repeats the values, not the source that found them)."""
    before, after = "https://t.example/review/acme", "https://t.example/review/acme?languages=all"
    store = Store(tmp_path / "repscan.db")
    for url in (before, after):
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url)
        store.save_items("acme", [make("business", source="trustpilot", url=before, name="Acme", rating=4.2,
                                       review_count=100)], crawl_id=crawl)
    assert store.prune_businesses(sources={"acme": [("trustpilot", after)]}) == 1  # the page under its old source
    summary = store.business_summaries("acme", None, [("trustpilot", after)])["trustpilot"]
    store.close()
    assert (summary["review_count"], summary["pages"]) == (100, 1)
