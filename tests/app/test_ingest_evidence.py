"""The evidence of ingested feeds: pages that travel in a node's feed are kept, hash-checked; one that does not arrive
whole is the crawl's error; a feed with no pages gets rows that say "no copy", and `repscan evidence` claims none."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from helpers import kept_page, write_config
from repscan.app import cli
from repscan.app.ingest import ingest_paths
from repscan.core.config import load
from repscan.core.store import Store
from repscan.core.store.evidence import PAGE_REF, Page, feed_page

PAGE = Page(url="https://t.example/review/acme?page=1&access_token=secret", status=200,
            body="<html><p>Made-up words: the plumber never came.</p></html>".encode(), fetched_at="2026-11-20T10:00:05Z")
JOB = {"id": "job-1", "spider": "TrustpilotSpider", "source": "trustpilot", "url": "https://t.example/review/acme",
       "started_at": "2026-11-20T10:00:00.000000Z"}
TAGS = {"client_id": "acme", "job": JOB}


def review(source_id: str, stars: int, page: str | None = None) -> dict:
    line = {"kind": "review", "source": "trustpilot", "source_id": source_id, "url": f"https://t.example/r/{source_id}",
            "business_url": "https://t.example/review/acme", "author": "A. Made-Up", "rating": stars,
            "rating_max": 5, "text": "Made-up words for a test.", "published_at": "2026-11-19T10:00:00Z", **TAGS}
    return {**line, PAGE_REF: page} if page else line


def write_feed(path, lines: list[dict]):
    record = {"kind": "crawl", "status": "ok", "items": 2, "requests": 2, "pages": 1, "complete": True,
              "full": False, "error": None, "reason": "finished", **TAGS}
    path.write_text("".join(json.dumps(line) + "\n" for line in [*lines, record]))
    return path


@pytest.fixture
def config(tmp_path):
    return load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))


def rows(config) -> list[dict]:
    store = Store(config.database)
    try:
        return store.evidence("acme")
    finally:
        store.close()


def test_a_page_in_the_feed_is_kept_once_checked_and_without_credentials(tmp_path, config):
    page = {**feed_page(PAGE), **TAGS}
    feed = write_feed(tmp_path / "job.jl", [page, review("r1", 1, page["sha256"]), review("r2", 5, page["sha256"]),
                                            review("r3", 2, page["sha256"])])
    [result] = ingest_paths(config, [feed])
    assert result.status == "ok" and result.lines == 3  # the page line is no item
    kept = rows(config)
    assert [row["source_id"] for row in kept] == ["r1", "r3"]  # the positive review's page is not its evidence
    assert {row["sha256"] for row in kept} == {page["sha256"]} and {row["path"] for row in kept} == {None}
    assert kept_page(config.database, kept[0]) == PAGE.body
    assert kept[0]["url"] == "https://t.example/review/acme?page=1" and kept[0]["fetched_at"] == PAGE.fetched_at


def test_a_page_lost_in_the_first_go_of_a_job_still_makes_its_crawl_an_error(tmp_path, config):
    """A job ingested in two goes (the feed without its crawl line first, then whole): the altered page of the first go
    is remembered, so the crawl ends an error, never "ok" with a negative item that has no evidence."""
    page = {**feed_page(PAGE), **TAGS}
    page["body"] = base64.b64encode(gzip.compress(PAGE.body.replace(b"never", b"always"))).decode()
    lines = [page, review("r1", 1, page["sha256"]), review("r2", 5)]
    partial = tmp_path / "partial.jl"
    partial.write_text("".join(json.dumps(line) + "\n" for line in lines))  # no crawl line yet
    [first] = ingest_paths(config, [partial])
    assert first.status == "error" and "could not be kept: trustpilot:r1" in first.error
    [second] = ingest_paths(config, [write_feed(tmp_path / "job.jl", lines)])
    assert second.lines == 0  # every line was in: only the crawl line is new
    assert second.status == "error" and "the evidence of 1 items could not be kept: trustpilot:r1" in second.error
    store = Store(config.database)
    crawl = store.crawls()[-1]
    store.close()
    assert crawl["status"] == "error" and "does not hash to its name" in crawl["error"]


@pytest.mark.parametrize("fault", ["altered", "missing", "unreadable"])
def test_a_page_that_does_not_arrive_whole_makes_the_crawl_an_error_naming_it(tmp_path, config, fault):
    page = {**feed_page(PAGE), **TAGS}
    if fault == "altered":
        page["body"] = base64.b64encode(gzip.compress(PAGE.body.replace(b"never", b"always"))).decode()
    elif fault == "unreadable":
        page["body"] = "not base64 at all!"
    lines = [review("r1", 1, page["sha256"])] if fault == "missing" else [page, review("r1", 1, page["sha256"])]
    [result] = ingest_paths(config, [write_feed(tmp_path / "job.jl", lines)])
    assert result.status == "error" and "the evidence of 1 items could not be kept: trustpilot:r1: " in result.error
    assert {"altered": "does not hash to its name", "missing": "the feed has no page",
            "unreadable": "is unreadable"}[fault] in result.error
    store = Store(config.database)
    crawl = store.crawls()[-1]
    store.close()
    assert crawl["status"] == "error" and crawl["items"] == 1 and rows(config) == []  # the review is in, no copy
    assert not (config.reports_dir / "evidence").exists()


def evidence(config, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--config", str(config.path), "evidence", "--client", "acme", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_feed_without_pages_records_no_copy_and_evidence_claims_none(tmp_path, config, capsys):
    feed = write_feed(tmp_path / "old-node.jl", [review("r1", 1), review("r2", 5)])
    [result] = ingest_paths(config, [feed])
    assert result.status == "ok"
    [row] = rows(config)
    assert row["source_id"] == "r1" and row["sha256"] is None and row["path"] is None
    assert row["note"] == f"no copy: ingested from {feed}, which carried no page"
    code, out, err = evidence(config, capsys)
    assert code == cli.EXIT_OK, err
    assert "verified" not in out and f"NO COPY: ingested from {feed}" in out
    code, out, err = evidence(config, capsys, "--item", "trustpilot:r1")
    assert code == 1 and "no copy of trustpilot:r1 is kept" in err

    # A later crawl that fetched its page keeps the copy the feed could not bring.
    store = Store(config.database)
    [item] = store.query("SELECT *, 'review' AS kind FROM reviews WHERE source_id = 'r1'")
    assert store.record_evidence("acme", [(item, PAGE)]) == 1
    assert store.record_evidence("acme", [(item, None)], note="again") == 0
    store.close()
    code, out, _ = evidence(config, capsys, "--item", "trustpilot:r1")
    assert code == cli.EXIT_OK and out.count("\tverified\n") == 1 and "NO COPY" in out  # both rows, one copy


def test_the_dispatcher_takes_a_negative_item_without_its_page_as_the_crawl_s_error(tmp_path, config):
    from repscan.app.ingest import ingest_job, read_feed

    [job] = read_feed(write_feed(tmp_path / "job.jl", [review("r1", 1)]))
    store = Store(config.database)
    try:
        result = ingest_job(store, config, job, feed="job.jl", node="http://127.0.0.1:9/", copies_required=True)
    finally:
        store.close()
    assert result.status == "error" and "trustpilot:r1: no page came with it" in result.error
    assert rows(config) == []


def test_an_ingest_killed_before_its_evidence_is_kept_keeps_it_when_run_again(tmp_path, config, monkeypatch):
    """Items, evidence and the lines done are one commit: killed between the items and their copies, the rerun
    skipped the lines as done and the negative review had no evidence at all."""
    from repscan.app import ingest

    page = {**feed_page(PAGE), **TAGS}
    feed = write_feed(tmp_path / "job.jl", [page, review("r1", 1, page["sha256"])])
    keep = ingest._keep_evidence

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(ingest, "_keep_evidence", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(config, [feed])
    monkeypatch.setattr(ingest, "_keep_evidence", keep)
    [result] = ingest_paths(config, [feed])
    assert result.status == "ok" and [row["source_id"] for row in rows(config)] == ["r1"]
