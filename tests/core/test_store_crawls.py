"""The crawls table read by id and by index: a source's state from a few rows equals its state from all of them."""

from __future__ import annotations

import random
import re

import pytest

from repscan.core.store import Store
from repscan.core.store.crawls import source_states

SOURCES = [("trustpilot", "https://t.example/b/acme"), ("trustpilot", "https://t.example/b/acme-2"),
           ("jsonld", "https://j.example/acme")]


def add_crawl(store: Store, client_id: str, source: str, url: str, status: str, items: int) -> int:
    crawl_id = store.start_crawl(client_id, source, "Spider", url)
    if status != "running":
        store.finish_crawl(crawl_id, status=status, items=items, new_items=0, requests=1, pages=1, full=False,
                           error=None if status in ("ok", "empty") else f"{status} at page 1")
    return crawl_id


@pytest.mark.parametrize("seed", range(12))
def test_source_states_from_indexed_reads_match_the_whole_history(tmp_path, seed):
    rng = random.Random(seed)
    store = Store(tmp_path / "a.db")
    # runs of one status, so histories have long broken, blocked and clean stretches, found items or not
    weights = {"ok": 4, "empty": 3, "broken": 2, "blocked": 2, "error": 1, "running": 1}
    for _ in range(rng.randint(1, 60)):
        source, url = rng.choice(SOURCES)
        status = rng.choices(list(weights), list(weights.values()))[0]
        for _ in range(rng.randint(1, 4)):
            add_crawl(store, rng.choice(["acme", "other"]), source, url, status,
                      rng.choice([0, 0, 3]) if status == "ok" else 0)
    for client_id in ("acme", "other"):
        everything = store.query("SELECT * FROM crawls WHERE client_id = ? AND status != 'running' ORDER BY id",
                                 [client_id])
        assert store.source_states(client_id) == source_states(everything)
    store.close()


def test_a_broken_run_keeps_its_start_and_the_clean_crawl_before_it(tmp_path):
    store = Store(tmp_path / "a.db")
    source, url = SOURCES[0]
    add_crawl(store, "acme", source, url, "empty", 0)        # empty before it ever found items: clean
    clean = add_crawl(store, "acme", source, url, "ok", 5)
    began = add_crawl(store, "acme", source, url, "empty", 0)  # a silent zero: broken
    add_crawl(store, "acme", source, url, "blocked", 0)
    add_crawl(store, "acme", source, url, "broken", 0)
    last = add_crawl(store, "acme", source, url, "empty", 0)
    add_crawl(store, "acme", source, url, "running", 0)
    state = store.source_states("acme")[(source, url)]
    assert (state.status, state.last["id"], state.recovered_at) == ("broken", last, clean)
    assert state.since["id"] == began + 2  # the run of "broken" after the block
    store.close()


def test_a_run_reads_its_own_crawls_and_the_last_state_by_index(tmp_path):
    store = Store(tmp_path / "a.db")
    source, url = SOURCES[0]
    old = [add_crawl(store, "acme", source, url, "ok", 1) for _ in range(3)]
    before = store.last_crawl_id()
    assert before == old[-1]
    assert store.last_crawl_clean("acme", source, url)
    mine = [add_crawl(store, "acme", source, url, "error", 0), add_crawl(store, "acme", *SOURCES[2], "running", 0)]
    assert [row["id"] for row in store.crawls_after(before)] == mine
    assert [row["id"] for row in store.crawls_by_id([mine[1], None, old[0]])] == [old[0], mine[1]]
    assert not store.last_crawl_clean("acme", source, url)
    assert not store.last_crawl_clean("acme", *SOURCES[2])  # a crawl still running is no clean end
    assert store.last_crawl_clean("acme", *SOURCES[1])  # never crawled
    assert store.close_interrupted_crawls() == 1
    plans = {
        "running": "UPDATE crawls SET status = 'error' WHERE status = 'running'",
        "states": "SELECT MAX(id) FROM crawls WHERE client_id = 'a' AND source = 's' AND url = 'u' AND status = 'ok'"
                  " AND id < 9",
        "sources": "SELECT source, url FROM crawls WHERE client_id = 'a' AND (source, url) > ('', '')"
                   " ORDER BY source, url LIMIT 1",
        "since": "SELECT * FROM crawls WHERE id > 5 ORDER BY id",
    }
    for name, sql in plans.items():
        plan = " ".join(row["detail"] for row in store.query(f"EXPLAIN QUERY PLAN {sql}"))
        # a search of an index, or a scan of the partial index of running crawls (a handful of rows)
        assert not re.search(r"SCAN crawls(?! USING (COVERING )?INDEX idx_crawls_running)", plan), (name, plan)
    store.close()

