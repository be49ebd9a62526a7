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


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync each"])
def test_a_batchs_copies_are_on_disk_before_its_rows_commit(tmp_path, monkeypatch, syncfs):
    """The new copies' bytes are made durable while they have no name yet, then their names, and no row is visible
    to another connection until both are done: a row never names a copy a power cut could lose. With syncfs(2)
    (Linux) and without it (an fsync a file)."""
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
    assert store.record_evidence("acme", tmp_path / "reports", found, crawl_id=7) == 6
    rows = store.evidence("acme")
    store.close()
    folder = tmp_path / "reports" / "evidence" / "acme" / "trustpilot"
    copies = {folder / Path(row["path"]).name for row in rows}
    [(written, rows_then), (names, rows_later)] = synced
    assert len(copies) == 3 and rows_then == rows_later == 0  # no row committed before both
    assert all(path.name.startswith(".") and path.name.endswith(".part") for path in written)
    assert {path.name.split(".")[1] for path in written} == {copy.name.split(".")[0] for copy in copies}
    assert names == [folder]
    assert sorted(folder.iterdir()) == sorted(copies)  # renamed, no .part left
    assert len(fsyncs) == (0 if syncfs else 4)  # three files and their folder, or none
