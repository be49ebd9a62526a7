"""The evidence record in the store: which items keep their page, one file per page, URLs without credentials."""

from __future__ import annotations

import gzip

from repscan.core.items import make
from repscan.core.store import Store
from repscan.core.store.evidence import Page, check_copy, recorded_url

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
    assert {row["path"] for row in rows} == {f"evidence/acme/bing/{rows[0]['sha256']}.html.gz"}  # one page, one file
    assert rows[0]["first_seen_at"] == "2026-12-01T09:02:00Z" and rows[0]["query"] == "acme"
    assert rows[0]["url"] == "https://search.example/q?q=acme&page=1"  # the key= parameter is not recorded
    assert gzip.decompress((tmp_path / "reports" / rows[0]["path"]).read_bytes()) == SERP.body
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
