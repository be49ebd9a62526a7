"""The evidence record in the store: which items keep their page, one copy per page in the rows' transaction, URLs without credentials."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3

import pytest
import zstandard

from repscan.core.items import make
from repscan.core.store import Store
from repscan.core.store.evidence import Page, recorded_url, text_hash

SERP = Page(url="https://search.example/q?q=acme&key=k-123&page=1", body=b"<html>results for acme</html>",
            status=200, fetched_at="2026-12-01T09:00:00Z")
REVIEWS = Page(url="https://reviews.example/acme", body=b"<html>two reviews</html>", status=200,
               fetched_at="2026-12-01T09:01:00Z")


def result(rank: int, url: str, category: str, negative: bool) -> dict:
    item = make("search_result", engine="bing", query="acme", rank=rank, url=url, title=f"Result {rank}",
                snippet="Something about Acme.")
    return {**item, "category": category, "negative": negative, "sentiment": -0.9 if negative else 0.3}


def review(source_id: str, rating: float, negative: bool) -> dict:
    item = make("review", source="trustpilot", source_id=source_id, url="https://reviews.example/acme",
                business_url="https://reviews.example/acme", author="A. Person", rating=rating,
                text="Made-up words for a test.", published_at="2026-11-30T10:00:00Z")
    return {**item, "negative": negative, "sentiment": 0.0}


def keep(tmp_path, found: list[tuple[dict, Page]]) -> tuple[Store, int]:
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [item for item, _ in found], crawl_id=7, seen_at="2026-12-01T09:02:00Z")
    return store, store.record_evidence("acme", found, crawl_id=7)


def page_copy(store: Store, reports, row: dict) -> bytes:
    with store.open_copy(reports, row) as stream:
        return stream.read()


def pages_kept(store: Store) -> int:
    return store.query("SELECT COUNT(*) AS n FROM evidence_pages")[0]["n"]


def test_page_one_complaints_keep_the_results_page_and_nothing_else_does(tmp_path):
    found = [(result(2, "https://complaints.example/acme-1", "complaint", False), SERP),  # a complaint site
             (result(3, "https://news.example/acme-fraud", "news", True), SERP),  # reads negative, not ours
             (result(4, "https://acme.example/", "own", True), SERP),  # our own page never is
             (result(11, "https://complaints.example/acme-2", "complaint", True), SERP),  # page two
             (result(5, "https://directory.example/acme", "review", False), SERP)]
    store, added = keep(tmp_path, found)
    rows = store.evidence("acme")
    assert added == 2 and [row["source_id"] for row in rows] == ["https://complaints.example/acme-1",
                                                                  "https://news.example/acme-fraud"]
    assert {row["sha256"] for row in rows} == {hashlib.sha256(SERP.body).hexdigest()} and pages_kept(store) == 1
    assert {row["path"] for row in rows} == {None}  # in the store, no file
    assert rows[0]["first_seen_at"] == "2026-12-01T09:02:00Z" and rows[0]["query"] == "acme"
    assert rows[0]["url"] == "https://search.example/q?q=acme&page=1"  # the key= parameter is not recorded
    assert page_copy(store, tmp_path / "reports", rows[0]) == SERP.body
    assert store.check_copy(tmp_path / "reports", rows[0]) is None
    assert not (tmp_path / "reports").exists()
    store.close()


def test_a_positive_review_keeps_nothing_and_a_repeat_adds_nothing(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS), (review("r2", 5.0, False), REVIEWS)])
    assert added == 1 and [row["source_id"] for row in store.evidence("acme")] == ["r1"]
    assert store.record_evidence("acme", [(review("r1", 1.0, True), REVIEWS)]) == 0
    edited = {**review("r1", 1.0, True), "text": "Other made-up words."}
    assert store.record_evidence("acme", [(edited, REVIEWS)]) == 1
    rows = store.evidence("acme", "trustpilot", "r1")
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"]  # the same page: one copy, two rows
    assert pages_kept(store) == 1
    store.close()


def test_two_clients_on_one_page_share_its_copy_and_prune_keeps_it_while_a_row_names_it(tmp_path):
    store, _ = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS)])
    store.save_items("other", [review("r1", 1.0, True)], crawl_id=8)
    assert store.record_evidence("other", [(review("r1", 1.0, True), REVIEWS)], crawl_id=8) == 1
    assert pages_kept(store) == 1
    with store.transaction():
        store._db.conn.execute("DELETE FROM evidence WHERE client_id = 'acme'")  # rows deleted by hand
    assert store.prune_copies(tmp_path / "reports", dry_run=True) == 0 and pages_kept(store) == 1
    with store.transaction():
        store._db.conn.execute("DELETE FROM evidence")
    assert store.prune_copies(tmp_path / "reports", dry_run=True) == 1 and pages_kept(store) == 1
    assert store.prune_copies(tmp_path / "reports") == 1 and pages_kept(store) == 0
    store.close()


def test_recorded_urls_carry_no_credentials():
    assert recorded_url("https://u:pw@api.example/v1/r?access_token=T&page=2&Token=x&api_key=k") == \
        "https://api.example/v1/r?page=2"
    assert recorded_url("https://site.example/reviews?sort=new") == "https://site.example/reviews?sort=new"


def test_a_row_without_a_page_says_why_and_a_copy_arriving_later_is_kept(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS), (review("r2", 1.0, True), None)])
    assert added == 2
    with_copy, without = store.evidence("acme")
    assert with_copy["note"] is None and store.check_copy(tmp_path / "reports", with_copy) is None
    assert without["note"] == "no copy" and without["sha256"] is None and without["path"] is None
    assert without["url"] == "https://reviews.example/acme" and without["fetched_at"] is None
    assert store.record_evidence("acme", [(review("r2", 1.0, True), None)]) == 0  # no repeat
    assert store.record_evidence("acme", [(review("r2", 1.0, True), REVIEWS)]) == 1
    assert store.record_evidence("acme", [(review("r2", 1.0, True), REVIEWS)]) == 0
    store.close()


def test_a_copy_is_zstd_verified_and_an_altered_or_missing_one_is_found(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS)])
    [row] = store.evidence("acme")
    reports = tmp_path / "reports"

    def replace(body: bytes) -> None:
        with store.transaction():
            store._db.conn.execute("UPDATE evidence_pages SET body = ?", [body])

    [(packed,)] = store._db.conn.execute("SELECT body FROM evidence_pages").fetchall()
    assert added == 1 and packed[:4] == b"\x28\xb5\x2f\xfd" and len(packed) < 200
    assert zstandard.ZstdDecompressor().decompress(packed) == REVIEWS.body  # zstd -d reads it as it is
    assert store.check_copy(reports, row) is None
    replace(zstandard.ZstdCompressor().compress(REVIEWS.body.replace(b"two", b"six")))
    assert store.check_copy(reports, row) == "altered (hash differs)"
    replace(packed[:-6] + bytes(6))  # the frame's checksum and last bytes overwritten
    assert store.check_copy(reports, row).startswith("altered (unreadable")
    replace(b"plain text")
    assert store.check_copy(reports, row).startswith("altered (unreadable")
    replace("a body edited by hand into text")  # stored as TEXT, not bytes
    assert store.check_copy(reports, row).startswith("altered (unreadable")
    replace(packed)
    out = tmp_path / "out.html"
    assert store.check_copy(reports, row, out=out) is None and out.read_bytes() == REVIEWS.body
    replace(zstandard.ZstdCompressor().compress(b"other bytes"))
    assert store.check_copy(reports, row, out=tmp_path / "bad.html") == "altered (hash differs)"
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix == ".html") == ["out.html"]  # nothing else
    with store.transaction():
        store._db.conn.execute("DELETE FROM evidence_pages")
    assert store.check_copy(reports, row) == "missing"
    store.close()


@pytest.mark.parametrize("kept_as", [".html.gz", ".html.zst"])
def test_a_copy_kept_as_a_file_before_still_verifies(tmp_path, kept_as):
    """Stores from before m025 name files under reports_dir: they verify (and an altered one is found); the same
    page seen again for another item is kept in the store, the old file left as it was."""
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [review("r1", 1.0, True), review("r2", 1.0, True)], crawl_id=7)
    sha = hashlib.sha256(REVIEWS.body).hexdigest()
    old = tmp_path / "reports" / "evidence" / "acme" / "trustpilot" / f"{sha}{kept_as}"
    old.parent.mkdir(parents=True)
    pack = gzip.compress if kept_as == ".html.gz" else zstandard.ZstdCompressor().compress
    old.write_bytes(pack(REVIEWS.body))
    with store.transaction():
        store._insert("evidence", [{"client_id": "acme", "kind": "review", "source": "trustpilot", "source_id": "r1",
                                    "sha256": sha, "path": f"evidence/acme/trustpilot/{sha}{kept_as}",
                                    "size": len(REVIEWS.body), "text_sha256": text_hash(review("r1", 1.0, True))}])
    assert store.record_evidence("acme", [(review("r1", 1.0, True), REVIEWS),
                                          (review("r2", 1.0, True), REVIEWS)]) == 1
    rows = store.evidence("acme")
    assert [row["path"] for row in rows] == [f"evidence/acme/trustpilot/{sha}{kept_as}", None]
    assert all(store.check_copy(tmp_path / "reports", row) is None for row in rows)
    assert page_copy(store, tmp_path / "reports", rows[0]) == REVIEWS.body
    old.write_bytes(pack(REVIEWS.body + b"!"))
    assert store.check_copy(tmp_path / "reports", rows[0]) == "altered (hash differs)"
    old.unlink()  # gone, but the same page was kept in the store since (for r2): that copy serves the old row too
    assert store.check_copy(tmp_path / "reports", rows[0]) is None
    with store.transaction():
        store._db.conn.execute("DELETE FROM evidence_pages")
    assert store.check_copy(tmp_path / "reports", rows[0]) == store.check_copy(tmp_path / "reports", rows[1]) == "missing"
    store.close()


@pytest.mark.parametrize("words", [
    ["1.0", "A title", "Plain words."], [None, "Ünïcödé “quotes” and \\ backslash", "tab\tand \"quoted\""],
    ["2", None, None], ["5.0", "emoji 😀 and \u2028 separator", "control \x01 kept as JSON escapes"],
])
def test_text_hash_is_the_json_hash_older_rows_hold(words):
    """text_hash writes the words as json.dumps(..., ensure_ascii=False) did, so a row from before still compares."""
    import json

    item = {"kind": "review", "rating": words[0], "title": words[1], "text": words[2]}
    said = [" ".join(str(value).split()) if value is not None else None for value in words]
    assert text_hash(item) == hashlib.sha256(json.dumps(said, ensure_ascii=False).encode("utf-8")).hexdigest()
    result = {"kind": "search_result", "title": words[1], "snippet": words[2]}
    assert text_hash(result) == hashlib.sha256(json.dumps(said[1:], ensure_ascii=False).encode("utf-8")).hexdigest()


def test_copies_and_their_rows_commit_together(tmp_path):
    """The rows' insert fails after the pages went in (an SQLite trigger aborts it, as a full disk would): neither a
    row nor a page is left, so no row can name a missing copy; the next try keeps both."""
    store = Store(tmp_path / "repscan.db")
    found = [(review("r1", 1.0, True), REVIEWS), (review("r2", 1.0, True), SERP)]
    store.save_items("acme", [item for item, _ in found], crawl_id=7)
    store._db.conn.execute("CREATE TRIGGER no_rows BEFORE INSERT ON evidence BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        store.record_evidence("acme", found, crawl_id=7)
    assert store.evidence("acme") == [] and pages_kept(store) == 0
    store._db.conn.execute("DROP TRIGGER no_rows")
    assert store.record_evidence("acme", found, crawl_id=7) == 2
    rows = store.evidence("acme")
    assert pages_kept(store) == 2 and all(store.check_copy(tmp_path, row) is None for row in rows)
    store.close()


def test_a_page_that_cannot_be_compressed_leaves_no_row(tmp_path, monkeypatch):
    """An error while a batch's pages are packed reaches the caller, and nothing of the batch is written."""
    from repscan.core.store import evidence

    store = Store(tmp_path / "repscan.db")
    found = [(review("r1", 1.0, True), REVIEWS)]
    store.save_items("acme", [item for item, _ in found], crawl_id=7)

    class Failing:
        def compress(self, body):
            raise MemoryError("no room to compress")

    monkeypatch.setattr(evidence, "_compressor", lambda: Failing())
    with pytest.raises(MemoryError):
        store.record_evidence("acme", found, crawl_id=7)
    assert store.evidence("acme") == [] and pages_kept(store) == 0
    store.close()
