"""The evidence record in the store: which items keep their page, one file per page, URLs without credentials."""

from __future__ import annotations

import gzip
import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import zstandard
from helpers import unpacked

from repscan.core.items import make
from repscan.core.store import Store
from repscan.core.store import evidence
from repscan.core.store.evidence import Page, check_copy, recorded_url, text_hash

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
    return store, store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7)


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
    assert {row["path"] for row in rows} == {f"evidence/acme/bing/{rows[0]['sha256']}.html.zst"}  # one page, one file
    assert rows[0]["first_seen_at"] == "2026-12-01T09:02:00Z" and rows[0]["query"] == "acme"
    assert rows[0]["url"] == "https://search.example/q?q=acme&page=1"  # the key= parameter is not recorded
    assert unpacked(tmp_path / "reports" / rows[0]["path"]) == SERP.body
    assert check_copy(tmp_path / "reports", rows[0]) is None
    store.close()


def test_a_positive_review_keeps_nothing_and_a_repeat_adds_nothing(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS), (review("r2", 5.0, False), REVIEWS)])
    assert added == 1 and [row["source_id"] for row in store.evidence("acme")] == ["r1"]
    assert store.record_evidence("acme", tmp_path / "reports", [(review("r1", 1.0, True), REVIEWS)]) == 0
    edited = {**review("r1", 1.0, True), "text": "Other made-up words."}
    assert store.record_evidence("acme", tmp_path / "reports", [(edited, REVIEWS)]) == 1
    rows = store.evidence("acme", "trustpilot", "r1")
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"]  # the same page: one file, two rows
    assert len(list((tmp_path / "reports" / "evidence" / "acme" / "trustpilot").iterdir())) == 1
    store.close()


def test_recorded_urls_carry_no_credentials():
    assert recorded_url("https://u:pw@api.example/v1/r?access_token=T&page=2&Token=x&api_key=k") == \
        "https://api.example/v1/r?page=2"
    assert recorded_url("https://site.example/reviews?sort=new") == "https://site.example/reviews?sort=new"


def test_a_row_without_a_page_says_why_and_a_copy_arriving_later_is_kept(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS), (review("r2", 1.0, True), None)])
    assert added == 2
    with_copy, without = store.evidence("acme")
    assert with_copy["note"] is None and check_copy(tmp_path / "reports", with_copy) is None
    assert without["note"] == "no copy" and without["sha256"] is None and without["path"] is None
    assert without["url"] == "https://reviews.example/acme" and without["fetched_at"] is None
    assert store.record_evidence("acme", tmp_path / "reports", [(review("r2", 1.0, True), None)]) == 0  # no repeat
    assert store.record_evidence("acme", tmp_path / "reports", [(review("r2", 1.0, True), REVIEWS)]) == 1
    assert store.record_evidence("acme", tmp_path / "reports", [(review("r2", 1.0, True), REVIEWS)]) == 0
    store.close()


def test_a_copy_is_zstd_verified_and_an_altered_one_is_found(tmp_path):
    store, added = keep(tmp_path, [(review("r1", 1.0, True), REVIEWS)])
    [row] = store.evidence("acme")
    store.close()
    copy = tmp_path / "reports" / row["path"]
    assert added == 1 and copy.name == f"{row['sha256']}.html.zst" and copy.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"
    assert unpacked(copy) == REVIEWS.body and check_copy(tmp_path / "reports", row) is None
    packed = copy.read_bytes()
    copy.write_bytes(zstandard.ZstdCompressor().compress(REVIEWS.body.replace(b"two", b"six")))
    assert check_copy(tmp_path / "reports", row) == "altered (hash differs)"
    copy.write_bytes(packed[:-6] + bytes(6))  # the frame's checksum and last bytes overwritten
    assert check_copy(tmp_path / "reports", row).startswith("altered (unreadable")
    copy.write_bytes(b"plain text")
    assert check_copy(tmp_path / "reports", row).startswith("altered (unreadable")


