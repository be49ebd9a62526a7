"""Pruning old crawl rows: whatever it deletes, every rule reads the same states, cut-offs and first crawls."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.core.store.crawls import HISTORY_CUTOFFS

SOURCES = [("trustpilot", "https://t.example/b/acme"), ("trustpilot", "https://t.example/b/acme-2"),
           ("jsonld", "https://j.example/acme")]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
STATUSES = {"ok": 4, "empty": 3, "broken": 2, "blocked": 2, "error": 1, "running": 1}


def history(store: Store, rng: random.Random) -> int:
    """Runs of one status at random over two clients and three source URLs, some crawls finishing out of order,
    some finding reviews; returns how many crawls."""
    hour = 0
    crawls = 0
    for _ in range(rng.randint(5, 40)):
        client_id, (source, url) = rng.choice(["acme", "other"]), rng.choice(SOURCES)
        status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
        for _ in range(rng.randint(1, 4)):
            hour += rng.randint(1, 30)
            started = START + timedelta(hours=hour)
            crawl_id = store.start_crawl(client_id, source, "Spider", url, started_at=stamp(started))
            crawls += 1
            if status == "running":
                continue
            items = rng.choice([0, 0, 3]) if status == "ok" else 0
            if items and rng.random() < 0.5:
                store.save_items(client_id, [make("review", source=source, source_id=f"r{crawl_id}-{n}", rating=4,
                                                  text="Fine.", published_at="2025-06-01T10:00:00Z")
                                             for n in range(items)], crawl_id=crawl_id, seen_at=stamp(started))
            late = timedelta(hours=rng.choice([1, 1, 1, 40]))  # now and then one ends after the next has begun
            store.finish_crawl(crawl_id, status=status, items=items, new_items=items, requests=1, pages=1,
                               full=False, error=None if status in ("ok", "empty") else f"{status} at page 1",
                               finished_at=stamp(started + late))
    return crawls


def what_rules_read(store: Store) -> dict:
    out = {}
    for client_id in ("acme", "other"):
        out[client_id] = {
            "states": store.source_states(client_id),
            "history_ends": store.query(f"WITH {HISTORY_CUTOFFS} SELECT * FROM history_ends ORDER BY source, url",
                                        [client_id, client_id]),
            "first_crawls": store.first_crawls(client_id),
            "items' cut-offs": {row["first_crawl_id"]: store.history_ends(client_id).get(row["first_crawl_id"])
                                for row in store.query("SELECT first_crawl_id FROM reviews WHERE client_id = ?",
                                                       [client_id])},
            "clean": {key: store.last_crawl_clean(client_id, *key) for key in SOURCES},
            "running": store.query("SELECT * FROM crawls WHERE client_id = ? AND status = 'running'", [client_id]),
        }
    return out


@pytest.mark.parametrize("seed", range(10))
def test_pruning_changes_nothing_a_rule_reads(tmp_path, seed):
    rng = random.Random(seed)
    store = Store(tmp_path / "a.db")
    crawls = history(store, rng)
    before = what_rules_read(store)
    cutoff = stamp(START + timedelta(days=rng.randint(0, 40)))
    recent = store.query("SELECT * FROM crawls WHERE finished_at >= ? ORDER BY id", [cutoff])
    would = store.prune_crawls(cutoff, dry_run=True)
    removed = store.prune_crawls(cutoff, chunk=3)  # small chunks: several transactions
    assert removed == would
    assert len(store.crawls()) == crawls - removed
    assert what_rules_read(store) == before
    assert store.query("SELECT * FROM crawls WHERE finished_at >= ? ORDER BY id", [cutoff]) == recent
    store.close()


def test_a_long_history_shrinks_to_the_crawls_that_matter(tmp_path):
    store = Store(tmp_path / "a.db")
    source, url = SOURCES[0]
    ids = []
    for day, (status, items) in enumerate([("ok", 5)] + [("ok", 0)] * 20 + [("broken", 0)] * 5 + [("ok", 0)] * 3):
        started = START + timedelta(days=day)
        ids.append(store.start_crawl("acme", source, "Spider", url, started_at=stamp(started)))
        store.finish_crawl(ids[-1], status=status, items=items, new_items=items, requests=1, pages=1, full=False,
                           error="broken at page 1" if status == "broken" else None,
                           finished_at=stamp(started + timedelta(hours=1)))
    kept_before = store.source_states("acme")
    assert store.prune_crawls(stamp(START + timedelta(days=100))) == len(ids) - 5
    # the first (the history import; it found items), the last broken, the first of the clean run since,
    # the newest clean one before the last, the last
    assert [row["id"] for row in store.crawls()] == [ids[0], ids[25], ids[26], ids[27], ids[28]]
    assert store.source_states("acme") == kept_before
    store.close()
