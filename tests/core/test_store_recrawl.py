"""A batch seen again: unchanged rows only marked seen, changed ones updated, nulls never erasing, in one save_items."""

from __future__ import annotations

from repscan.core.items import make, normalise
from repscan.spiders.pipelines import classify_item
from repscan.core.store import Store


def review(source_id: str, **values) -> dict:
    fields = {"source": "trustpilot", "source_id": source_id, "url": f"https://t.example/r/{source_id}",
              "author": "Made-up Person", "rating": 4, "title": "Fine", "text": "Made-up words about a visit.",
              "published_at": "2026-11-02T10:00:00Z", **values}
    return classify_item(normalise(make("review", **fields)))


def test_a_recrawl_marks_unchanged_rows_seen_and_writes_only_what_changed(tmp_path):
    store = Store(tmp_path / "repscan.db")
    first = [review(f"r{n}", reply_text="Thank you." if n == 2 else None) for n in range(4)]
    assert store.save_items("acme", first, crawl_id=1, seen_at="2026-12-01T10:00:00.000000Z")["new"] == 4
    before = {row["source_id"]: row for row in store.query("SELECT * FROM reviews")}
    again = [review("r0"), review("r1", rating=1, text="Made-up words, much worse now."), review("r2"),
             review("r3")]
    counts = store.save_items("acme", again, crawl_id=2, seen_at="2026-12-02T10:00:00.000000Z")
    assert counts == {"new": 0, "changed": 1, "newly_negative": 1, "items": 4}
    after = {row["source_id"]: row for row in store.query("SELECT * FROM reviews")}
    for source_id in ("r0", "r2", "r3"):  # unchanged: only when and by which crawl
        assert {k: v for k, v in after[source_id].items() if before[source_id][k] != v} == {
            "last_seen_at": "2026-12-02T10:00:00.000000Z", "last_crawl_id": 2}
    assert after["r2"]["reply_text"] == "Thank you."  # a null seen again never erases the stored reply
    assert (after["r1"]["rating"], after["r1"]["negative"], after["r1"]["negative_since"]) == (
        1.0, 1, "2026-12-02T10:00:00.000000Z")
    assert [v["changed"] for v in store.versions("acme", "trustpilot", "r1")] == ["new", "rating,text"]
    store.close()


def test_a_stamp_given_in_an_item_is_written_as_before(tmp_path):
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [review("r0")], crawl_id=1, seen_at="2026-12-01T10:00:00.000000Z")
    item = {**review("r0"), "first_seen_at": "2026-11-01T00:00:00.000000Z"}  # e.g. an import that knows better
    store.save_items("acme", [item], crawl_id=2, seen_at="2026-12-02T10:00:00.000000Z")
    row = store.query("SELECT first_seen_at, last_crawl_id FROM reviews")[0]
    assert row == {"first_seen_at": "2026-11-01T00:00:00.000000Z", "last_crawl_id": 2}
    store.close()


def test_the_reviews_waiting_for_a_reply_are_watched_at_the_clients_threshold(tmp_path):
    from datetime import timedelta

    from repscan.core.items import parse_iso

    store = Store(tmp_path / "repscan.db")
    seen, url = "2026-12-01T10:00:00.000000Z", "https://t.example/review/acme"
    crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url)
    store.save_items("acme", [review("one"), review("two", rating=2), review("three", rating=3),
                              review("answered", rating=1, reply_text="Sorry, we will call."),
                              review("timed", rating=1, reply_at="2026-11-03T10:00:00Z"), review("gone", rating=1),
                              review("five", rating=5)], crawl_id=crawl, seen_at=seen)
    store.save_items("acme", [review("old", rating=1)], crawl_id=crawl, seen_at="2026-08-01T10:00:00.000000Z")
    north = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url + "-north")  # another location's
    store.save_items("acme", [review("north", rating=1)], crawl_id=north, seen_at=seen)
    store._db.execute("UPDATE reviews SET rating = 1 WHERE source_id = 'one'")
    store._db.execute("UPDATE reviews SET removed_at = ? WHERE source_id = 'gone'", [seen])
    now = parse_iso(seen) + timedelta(days=2)
    assert store.watched_reviews("acme", "trustpilot", url, 0.4, now) == {"one": seen, "two": seen}
    assert store.watched_reviews("acme", "trustpilot", url, 0.6, now).keys() == {"one", "two", "three"}
    assert store.watched_reviews("acme", "trustpilot", url, 0.4, now + timedelta(days=89)) == {}  # past REPLY_WATCH
    assert store.watched_reviews("other", "trustpilot", url, 0.4, now) == {}
    assert store.watched_reviews("acme", "trustpilot", url + "-north", 0.4, now) == {"north": seen}
    store.close()


def test_the_last_watch_is_the_last_crawl_that_read_on_to_watched_reviews(tmp_path):
    store = Store(tmp_path / "repscan.db")
    url = "https://t.example/review/acme"

    def crawl(started_at: str, *, watched: int = 0) -> None:
        crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at=started_at,
                                     watched=watched)
        store.finish_crawl(crawl_id, status="ok", items=1, new_items=0, requests=1, pages=1, full=False, error=None)

    crawl("2026-12-01T10:00:00.000000Z")
    assert store.last_watch("acme", "trustpilot", url) is None
    crawl("2026-12-01T11:00:00.000000Z", watched=3)
    crawl("2026-12-01T12:00:00.000000Z")
    assert store.last_watch("acme", "trustpilot", url) == "2026-12-01T11:00:00.000000Z"
    assert store.last_watch("acme", "trustpilot", url + "/other") is None
    store.close()
