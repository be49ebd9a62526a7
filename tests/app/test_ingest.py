"""`repscan ingest`: a node's feed merges like a local crawl, once, even when it was cut short."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import ROOT, run_cli, write_config
from repscan.core.config import load
from repscan.app.ingest import FeedError, NO_RECORD, ingest_paths, read_feed
from repscan.core.store import Store

# Columns that say when and by which crawl a row was seen: they differ between any two crawls.
BOOKKEEPING = {"first_seen_at", "last_seen_at", "negative_since", "first_crawl_id", "last_crawl_id", "seen_at",
               "crawl_id", "id"}


def node_crawl(site, out, *, client_id="acme", spider="trustpilot", path=None, extra=()):
    """What a Scrapyd node runs: `scrapy crawl` with REPSCAN_STORE=feed and FEEDS, no database."""
    url = site.url + (path or f"/review/{site.trustpilot.slug}")
    feeds = json.dumps({out.resolve().as_uri(): {"format": "jsonlines"}})
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider, "-s", "REPSCAN_STORE=feed", "-s", f"FEEDS={feeds}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
         "-s", "REPSCAN_DATABASE=/nonexistent/never-opened.db",
         "-a", f"client_id={client_id}", "-a", f"url={url}", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def table(db_path, name, order="client_id, source, source_id"):
    store = Store(db_path)
    try:
        return [{k: v for k, v in row.items() if k not in BOOKKEEPING}
                for row in store.query(f"SELECT * FROM {name} ORDER BY {order}")]
    finally:
        store.close()


def dump(db_path):
    """Everything in the database, bookkeeping included: to show that nothing changed."""
    store = Store(db_path)
    try:
        names = [row["name"] for row in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: store.query(f"SELECT * FROM [{name}] ORDER BY rowid") for name in names if not name.startswith("_")}
    finally:
        store.close()


def test_a_node_feed_ingests_like_a_local_crawl_and_a_second_ingest_changes_nothing(tmp_path, site):
    local, remote = tmp_path / "local", tmp_path / "remote"
    local.mkdir(), remote.mkdir()
    sources = [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}")]
    crawled = run_cli("--config", str(write_config(local, sources)), "crawl", "--quiet")
    assert crawled.returncode == 0, crawled.stderr[-2000:]

    feed = node_crawl(site, tmp_path / "job.jl")
    lines = [json.loads(line) for line in feed.read_text().splitlines()]
    assert lines[-1]["kind"] == "crawl" and lines[-1]["status"] == "ok" and lines[-1]["items"] == 12
    assert all(line["client_id"] == "acme" and line["job"]["spider"] == "TrustpilotSpider" for line in lines)
    # Each page holding a negative review travels once, ahead of the first review naming it; no other page does.
    pages = [line["sha256"] for line in lines if line["kind"] == "page"]
    named = [(n, line["page_sha256"]) for n, line in enumerate(lines) if line.get("page_sha256")]
    assert len(pages) == len(set(pages)) == len({sha for _, sha in named}) >= 2
    assert all(any(line.get("sha256") == sha for line in lines[:n]) for n, sha in named)
    assert {line["source_id"] for line in lines if line.get("page_sha256")} == \
        {line["source_id"] for line in lines if line["kind"] == "review" and line["negative"]}

    config = write_config(remote, sources)
    first = run_cli("--config", str(config), "ingest", str(feed))
    assert first.returncode == 0, first.stderr
    assert "ok, 12 items, 12 new" in first.stdout

    assert table(remote / "repscan.db", "reviews") == table(local / "repscan.db", "reviews")
    assert table(remote / "repscan.db", "review_versions", "source_id") == \
        table(local / "repscan.db", "review_versions", "source_id")
    assert table(remote / "repscan.db", "businesses", "id") == table(local / "repscan.db", "businesses", "id")
    crawl = table(remote / "repscan.db", "crawls", "id")
    here = table(local / "repscan.db", "crawls", "id")
    ignore = {"started_at", "finished_at"}
    assert [{k: v for k, v in c.items() if k not in ignore} for c in crawl] == \
        [{k: v for k, v in c.items() if k not in ignore} for c in here]

    # The pages of its negative reviews came in the feed: the same evidence as the local crawl's, verified.
    kept = ("kind", "source", "source_id", "url", "status", "sha256", "path", "size", "text_sha256", "note")
    evidence = [{k: row[k] for k in kept} for row in table(remote / "repscan.db", "evidence", "id")]
    assert evidence == [{k: row[k] for k in kept} for row in table(local / "repscan.db", "evidence", "id")]
    assert len(evidence) == 5 and all(row["sha256"] and row["path"] is None for row in evidence)  # copies in the store
    checked = run_cli("--config", str(config), "evidence", "--client", "acme")
    assert checked.returncode == 0 and checked.stdout.count("\tverified") == 5, checked.stdout + checked.stderr

    before = dump(remote / "repscan.db")
    again = run_cli("--config", str(config), "ingest", str(feed), str(feed))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already ingested") == 2  # the same job, named twice
    assert dump(remote / "repscan.db") == before


def test_a_feed_cut_short_keeps_its_items_and_the_rest_merges_later_without_doubling(tmp_path, site):
    feed = node_crawl(site, tmp_path / "job.jl")
    whole = feed.read_bytes()
    cut = whole[: whole.index(b'"acme-0005"') + 40]  # mid-way through the 8th line: the node died writing
    part = tmp_path / "part.jl"
    part.write_bytes(cut)
    config = load(write_config(tmp_path, [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}")]))

    [result] = ingest_paths(config, [part])
    assert result.status == "error" and result.error == NO_RECORD
    store = Store(config.database)
    saved = [r["source_id"] for r in store.query("SELECT source_id FROM reviews ORDER BY source_id DESC")]
    row = store.node_job(result.job_id)
    crawl = store.crawls()[-1]
    store.close()
    assert saved == [f"acme-{n:04d}" for n in range(12, 5, -1)]  # the 7 whole lines before the cut
    assert row["status"] == "partial" and row["lines"] == 8 and not row["complete"]  # 7 reviews, 1 business
    assert crawl["status"] == "error" and crawl["items"] == 7

    [rest] = ingest_paths(config, [feed])
    items = [line for line in whole.splitlines() if not line.startswith(b'{"kind": "page"')]  # pages are no lines
    assert rest.status == "ok" and rest.lines == len(items) - 1 - 8  # the rest, not the crawl line
    store = Store(config.database)
    ids = [r["source_id"] for r in store.query("SELECT source_id FROM reviews")]
    versions = store.query("SELECT changed, COUNT(*) AS n FROM review_versions GROUP BY changed")
    firsts = [[v["changed"] for v in store.versions("acme", row["source"], row["source_id"])]
              for row in store.query("SELECT source, source_id FROM reviews")]
    crawls = store.crawls()
    store.close()
    assert sorted(ids) == [f"acme-{n:04d}" for n in range(1, 13)] and len(ids) == len(set(ids))
    assert versions == [] and firsts == [["new"]] * 12  # no review changed: each is its first version, once
    assert len(crawls) == 1 and crawls[0]["status"] == "ok" and crawls[0]["items"] == 12
    assert crawls[0]["new_items"] == 12 and crawls[0]["pages"] == 3

    before = dump(config.database)
    assert [r.skipped for r in ingest_paths(config, [part, feed])] == [True, True]
    assert dump(config.database) == before


def feed_line(kind, job="job-1", client="acme", **fields):
    base = {"kind": kind, "client_id": client,
            "job": {"id": job, "spider": "TrustpilotSpider", "source": "trustpilot",
                    "url": "https://t.example/review/acme", "started_at": "2026-11-20T10:00:00.000000Z"}}
    if kind == "review":
        base.update(source="trustpilot", url=f"https://t.example/r/{fields['source_id']}",
                    business_url="https://t.example/review/acme", text="It was fine, the plumber came on time and fixed the leak.", rating=3, rating_max=5,
                    published_at="2026-11-01T10:00:00+01:00", sentiment=0.2, negative=False)
    return json.dumps({**base, **fields}) + "\n"


def crawl_line(job="job-1", client="acme", **fields):
    record = {"status": "ok", "items": 1, "requests": 2, "pages": 1, "complete": True, "full": False,
              "error": None, "reason": "finished", **fields}
    return feed_line("crawl", job, client, **record)


def test_ingest_classifies_with_the_clients_threshold_and_normalises_like_the_pipeline(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    text = path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\nnegative_threshold = 0.6')
    path.write_text(text)
    feed = tmp_path / "f.jl"
    feed.write_text(feed_line("review", source_id="r1", author="  A. Person \x07 ") + crawl_line())
    [result] = ingest_paths(load(path), [feed])
    assert result.status == "ok" and result.new_items == 1
    store = Store(tmp_path / "repscan.db")
    row = store.query("SELECT * FROM reviews")[0]
    store.close()
    assert row["negative"] == 1  # 3/5 = 0.6 <= the client's 0.6, whatever the node said
    assert row["author"] == "A. Person" and row["published_at"] == "2026-11-01T09:00:00Z"
    assert row["language"] == "en"


def test_a_complete_full_feed_marks_reviews_gone_from_the_site_as_removed(tmp_path):
    config = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    first = tmp_path / "1.jl"
    first.write_text(feed_line("review", "job-1", source_id="r1") + feed_line("review", "job-1", source_id="r2")
                     + crawl_line("job-1", full=True, items=2))
    second = tmp_path / "2.jl"
    second.write_text(feed_line("review", "job-2", source_id="r1") + crawl_line("job-2", full=True))
    ingest_paths(config, [first, second])
    store = Store(config.database)
    removed = {r["source_id"]: r["removed_at"] for r in store.query("SELECT * FROM reviews")}
    store.close()
    assert removed["r1"] is None and removed["r2"] is not None


def test_one_file_may_hold_several_jobs_and_each_is_merged_once(tmp_path):
    config = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    both = tmp_path / "both.jl"
    both.write_text(feed_line("review", "job-a", source_id="a1") + crawl_line("job-a")
                    + feed_line("review", "job-b", source_id="b1") + crawl_line("job-b"))
    assert [(r.job_id, r.new_items) for r in ingest_paths(config, [both])] == [("job-a", 1), ("job-b", 1)]
    assert all(r.skipped for r in ingest_paths(config, [both]))


def test_a_feed_that_is_not_a_node_feed_is_refused_naming_file_and_line(tmp_path):
    plain = tmp_path / "plain.jl"
    plain.write_text('{"kind": "review", "source": "trustpilot", "source_id": "x"}\n')
    with pytest.raises(FeedError, match=r"plain.jl:1: no client_id and job"):
        read_feed(plain)
    broken = tmp_path / "broken.jl"
    broken.write_text(feed_line("review", source_id="r1") + "{not json\n" + crawl_line())
    with pytest.raises(FeedError, match=r"broken.jl:2: not JSON"):
        read_feed(broken)
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    result = run_cli("--config", str(path), "ingest", str(broken))
    assert result.returncode == 2 and "broken.jl:2" in result.stderr
    missing = run_cli("--config", str(path), "ingest", str(tmp_path / "nope.jl"))
    assert missing.returncode == 2 and "nope.jl: cannot read" in missing.stderr


def test_a_feed_for_a_client_not_in_the_config_is_not_ingested(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    feed = tmp_path / "f.jl"
    feed.write_text(feed_line("review", client="zed", source_id="r1") + crawl_line(client="zed"))
    result = run_cli("--config", str(path), "ingest", str(feed))
    assert result.returncode == 1 and "no client 'zed'" in result.stdout
    store = Store(tmp_path / "repscan.db")
    assert store.query("SELECT * FROM reviews") == []
    store.close()
