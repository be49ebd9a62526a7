"""The store: batches in one transaction, re-seen reviews are not new, edits are versioned."""

from __future__ import annotations

import sqlite3

import pytest

from sqlite_utils import Database

from repscan.core.items import make
from repscan.core.store import Store


def review(source_id, rating=5.0, text="Fine.", reply=None, negative=False, **extra):
    item = make("review", source="trustpilot", source_id=source_id, url=f"https://t.example/r/{source_id}",
                business_url="https://t.example/b", author="A. Person", rating=rating, text=text,
                published_at="2026-11-01T10:00:00Z", reply_text=reply, **extra)
    return {**item, "sentiment": 0.0, "negative": negative}


def test_schema_is_created_with_wal_and_migrations_recorded(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.query("PRAGMA journal_mode") == [{"journal_mode": "wal"}]
    tables = {row["name"] for row in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"reviews", "review_versions", "posts", "search_results", "crawls", "reports", "businesses"} <= tables
    store.close()
    again = Store(tmp_path / "a.db")  # reopening applies nothing twice
    names = [r["name"] for r in again.query("SELECT name FROM _sqlite_migrations")]
    assert names[0] == "m001_initial" and len(names) == len(set(names))
    again.close()


def test_reseen_review_updates_last_seen_and_is_not_new(tmp_path):
    store = Store(tmp_path / "a.db")
    first = store.save_items("acme", [review("r1"), review("r2")], crawl_id=1, seen_at="2026-11-01T00:00:00.000000Z")
    again = store.save_items("acme", [review("r1")], crawl_id=2, seen_at="2026-11-02T00:00:00.000000Z")
    assert first == {"new": 2, "changed": 0, "newly_negative": 0, "items": 2}
    assert again == {"new": 0, "changed": 0, "newly_negative": 0, "items": 1}
    row = store.query("SELECT * FROM reviews WHERE source_id = 'r1'")[0]
    assert row["first_seen_at"] == "2026-11-01T00:00:00.000000Z" and row["last_seen_at"] == "2026-11-02T00:00:00.000000Z"
    assert row["first_crawl_id"] == 1 and row["last_crawl_id"] == 2
    assert store.known_ids("acme", "trustpilot") == {"r1", "r2"}
    assert store.known_ids("other-client", "trustpilot") == set()
    assert [r["source_id"] for r in store.reviews_since("acme", "2026-11-01T12:00:00.000000Z", threshold=0.4)] == []
    store.close()


def post(source_id, text, negative):
    item = make("post", source="facebook", source_id=source_id, url=f"https://f.example/p/{source_id}",
                author="B. Person", text=text, published_at="2025-06-01T10:00:00Z")
    return {**item, "sentiment": -0.5 if negative else 0.1, "negative": negative}


def test_the_same_words_judged_anew_are_not_a_new_negative(tmp_path):
    # A year-old post the word lists let pass and the model flags (or a node without the model, then one with it)
    # must not turn into a "new" complaint: it is negative since it was first seen, and nothing alerts.
    store = Store(tmp_path / "a.db")
    text = "Paid for a cake on Saturday, card charged, nobody answers the phone."
    store.save_items("acme", [post("p1", text, negative=False)], seen_at="2025-06-02T00:00:00.000000Z")
    counts = store.save_items("acme", [post("p1", text, negative=True)], seen_at="2026-11-03T00:00:00.000000Z")
    assert counts["newly_negative"] == 0
    [row] = store.query("SELECT negative, negative_since, first_seen_at FROM posts WHERE source_id = 'p1'")
    assert row["negative"] == 1 and row["negative_since"] == row["first_seen_at"] == "2025-06-02T00:00:00.000000Z"
    # an edit by its author is news
    counts = store.save_items("acme", [post("p2", "Lovely cake.", negative=False)], seen_at="2026-11-01T00:00:00.000000Z")
    counts = store.save_items("acme", [post("p2", "Cake was mouldy inside.", negative=True)],
                              seen_at="2026-11-03T00:00:00.000000Z")
    assert counts["newly_negative"] == 1
    store.close()


def test_rating_drop_is_versioned_and_newly_negative_after_the_cutoff(tmp_path):
    store = Store(tmp_path / "a.db")
    store.save_items("acme", [review("r1", rating=4)], seen_at="2026-11-01T00:00:00.000000Z")
    counts = store.save_items("acme", [review("r1", rating=1, text="Worse now.", negative=True)],
                              seen_at="2026-11-03T00:00:00.000000Z")
    assert counts["changed"] == 1 and counts["newly_negative"] == 1
    since = [r["source_id"] for r in store.reviews_since("acme", "2026-11-02T00:00:00.000000Z", threshold=0.4)]
    assert since == ["r1"]
    versions = store.versions("acme", "trustpilot", "r1")
    assert [(v["changed"], v["rating"], v["text"]) for v in versions] == [("new", 4.0, "Fine."), ("rating,text", 1.0, "Worse now.")]
    store.close()


def test_reply_added_later_is_versioned_and_a_null_reply_never_erases_it(tmp_path):
    store = Store(tmp_path / "a.db")
    store.save_items("acme", [review("r1")])
    store.save_items("acme", [review("r1", reply="Thank you!", reply_at="2026-11-01T11:00:00Z")])
    store.save_items("acme", [review("r1")])  # e.g. a JSON-LD fallback without replies
    row = store.query("SELECT * FROM reviews")[0]
    assert row["reply_text"] == "Thank you!" and row["reply_at"] == "2026-11-01T11:00:00Z"
    assert [v["changed"] for v in store.versions("acme", "trustpilot", "r1")] == ["new", "reply_text,reply_at"]
    store.close()


def test_a_review_stores_its_first_version_only_once_it_changes(tmp_path):
    store = Store(tmp_path / "a.db")
    store.save_items("acme", [review("r1", rating=4), review("r2")], crawl_id=1, seen_at="2026-11-01T00:00:00.000000Z")
    store.save_items("acme", [review("r1", rating=4), review("r2")], crawl_id=2, seen_at="2026-11-02T00:00:00.000000Z")
    assert store.query("SELECT COUNT(*) AS n FROM review_versions") == [{"n": 0}]
    first = store.versions("acme", "trustpilot", "r1")
    assert [(v["changed"], v["rating"], v["seen_at"], v["crawl_id"]) for v in first] == \
        [("new", 4.0, "2026-11-01T00:00:00.000000Z", 1)]
    store.save_items("acme", [review("r1", rating=2, text="Worse.")], crawl_id=3, seen_at="2026-11-03T00:00:00.000000Z")
    store.save_items("acme", [review("r1", rating=2, text="Worse.", reply="Sorry.")], crawl_id=4,
                     seen_at="2026-11-04T00:00:00.000000Z")
    versions = store.versions("acme", "trustpilot", "r1")
    assert [(v["changed"], v["rating"], v["text"], v["reply_text"], v["crawl_id"]) for v in versions] == [
        ("new", 4.0, "Fine.", None, 1), ("rating,text", 2.0, "Worse.", None, 3), ("reply_text", 2.0, "Worse.", "Sorry.", 4)]
    assert [v["changed"] for v in store.versions("acme", "trustpilot", "r2")] == ["new"]
    assert store.versions("acme", "trustpilot", "nope") == []
    store.close()


def test_the_migration_drops_only_first_versions_the_review_row_holds(tmp_path):
    from repscan.core.store.migrations import migrations

    path = tmp_path / "a.db"
    db = Database(path)
    migrations.apply(db, stop_before="m009_first_versions_in_the_review_row")
    columns = [row[1] for row in db.execute("PRAGMA table_info(reviews)").fetchall() if row[1] != "removed_at"]
    for n, rating in enumerate((5.0, 4.0, 3.0)):  # as the store wrote them before: a "new" row for every review
        row = {c: None for c in columns} | {"client_id": "acme", "source": "trustpilot", "source_id": f"r{n}",
                                            "rating": rating, "text": "Fine.", "first_seen_at": "2026-11-01T00:00:00Z",
                                            "first_crawl_id": 1, "negative": 0, "published_approx": 0}
        db["reviews"].insert(row)
        db["review_versions"].insert({"client_id": "acme", "source": "trustpilot", "source_id": f"r{n}", "crawl_id": 1,
                                      "seen_at": "2026-11-01T00:00:00Z", "changed": "new", "rating": rating,
                                      "text": "Fine."})
    db["review_versions"].insert({"client_id": "acme", "source": "trustpilot", "source_id": "r1", "crawl_id": 2,
                                  "seen_at": "2026-11-02T00:00:00Z", "changed": "rating", "rating": 1.0, "text": "Fine."})
    db.execute("UPDATE reviews SET rating = 1.0 WHERE source_id = 'r1'")
    db.conn.commit()
    before = {f"r{n}": [{k: v for k, v in version.items() if k != "id"} for version in
                        db.query("SELECT * FROM review_versions WHERE source_id = ? ORDER BY id", [f"r{n}"])]
              for n in range(3)}
    db.close()
    store = Store(path)
    assert [row["source_id"] for row in store.query("SELECT source_id FROM review_versions ORDER BY id")] == ["r1", "r1"]
    for source_id, versions in before.items():
        after = [{k: v for k, v in version.items() if k != "id"} for version in store.versions("acme", "trustpilot", source_id)]
        assert after == versions
    store.close()


def test_a_failing_batch_writes_nothing(tmp_path):
    store = Store(tmp_path / "a.db")
    bad = review("r2", text=object())  # sqlite3 cannot bind it: fails mid-batch
    with pytest.raises(sqlite3.Error):
        store.save_items("acme", [review("r1"), review("r3"), bad])
    with pytest.raises(ValueError, match="needs source and source_id"):
        store.save_items("acme", [review("r1"), review(None)])
    assert store.query("SELECT COUNT(*) AS n FROM reviews") == [{"n": 0}]
    store.close()


def test_mark_removed_only_touches_reviews_missing_from_that_crawl(tmp_path):
    store = Store(tmp_path / "a.db")
    store.save_items("acme", [review("r1"), review("r2")], crawl_id=1)
    store.save_items("acme", [review("r1")], crawl_id=2)
    assert store.mark_removed("acme", "trustpilot", "https://t.example/b", crawl_id=2) == 1
    removed = {r["source_id"]: r["removed_at"] for r in store.query("SELECT * FROM reviews")}
    assert removed["r1"] is None and removed["r2"] is not None
    store.close()


def test_report_bookkeeping_reuses_an_unsent_report(tmp_path):
    store = Store(tmp_path / "a.db")
    report_id = store.add_report("acme", period_start=None, period_end="2026-11-01T00:00:00.000000Z",
                                 pdf_path="/tmp/x.pdf", new_reviews=3, new_negatives=1)
    assert store.pending_report("acme")["id"] == report_id and store.last_sent_report("acme") is None
    store.mark_sending(report_id, ["a@x.example"], "<id@x>")
    assert store.pending_report("acme")["message_id"] == "<id@x>"
    store.mark_sent(report_id)
    assert store.pending_report("acme") is None
    assert store.last_sent_report("acme")["period_end"] == "2026-11-01T00:00:00.000000Z"
    store.close()


def test_whitespace_only_differences_are_not_edits(tmp_path):
    store = Store(tmp_path / "a.db")
    store.save_items("acme", [review("r1", text="Line one.\nLine two.")])
    counts = store.save_items("acme", [review("r1", text="Line one. Line two.")])  # JSON-LD flattens breaks
    assert counts["changed"] == 0
    assert store.query("SELECT text FROM reviews")[0]["text"] == "Line one.\nLine two."
    assert len(store.versions("acme", "trustpilot", "r1")) == 1
    store.close()


def test_a_transaction_commits_together_or_not_at_all(tmp_path):
    store = Store(tmp_path / "a.db")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_items("acme", [review("r1")])
            with store.transaction():  # nested: a savepoint in the outer transaction
                store.mark_done("acme", "crawl", "2026-11-01T00:00", "ok")
            raise RuntimeError("after both writes")
    assert store.query("SELECT COUNT(*) AS n FROM reviews") == [{"n": 0}] and store.last_done("acme", "crawl") is None
    with store.transaction():
        store.save_items("acme", [review("r1")])
        store.mark_done("acme", "crawl", "2026-11-01T00:00", "ok")
    assert store.known_ids("acme", "trustpilot") == {"r1"} and store.last_done("acme", "crawl") == "2026-11-01T00:00"
    store.close()


def test_a_writer_waits_for_another_processes_transaction_instead_of_failing(tmp_path):
    """BEGIN IMMEDIATE: the second writer waits (busy_timeout) for the first to commit, no "database is locked"."""
    import threading
    import time

    first = Store(tmp_path / "a.db")
    outcome = {}

    def second_writer():
        other = Store(tmp_path / "a.db")
        try:
            with other.transaction():
                outcome["saw"] = other.known_ids("acme", "trustpilot")  # a read, then a write
                other.save_items("acme", [review("r2")])
        except Exception as exc:  # noqa: BLE001 (reported below)
            outcome["error"] = exc
        finally:
            other.close()

    with first.transaction():
        first.save_items("acme", [review("r1")])
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # waiting for the write lock
    thread.join(10)
    assert "error" not in outcome and outcome["saw"] == {"r1"}
    assert first.known_ids("acme", "trustpilot") == {"r1", "r2"}
    first.close()


def test_the_reviewer_review_count_is_stored_and_a_later_null_keeps_it(tmp_path):
    from repscan.core.store.migrations import migrations

    path = tmp_path / "a.db"
    db = Database(path)
    migrations.apply(db, stop_before="m012_author_review_count")
    assert "author_review_count" not in db["reviews"].columns_dict
    db.close()
    store = Store(path)  # m012 adds the column
    store.save_items("acme", [review("r1", author_review_count=1), review("r2")], crawl_id=1,
                     seen_at="2026-11-01T00:00:00.000000Z")
    store.save_items("acme", [review("r2", author_review_count=7), review("r1")], crawl_id=2,
                     seen_at="2026-11-02T00:00:00.000000Z")
    counts = {row["source_id"]: row["author_review_count"] for row in store.query("SELECT * FROM reviews")}
    assert counts == {"r1": 1, "r2": 7}
    store.close()
