"""The evidence record through real crawls: a page with a negative review is kept once, again when the review is
edited, never for a positive one; `repscan evidence` verifies each copy's hash and fails on an altered file."""

from __future__ import annotations

import json

import pytest
import zstandard
from crawl_harness import Scenario, Serve, Site, crawl
from helpers import kept_page, real_page

from repscan.app.cli import main
from repscan.core.store import Store


def page(negative_text: str) -> str:
    """A business page of ours: one 1-star review, one 5-star review, in JSON-LD."""
    graph = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": "Acme Plumbing",
             "review": [
                 {"@type": "Review", "@id": "https://acme.example/reviews/#r-1", "author": "Pat Example",
                  "datePublished": "2026-11-30T10:00:00Z", "reviewBody": negative_text,
                  "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5}},
                 {"@type": "Review", "@id": "https://acme.example/reviews/#r-2", "author": "Sam Sample",
                  "datePublished": "2026-11-29T10:00:00Z", "reviewBody": "Quick, tidy and fairly priced.",
                  "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5}}]}
    return (f'<!DOCTYPE html><html><head><title>Reviews</title><script type="application/ld+json">'
            f'{json.dumps(graph)}</script></head><body><h1>Acme Plumbing</h1></body></html>')


FIRST = page("The plumber never came and nobody called back.")
EDITED = page("The plumber never came. Nobody called back for three days either.")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The page on a local site, and the folder its crawls keep their config, database and reports in."""
    serve = Serve("/reviews", text=FIRST)
    scenario = Scenario(id="evidence", site="jsonld", source="/reviews?sort=newest", serve=[serve], first=None)
    with Site(scenario) as local:
        yield local, serve, tmp_path_factory.mktemp("evidence")


def crawl_evidence(site, body: str):
    """One crawl of the page as `body` now; its Run and the client's evidence rows after it."""
    local, serve, tmp_path = site
    serve.text = body
    run = crawl(tmp_path, local)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    store = Store(tmp_path / "repscan.db")
    try:
        return run, store.evidence("acme")
    finally:
        store.close()


@pytest.fixture(scope="module")
def first(site):
    return site[2], *crawl_evidence(site, FIRST)


def evidence_cli(tmp_path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["--config", str(tmp_path / "repscan.toml"), "evidence", "--client", "acme", *args])
    return code, capsys.readouterr().out.splitlines()


def test_a_negative_review_keeps_its_page_once(first, capsys):
    tmp_path, run, rows = first
    assert run.crawl["status"] == "ok" and len(run.reviews) == 2
    [row] = rows  # the 5-star review, on the same page, has no row
    assert (row["kind"], row["source"], row["source_id"]) == ("review", "jsonld", "https://acme.example/reviews/#r-1")
    assert row["path"] is None and kept_page(tmp_path / "repscan.db", row) == FIRST.encode("utf-8")
    negative = next(r for r in run.reviews if r["rating"] == 1)
    assert row["first_seen_at"] == negative["first_seen_at"] and row["crawl_id"] == run.crawl["id"]
    assert row["status"] == 200 and row["fetched_at"].endswith("Z")
    assert row["url"].endswith("/reviews?sort=newest")
    code, lines = evidence_cli(tmp_path, capsys, "--item", "jsonld:https://acme.example/reviews/#r-1")
    assert code == 0
    [line] = lines
    assert row["sha256"] in line and line.endswith("in the store\tverified")
    code, [line] = evidence_cli(tmp_path, capsys, "--item", "jsonld:https://acme.example/reviews/#r-1", "--out",
                                str(tmp_path / "pages"))
    written = tmp_path / "pages" / f"{row['sha256']}.html"
    assert code == 0 and line.endswith(f"{written}\tverified") and written.read_bytes() == FIRST.encode("utf-8")
    (tmp_path / "a-file").write_text("not a folder")
    code = main(["--config", str(tmp_path / "repscan.toml"), "evidence", "--client", "acme", "--out",
                 str(tmp_path / "a-file")])
    assert code == 2 and f"--out {tmp_path / 'a-file'}" in capsys.readouterr().err
    assert evidence_cli(tmp_path, capsys, "--item", "jsonld:https://acme.example/reviews/#r-2") == (1, [])


def test_an_altered_or_missing_copy_fails(first, capsys):
    tmp_path, _, [row] = first
    store = Store(tmp_path / "repscan.db")

    def replace(body: bytes | None) -> None:
        with store.transaction():
            if body is None:
                store._db.conn.execute("DELETE FROM evidence_pages WHERE sha256 = ?", [row["sha256"]])
            else:
                store._db.conn.execute("INSERT OR REPLACE INTO evidence_pages (sha256, size, body) VALUES (?, ?, ?)",
                                       [row["sha256"], len(FIRST), body])

    [(kept,)] = store._db.conn.execute("SELECT body FROM evidence_pages WHERE sha256 = ?", [row["sha256"]]).fetchall()
    try:
        replace(zstandard.ZstdCompressor().compress(FIRST.replace("never", "once").encode("utf-8")))
        code, [line] = evidence_cli(tmp_path, capsys)
        assert code == 1 and line.endswith("ALTERED (HASH DIFFERS)")
        replace(b"not zstd")
        code, [line] = evidence_cli(tmp_path, capsys)
        assert code == 1 and "ALTERED (UNREADABLE" in line
        replace(None)
        code, [line] = evidence_cli(tmp_path, capsys)
        assert code == 1 and line.endswith("MISSING")
    finally:
        replace(kept)
        store.close()
    assert evidence_cli(tmp_path, capsys)[0] == 0


@pytest.mark.drill
def test_an_edit_keeps_a_second_copy(first, site):
    tmp_path, _, before = first
    run, rows = crawl_evidence(site, EDITED)
    assert len(rows) == 2 and rows[0] == before[0]
    assert {row["source_id"] for row in rows} == {"https://acme.example/reviews/#r-1"}
    assert rows[1]["sha256"] != rows[0]["sha256"] and rows[1]["crawl_id"] == run.crawl["id"]
    assert rows[1]["first_seen_at"] == rows[0]["first_seen_at"]  # the review's, not the edit's
    assert kept_page(tmp_path / "repscan.db", rows[1]) == EDITED.encode("utf-8")
    store = Store(tmp_path / "repscan.db")
    assert store.query("SELECT COUNT(*) AS n FROM evidence_pages")[0]["n"] == 2
    store.close()
    again, same = crawl_evidence(site, EDITED)
    assert same == rows and again.crawl["status"] == "ok"  # seen again unchanged: nothing new kept


@pytest.mark.drill
def test_a_real_yelp_page_is_kept_once_for_its_negative_reviews(tmp_path):
    """A real 2022 Yelp business page (10 reviews, two of them 1-star): two rows, one copy, the body as served."""
    body = real_page("yelp", "biz-aaron-gordon-construction-sf-2022.html").decode("utf-8")
    path = "/biz/aaron-gordon-construction-san-francisco-4"
    with Site(Scenario(id="real-yelp", site="yelp", source=path, serve=[Serve(path, text=body)], first=None)) as local:
        run = crawl(tmp_path, local)
    assert run.result.returncode == 0 and run.crawl["status"] == "ok", run.result.stderr[-3000:]
    negative = {r["source_id"] for r in run.reviews if r["rating"] <= 2}
    assert len(run.reviews) == 10 and len(negative) == 2
    store = Store(tmp_path / "repscan.db")
    try:
        rows = store.evidence("acme")
    finally:
        store.close()
    assert {row["source_id"] for row in rows} == negative and len({row["sha256"] for row in rows}) == 1
    assert kept_page(tmp_path / "repscan.db", rows[0]) == body.encode("utf-8")


@pytest.mark.drill
def test_a_copy_that_cannot_be_written_is_the_crawls_error(tmp_path):
    """The store refuses the page copies (a trigger aborts them, as a full disk would): the reviews are stored, the
    crawl says their evidence is not (never "ok"), and no evidence row names a copy that is not there."""
    store = Store(tmp_path / "repscan.db")
    store._db.conn.execute("CREATE TRIGGER no_room BEFORE INSERT ON evidence_pages BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    store.close()
    serve = Serve("/reviews", text=FIRST)
    with Site(Scenario(id="unwritable", site="jsonld", source="/reviews", serve=[serve], first=None)) as local:
        run = crawl(tmp_path, local)
    assert len(run.reviews) == 2 and run.crawl["status"] == "error"
    assert "could not keep the evidence of 1 items: disk full" in run.crawl["error"]
    store = Store(tmp_path / "repscan.db")
    assert store.evidence("acme") == []
    store.close()
