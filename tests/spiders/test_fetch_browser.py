"""Fetch mode "browser": a page that builds its reviews with JavaScript from an XHR, crawled for real over loopback.
Plain HTTP gets the empty shell (a loud layout error naming the fix); Chromium through scrapy-playwright gets the
reviews into SQLite; what the browser shows goes through the same block check."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli, write_config
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.store import Store
from repscan.spiders import fetch

# Made-up reviews of a made-up business, served as the XHR the page's script asks for.
REVIEWS = {
    "name": "Acme Plumbing",
    "rating": 3.7,
    "count": 3,
    "reviews": [
        {"id": "r-3", "author": "Dana Whitfield", "stars": 1, "date": "2026-10-14",
         "text": "The boiler leaked again two days after the visit."},
        {"id": "r-2", "author": "Tomasz Rydel", "stars": 5, "date": "2026-10-09",
         "text": "Quick, tidy and explained everything."},
        {"id": "r-1", "author": "Ines Paredes", "stars": 4, "date": "2026-09-30",
         "text": "Good job on the kitchen tap, a bit late."},
    ],
}

# The shell the server sends: no review in it until the script has fetched /reviews.json and written the
# schema.org JSON-LD and the review cards into the DOM (as review widgets do).
SHELL = """<!doctype html>
<html><head><title>Acme Plumbing - reviews</title></head>
<body><h1>Acme Plumbing</h1><section id="reviews" aria-busy="true">Loading reviews...</section>
<script>
fetch('/reviews.json').then(function (answer) { return answer.json(); }).then(function (data) {
  var ld = document.createElement('script');
  ld.type = 'application/ld+json';
  ld.textContent = JSON.stringify({
    '@context': 'https://schema.org', '@type': 'LocalBusiness', 'name': data.name,
    'aggregateRating': {'@type': 'AggregateRating', 'ratingValue': data.rating, 'reviewCount': data.count},
    'review': data.reviews.map(function (r) {
      return {'@type': 'Review', '@id': '#' + r.id, 'author': {'@type': 'Person', 'name': r.author},
              'datePublished': r.date, 'reviewBody': r.text,
              'reviewRating': {'@type': 'Rating', 'ratingValue': r.stars, 'bestRating': 5}};
    })
  });
  document.head.appendChild(ld);
  var list = document.getElementById('reviews');
  list.textContent = '';
  data.reviews.forEach(function (r) {
    var card = document.createElement('article');
    card.className = 'review-card';
    card.textContent = r.author + ': ' + r.text;
    list.appendChild(card);
  });
  list.setAttribute('aria-busy', 'false');
});
</script></body></html>"""

# A page whose script puts up a DataDome-style challenge once it has run: only the rendered DOM shows it.
CHALLENGE = """<!doctype html>
<html><head><title>Acme Plumbing</title></head><body><div id="app"></div>
<script>
var frame = document.createElement('iframe');
frame.src = '/captcha-delivery.com/captcha/?initialCid=made-up';
document.getElementById('app').appendChild(frame);
</script></body></html>"""


def route(path, query):
    if path == "/shop/reviews":
        return Reply(body=SHELL)
    if path == "/reviews.json":
        return Reply(body=json.dumps(REVIEWS), content_type="application/json")
    if path == "/shop/challenge":
        return Reply(body=CHALLENGE)
    return None


def crawl(tmp_path, site: LocalSite, path: str, **source) -> tuple[object, dict, list[dict], list[dict]]:
    """`repscan crawl` of one jsonld source on the local site; (result, crawls row, reviews, businesses)."""
    config = write_config(tmp_path, [{"site": "jsonld", "url": f"{site.url}{path}", **source}], timeout=20)
    result = run_cli("--config", str(config), "crawl", "--quiet", timeout=180)
    store = Store(tmp_path / "repscan.db")
    try:
        return (result, store.crawls()[-1], store.query("SELECT * FROM reviews ORDER BY published_at DESC"),
                store.query("SELECT * FROM businesses"))
    finally:
        store.close()


def browser_or_skip() -> None:
    try:
        fetch.check("browser")
    except fetch.Unavailable as exc:
        pytest.skip(str(exc))


def test_plain_http_gets_the_empty_shell_and_says_so_loudly(tmp_path):
    with LocalSite(route) as site:
        result, row, reviews, _ = crawl(tmp_path, site, "/shop/reviews")
    assert row["status"] == "broken" and reviews == []
    assert "layout not recognised at" in row["error"] and "/shop/reviews" in row["error"]
    assert 'set fetch = "browser"' in row["error"]  # the hint: the page has scripts and gave nothing
    assert "/reviews.json" not in site.hits  # nothing ran the page's script
    assert result.returncode == 1


@pytest.mark.browser
def test_the_browser_runs_the_script_and_the_reviews_reach_sqlite(tmp_path):
    browser_or_skip()
    with LocalSite(route) as site:
        result, row, reviews, businesses = crawl(tmp_path, site, "/shop/reviews", fetch="browser")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (row["status"], row["error"], row["items"]) == ("ok", None, 3)
    assert [(r["author"], r["rating"], r["text"], r["published_at"][:10]) for r in reviews] == [
        (r["author"], r["stars"], r["text"], r["date"]) for r in REVIEWS["reviews"]]
    assert [r["negative"] for r in reviews] == [1, 0, 0]
    assert [(b["name"], b["rating"], b["review_count"]) for b in businesses] == [("Acme Plumbing", 3.7, 3)]
    # robots.txt over plain HTTP first, then the page in Chromium, whose script asked for the XHR.
    assert site.hits[:3] == ["/robots.txt", "/shop/reviews", "/reviews.json"]
    assert any("HeadlessChrome" in agent or "repscan" in agent for agent in site.agents)


@pytest.mark.browser
def test_what_the_browser_shows_goes_through_the_block_check(tmp_path):
    browser_or_skip()
    with LocalSite(route) as site:
        result, row, reviews, _ = crawl(tmp_path, site, "/shop/challenge", fetch="browser")
    assert (row["status"], reviews) == ("blocked", [])
    assert row["error"].startswith("blocked: DataDome at ") and "/shop/challenge" in row["error"]
    assert result.returncode == 1


def test_without_the_browser_the_crawl_is_an_error_naming_what_to_install(tmp_path):
    with LocalSite(route) as site:
        config = write_config(tmp_path, [{"site": "jsonld", "url": f"{site.url}/shop/reviews", "fetch": "browser"}])
        result = run_cli("--config", str(config), "crawl", "--quiet", env={"REPSCAN_CHROMIUM": "/nonexistent/chromium"})
        store = Store(tmp_path / "repscan.db")
        row = store.crawls()[-1]
        store.close()
    assert result.returncode == 1
    assert row["status"] == "error" and row["error"].startswith("browser fetch unavailable: ")
    assert "make browser" in row["error"]
    assert [hit for hit in site.hits if hit != "/robots.txt"] == []