def test_an_old_gzip_copy_is_still_verified_and_kept_for_the_same_page(tmp_path):
    """Stores from before the zstd copies: their .html.gz files verify, and the same page is not written again."""
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [review("r1", 1.0, True), review("r2", 1.0, True)], crawl_id=7)
    sha = hashlib.sha256(REVIEWS.body).hexdigest()
    old = tmp_path / "reports" / "evidence" / "acme" / "trustpilot" / f"{sha}.html.gz"
    old.parent.mkdir(parents=True)
    old.write_bytes(gzip.compress(REVIEWS.body))
    with store.transaction():
        store._insert("evidence", [{"client_id": "acme", "kind": "review", "source": "trustpilot", "source_id": "r1",
                                    "sha256": sha, "path": f"evidence/acme/trustpilot/{sha}.html.gz",
                                    "size": len(REVIEWS.body), "text_sha256": text_hash(review("r1", 1.0, True))}])
    assert store.record_evidence("acme", tmp_path / "reports", [(review("r1", 1.0, True), REVIEWS),
                                                                (review("r2", 1.0, True), REVIEWS)]) == 1
    rows = store.evidence("acme")
    store.close()
    assert [row["path"] for row in rows] == [f"evidence/acme/trustpilot/{sha}.html.gz"] * 2  # the old file, reused
    assert all(check_copy(tmp_path / "reports", row) is None for row in rows)
    assert [path.name for path in old.parent.iterdir()] == [old.name]
    old.write_bytes(gzip.compress(REVIEWS.body + b"!"))
    assert check_copy(tmp_path / "reports", rows[0]) == "altered (hash differs)"


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "temporary names"])
@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync each"])
def test_a_batchs_copies_are_on_disk_before_its_rows_commit(tmp_path, monkeypatch, syncfs, unnamed):
    """The new copies' bytes are made durable while they have no name yet, then their names, and no row is visible
    to another connection until both are done: a row never names a copy a power cut could lose. With syncfs(2)
    (Linux) and without it (an fsync a file); with files that have no name until then (O_TMPFILE) and with
    temporary names (where a filesystem has no O_TMPFILE)."""
    database = tmp_path / "repscan.db"
    store = Store(database)
    pages = [Page(url=f"https://reviews.example/acme?page={n}", body=f"<html>page {n}</html>".encode(), status=200,
                  fetched_at="2026-12-01T09:01:00Z") for n in range(3)]
    found = [(review(f"r{n}", 1.0, True), pages[n % 3]) for n in range(6)]
    store.save_items("acme", [item for item, _ in found], crawl_id=7)
    synced, fsyncs = [], []
    durable, fsync = evidence._durable, os.fsync

    def watched(handles):
        durable(handles)
        other = sqlite3.connect(database)
        rows = other.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
        other.close()
        synced.append(([Path(os.readlink(f"/proc/self/fd/{handle}")) for handle in handles], rows))

    monkeypatch.setattr(evidence, "_durable", watched)
    monkeypatch.setattr(os, "fsync", lambda handle: fsyncs.append(handle) or fsync(handle))
    if not syncfs:
        monkeypatch.setattr(evidence, "_syncfs", lambda: None)
    if not unnamed:
        monkeypatch.setattr(evidence, "_TMPFILE", 0)
    assert store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7) == 6
    rows = store.evidence("acme")
    store.close()
    folder = tmp_path / "reports" / "evidence" / "acme" / "trustpilot"
    copies = {folder / Path(row["path"]).name for row in rows}
    [(written, rows_then), (names, rows_later)] = synced
    assert len(copies) == 3 and rows_then == rows_later == 0  # no row committed before both
    assert len(written) == 3 and {path.parent for path in written} == {folder}
    if unnamed:  # /proc names an open file that has no name "/folder/#inode (deleted)"
        assert all(path.name.endswith(" (deleted)") for path in written)
    else:
        assert all(path.name.startswith(".") and path.name.endswith(".part") for path in written)
        assert {path.name.split(".")[1] for path in written} == {copy.name.split(".")[0] for copy in copies}
    assert names == [folder]
    assert sorted(folder.iterdir()) == sorted(copies)  # renamed, no .part left
    assert len(fsyncs) == (0 if syncfs else 4)  # three files and their folder, or none


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


def test_a_crash_between_the_copies_and_their_rows_leaves_no_row_naming_a_missing_copy(tmp_path):
    """The rows' insert fails after the copies are written (an SQLite trigger aborts it, as a full disk would): no row
    at all, the copies on disk whole and unnamed by any row (prune_copies takes them after its grace), and the next
    try names them without writing them again."""
    store = Store(tmp_path / "repscan.db")
    found = [(review("r1", 1.0, True), REVIEWS), (review("r2", 1.0, True), SERP)]
    store.save_items("acme", [item for item, _ in found], crawl_id=7)
    store._db.conn.execute("CREATE TRIGGER no_rows BEFORE INSERT ON evidence BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7)
    folder = tmp_path / "reports" / "evidence" / "acme" / "trustpilot"
    written = sorted(folder.iterdir())
    assert store.evidence("acme") == [] and len(written) == 2
    assert sorted(unpacked(path) for path in written) == sorted([REVIEWS.body, SERP.body])
    assert store.prune_copies(tmp_path / "reports", dry_run=True, grace=0) == 2
    store._db.conn.execute("DROP TRIGGER no_rows")
    before = {path: path.stat().st_ino for path in written}
    assert store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7) == 2
    rows = store.evidence("acme")
    store.close()
    assert {tmp_path / "reports" / row["path"] for row in rows} == set(written)
    assert {path: path.stat().st_ino for path in written} == before  # named as they were, not written again
    assert all(check_copy(tmp_path / "reports", row) is None for row in rows)


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "temporary names"])
def test_a_write_failing_half_way_leaves_no_file_and_no_row(tmp_path, monkeypatch, unnamed):
    """The disk fills up while a batch's copies are written: the error reaches the caller, no copy has a name (no
    partial file under a page's name, no temporary file left) and no row was written."""
    store = Store(tmp_path / "repscan.db")
    pages = [Page(url=f"https://reviews.example/acme?page={n}", body=f"<html>page {n}</html>".encode(), status=200,
                  fetched_at="2026-12-01T09:01:00Z") for n in range(3)]
    found = [(review(f"r{n}", 1.0, True), pages[n]) for n in range(3)]
    store.save_items("acme", [item for item, _ in found], crawl_id=7)
    write_all, calls = evidence._write_all, []

    def filling(handle, data):
        calls.append(handle)
        if len(calls) == 2:
            write_all(handle, data[:5])
            raise OSError(28, "No space left on device")
        write_all(handle, data)

    monkeypatch.setattr(evidence, "_write_all", filling)
    if not unnamed:
        monkeypatch.setattr(evidence, "_TMPFILE", 0)
    with pytest.raises(OSError, match="No space"):
        store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7)
    folder = tmp_path / "reports" / "evidence" / "acme" / "trustpilot"
    assert list(folder.iterdir()) == [] and store.evidence("acme") == []
    store.close()
