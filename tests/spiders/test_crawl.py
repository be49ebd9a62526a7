"""Real Scrapy crawls over HTTP against a local site: paging, incremental stop, faults, health rows."""

from __future__ import annotations

import pytest

from helpers import Review, Reply, run_cli, write_config
from repscan import __version__
from repscan.core.store import Store

CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content">
<h1>Checking if the site connection is secure</h1>
<div id="challenge-stage"></div><noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript>
</div></div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6789"></script>
</body></html>"""


def crawl(tmp_path, site, *extra, sources=("trustpilot",), **config):
    urls = {"trustpilot": f"{site.url}/review/{site.trustpilot.slug}", "jsonld": f"{site.url}/reviews"}
    path = write_config(tmp_path, [(s, urls[s]) for s in sources], **config)
    result = run_cli("--config", str(path), "crawl", "--quiet", *extra)
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls(), store.query("SELECT * FROM reviews ORDER BY source_id")
    finally:
        store.close()


def page_hits(site, path_prefix):
    return [hit for hit in site.server.hits if hit.startswith(path_prefix)]


def test_first_crawl_follows_every_page_and_stores_every_review(tmp_path, site):
    result, crawls, reviews = crawl(tmp_path, site, sources=("trustpilot", "jsonld"))
    assert result.returncode == 0, result.stderr
    by_source = {c["source"]: c for c in crawls}
    assert by_source["trustpilot"]["status"] == "ok"
    assert by_source["trustpilot"]["items"] == 12 and by_source["trustpilot"]["new_items"] == 12
    assert by_source["trustpilot"]["pages"] == 3
    assert by_source["jsonld"]["status"] == "ok" and by_source["jsonld"]["new_items"] == 6
    assert len([r for r in reviews if r["source"] == "trustpilot"]) == 12
    assert {r["source_id"] for r in reviews if r["source"] == "trustpilot"} == {f"acme-{n:04d}" for n in range(1, 13)}
    assert "trustpilot" in result.stdout and "ok" in result.stdout
    assert site.server.agents == {f"repscan/{__version__} (+https://github.com/repscan/repscan)"}
    assert site.server.hits.count("/robots.txt") >= 1


def test_robots_txt_is_obeyed_and_the_refusal_is_recorded(tmp_path, site):
    site.server.fail("/robots.txt", Reply(200, "User-agent: *\nDisallow: /review/\n", content_type="text/plain"))
    result, crawls, reviews = crawl(tmp_path, site)
    assert page_hits(site, "/review/") == []
    assert crawls[-1]["status"] == "error" and "robots.txt" in crawls[-1]["error"]


def test_recrawl_stops_at_the_first_page_with_nothing_new(tmp_path, site):
    crawl(tmp_path, site)
    first_requests = len(page_hits(site, "/review/"))
    assert first_requests == 3

    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert len(page_hits(site, "/review/")) == first_requests + 1  # page 1 only
    assert crawls[-1]["new_items"] == 0 and crawls[-1]["status"] == "ok"

    site.trustpilot.reviews[:0] = [
        Review(id="acme-new-1", author="Newcomer", rating=1, title="Leak came back", text="Awful, the leak came back.",
               published="2026-11-01T09:00:00Z"),
        Review(id="acme-new-2", author="Other", rating=5, title="Great", text="Great job.", published="2026-11-01T08:00:00Z"),
    ]
    before = len(page_hits(site, "/review/"))
    result, crawls, reviews = crawl(tmp_path, site)
    # page 1 holds the two new ones, page 2 holds only known ones: stop there.
    assert len(page_hits(site, "/review/")) == before + 2
    assert crawls[-1]["new_items"] == 2
    assert len(reviews) == 14
    new = {r["source_id"]: r for r in reviews}["acme-new-1"]
    assert new["negative"] == 1 and new["negative_since"] == new["first_seen_at"]


def test_429_with_retry_after_is_waited_out_and_nothing_is_lost(tmp_path, site):
    site.server.fail(site.tp_path(2), Reply(429, "slow down", headers={"Retry-After": "1"}))
    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 12
    assert page_hits(site, site.tp_path(2)).count(site.tp_path(2)) == 2


def test_retry_after_longer_than_we_wait_is_an_error_with_the_reason(tmp_path, site):
    site.server.fail(site.tp_path(2), Reply(429, "slow down", headers={"Retry-After": "3600"}))
    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error"
    assert "HTTP 429" in crawls[-1]["error"] and "Retry-After 3600" in crawls[-1]["error"]
    assert len(reviews) == 5  # page 1 was stored before the site pushed back


def test_persistent_503_is_an_error_and_a_later_crawl_recovers_every_review(tmp_path, site):
    site.server.fail(site.tp_path(2), *[Reply(503, "down")] * 3)  # first try + 2 retries
    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 1
    assert crawls[-1]["status"] == "error" and "HTTP 503" in crawls[-1]["error"]
    assert len(reviews) == 5

    result, crawls, reviews = crawl(tmp_path, site, "--full")
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok" and crawls[-1]["new_items"] == 7
    ids = [r["source_id"] for r in reviews]
    assert len(ids) == len(set(ids)) == 12


def test_challenge_page_mid_pagination_is_blocked_not_empty(tmp_path, site):
    site.server.fail(site.tp_path(2), Reply(403, CHALLENGE))
    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 1
    assert crawls[-1]["status"] == "blocked"
    assert crawls[-1]["error"].startswith("blocked:")
    assert len(reviews) == 5  # what came before the wall is kept


def test_challenge_on_the_first_page_is_blocked_with_zero_items(tmp_path, site):
    site.server.fail(site.tp_path(1), Reply(503, CHALLENGE))
    result, crawls, reviews = crawl(tmp_path, site, retries=0)
    assert crawls[-1]["status"] == "blocked" and crawls[-1]["items"] == 0
    assert reviews == []


def test_truncated_page_falls_back_to_json_ld_and_keeps_paging(tmp_path, site):
    from repscan.app.demo.site import trustpilot_page

    full = trustpilot_page(site.trustpilot, 1, site.url)
    cut = full[: full.index('"reviews":') + 200]  # __NEXT_DATA__ cut mid-review
    site.server.fail(site.tp_path(1), Reply(200, cut))
    result, crawls, reviews = crawl(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert crawls[-1]["status"] == "ok"
    assert len(reviews) == 12


def test_timeout_is_an_error_naming_the_url(tmp_path, site):
    site.server.fail(site.tp_path(1), Reply(200, "late", delay=3))
    result, crawls, reviews = crawl(tmp_path, site, timeout=1, retries=0)
    assert crawls[-1]["status"] == "error"
    assert "timed out" in crawls[-1]["error"] and site.tp_path(1).split("?")[0] in crawls[-1]["error"]


def test_changed_layout_is_broken_not_zero_reviews(tmp_path, site):
    site.server.fail(site.tp_path(1), Reply(200, "<html><body><div class='new-design'>Reviews</div></body></html>"))
    result, crawls, reviews = crawl(tmp_path, site)
    assert crawls[-1]["status"] == "broken" and result.returncode == 1
    assert f"layout not recognised at {site.url}{site.tp_path(1)}" in crawls[-1]["error"]


@pytest.mark.parametrize("source", ["trustpilot", "jsonld"])
def test_edited_review_is_versioned_and_a_drop_to_one_star_is_newly_negative(tmp_path, site, source):
    business = site.trustpilot if source == "trustpilot" else site.own
    target = business.reviews[0]
    target.rating = 5
    crawl(tmp_path, site, sources=(source,))
    target.rating, target.text = 1, "Changed my mind: it leaks again."
    crawl(tmp_path, site, sources=(source,))
    store = Store(tmp_path / "repscan.db")
    try:
        [row] = store.query("SELECT * FROM reviews WHERE source_id LIKE ?", [f"%{target.id}"])
        versions = store.versions("acme", source, row["source_id"])
    finally:
        store.close()
    assert row["rating"] == 1 and row["negative"] == 1
    assert row["negative_since"] > row["first_seen_at"]
    assert [v["changed"] for v in versions] == ["new", "rating,text"]
    assert versions[0]["rating"] == 5 and versions[1]["text"] == "Changed my mind: it leaks again."
