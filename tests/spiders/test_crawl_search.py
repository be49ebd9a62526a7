"""Search crawls over HTTP: results stored per crawl with class and rank, movement across crawls, blocks."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader

from helpers import REAL, Reply, case, run_cli
from repscan.app import configfile
from repscan.core.config import load
from repscan.app.demo.server import LocalSite
from repscan.app.demo.site import SearchHit, duckduckgo_page
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store
from repscan.reports import queries, render

OWN = SearchHit("https://www.acmeplumbing.example/", "Acme Plumbing | Rochester plumbers", "Family-run plumbers.")
COMPLAINT = SearchHit("https://www.ripoffreport.com/reports/acme-plumbing/rochester/overcharged-1523377",
                      "Ripoff Report | Acme Plumbing complaint", "Charged me $2,400 for a leaking heater. Avoid!")
REVIEWS = SearchHit("https://www.trustpilot.com/review/acmeplumbing.example", "Acme Plumbing Reviews | Trustpilot",
                    "Read 40 reviews of Acme Plumbing.")
SOCIAL = SearchHit("https://www.facebook.com/acmeplumbing", "Acme Plumbing - Facebook", "Acme Plumbing. 900 likes.")



def search_config(path, url, engines=("duckduckgo", "bing"), delay=0, queries=("Acme Plumbing",), aliases=()):
    return configfile.write_config(
        path, agency={"name": "Test Agency", "sender": "reports@agency.example"},
        search={"engines": list(engines), "delay": delay, "base_urls": {"duckduckgo": url, "bing": url}},
        crawl={"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 0},
        clients=[{"id": "acme", "name": "Acme Plumbing", "aliases": list(aliases), "domains": ["acmeplumbing.example"],
                  "profiles": ["https://www.facebook.com/acmeplumbing"], "recipients": ["owner@acmeplumbing.example"],
                  "queries": list(queries)}])


class Engines:
    """DuckDuckGo results from a list we can reorder; Bing answers with our Bing fixture."""

    def __init__(self):
        self.hits = [OWN, REVIEWS, COMPLAINT, SOCIAL]
        self.server = LocalSite(self.route)

    def route(self, path, query):
        if path == "/html/":
            return Reply(body=duckduckgo_page(query["q"][0], self.hits))
        if path == "/search":
            return Reply(body=case("bing/serp-page-1").body)
        return None


def crawl(tmp_path, engines):
    path = search_config(tmp_path / "repscan.toml", engines.server.url)
    result = run_cli("--config", str(path), "crawl", "--quiet")
    return load(path), result


def test_two_crawls_store_ranks_and_classes_and_the_report_shows_movement(tmp_path):
    engines = Engines()
    with engines.server:
        cfg, first = crawl(tmp_path, engines)
        assert first.returncode == 0, first.stderr[-2000:]
        between = stamp(utcnow())
        engines.hits = [COMPLAINT, OWN, SOCIAL, REVIEWS]  # the complaint climbs above the own site
        cfg, second = crawl(tmp_path, engines)
        assert second.returncode == 0, second.stderr[-2000:]
    assert [hit for hit in engines.server.hits if hit.startswith("/html/")] == ["/html/?q=Acme+Plumbing"] * 2

    store = Store(cfg.database)
    try:
        crawls = {(c["source"], c["id"]): c for c in store.crawls()}
        assert {source for source, _ in crawls} == {"duckduckgo", "bing"}
        assert all(c["status"] == "ok" for c in crawls.values())
        snapshot = store.search_snapshot("acme")
        ddg = snapshot[("duckduckgo", "Acme Plumbing")]
        assert [(r["rank"], r["category"], bool(r["negative"])) for r in ddg] == [
            (1, "complaint", True), (2, "own", False), (3, "own", False), (4, "review", False)]
        assert ddg[0]["url"] == COMPLAINT.url  # unwrapped from DuckDuckGo's redirect link
        assert len(snapshot[("bing", "Acme Plumbing")]) >= 5

        blocks = queries.search_blocks(cfg, cfg.client("acme"), store, since=between, until=stamp(utcnow() + timedelta(seconds=1)))
        [block] = [b for b in blocks if b.engine == "duckduckgo"]
        first_row = block.results[0]
        assert (first_row.rank, first_row.previous_rank, first_row.movement) == (1, 3, "▲ 2")
        assert first_row.complaint and first_row.above_own
        assert block.own_best_rank == 2
        assert block.visibility > block.visibility_before > 0  # position 1 is seen by more searchers than 3
        data = queries.build(cfg, cfg.client("acme"), store, since=between, until=utcnow() + timedelta(seconds=1))
    finally:
        store.close()
    pdf = render.render_pdf(data, tmp_path / "report.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "What people see when they search you" in text
    assert "“Acme Plumbing” on DuckDuckGo" in text and "above your own site" in text and "▲ 2" in text
    assert "Ripoff Report | Acme Plumbing complaint" in text


def test_challenge_instead_of_results_is_blocked(tmp_path):
    engines = Engines()
    challenge = REAL / "blocked" / "duckduckgo-anomaly-challenge-2026.html" if REAL else None
    body = challenge.read_bytes() if challenge and challenge.exists() else (
        b'<html><body><form id="challenge-form" action="/anomaly.js?sv=html"><div class="anomaly-modal__modal"'
        b' data-testid="anomaly-modal"></div></form></body></html>')
    with engines.server:
        engines.server.fail("/html/?q=Acme+Plumbing", Reply(202, body))
        cfg, result = crawl(tmp_path, engines)
    assert result.returncode == 1
    store = Store(cfg.database)
    try:
        [ddg] = [c for c in store.crawls() if c["source"] == "duckduckgo"]
        assert ddg["status"] == "blocked" and ddg["items"] == 0
        assert "DuckDuckGo anomaly challenge" in ddg["error"]
        assert ("duckduckgo", "Acme Plumbing") not in store.search_snapshot("acme")
    finally:
        store.close()


def test_queries_to_one_engine_are_spaced_by_the_configured_delay(tmp_path):
    engines = Engines()
    with engines.server:
        path = search_config(tmp_path / "repscan.toml", engines.server.url, engines=("duckduckgo",), delay=1.5,
                             queries=("Acme Plumbing", "Acme Plumbing reviews", "Acme Plumbing complaints"))
        result = run_cli("--config", str(path), "crawl", "--quiet")
        assert result.returncode == 0, result.stderr[-2000:]
        times = [t for hit, t in zip(engines.server.hits, engines.server.hit_times) if hit.startswith("/html/")]
    assert len(times) == 3
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1.5 * 0.5  # Scrapy randomises the delay by ±50%


# -- search alerts: once per URL, complaints and negative results only ---------------------------------------

LISTING = SearchHit("https://www.yelp.com/biz/acme-plumbing-rochester",
                    "ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York",
                    '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."')
NEWS = SearchHit("https://www.rochesterfirst.example/news/acme-plumbing-sponsors-flood-relief",
                 "Acme Plumbing sponsors the flood relief drive", "After the storm damage, local firms helped out.")
NEWS_BAD = SearchHit("https://patch.com/new-york/rochester/rochester-plumber-fined",
                     "Rochester plumber fined over botched installs", "State regulators fined Acme Plumbing $15,000.")


def test_search_alerts_once_per_url_for_complaints_and_negative_results_only(tmp_path):
    from repscan.reports import alerts

    engines = Engines()
    engines.hits = [COMPLAINT, LISTING, OWN, NEWS, NEWS_BAD, SOCIAL]
    queries = ("Acme Plumbing", "Acme Plumbing reviews", "Acme Plumbing complaints")
    with engines.server, LocalSite(lambda path, query: Reply(200, "ok")) as hook:
        path = search_config(tmp_path / "repscan.toml", engines.server.url, engines=("duckduckgo",), queries=queries)
        text = path.read_text().replace("queries = [", f'apprise = ["json://127.0.0.1:{hook.server.server_address[1]}'
                                                       '/hook"]\nqueries = [')
        path.write_text(text)
        result = run_cli("--config", str(path), "crawl", "--quiet")
        assert result.returncode == 0, result.stderr[-2000:]
        cfg = load(path)
        store = Store(cfg.database)
        try:
            alerts.collect(cfg, store, utcnow())
            alerts.deliver(cfg, store, utcnow(), None)
            blocks = queries_blocks(cfg, store)
        finally:
            store.close()
        titles = sorted(__import__("json").loads(body)["title"] for _, body in hook.posts)
    # three queries show the same page: one alert per URL; the happy listing and the neutral news item none
    assert titles == ["Acme Plumbing: a complaint is on page one of your search results",
                      "Acme Plumbing: a negative news result is on page one of your search results"]
    # "above your own site" only for what ranks above the client's own result on that page
    [block] = [b for b in blocks if b.query == "Acme Plumbing"]
    assert [(r.url, r.above_own) for r in block.results if r.complaint] == [(COMPLAINT.url, True), (NEWS_BAD.url, False)]


def test_above_your_own_site_needs_the_own_site_on_the_page_and_results_are_judged_by_the_clients_names(tmp_path):
    engines = Engines()
    # neither the client's site nor its profiles are on this page; the query "Acme отзывы" is in no result, the
    # client's name and its alias are (made-up results)
    engines.hits = [COMPLAINT, REVIEWS,
                    SearchHit("https://forum.example/t/1", "Avoid Acme Rohrdienst at all costs", "Booked a boiler."),
                    SearchHit("https://forum.example/t/2", "Acme Plumbing: no refund scam", "Made-up thread."),
                    SearchHit("https://forum.example/t/3", "How to avoid frozen pipes", "Tips for the winter.")]
    with engines.server:
        path = search_config(tmp_path / "repscan.toml", engines.server.url, engines=("duckduckgo",),
                             queries=("Acme отзывы",), aliases=("Acme Rohrdienst",))
        result = run_cli("--config", str(path), "crawl", "--quiet")
        assert result.returncode == 0, result.stderr[-2000:]
        cfg = load(path)
        store = Store(cfg.database)
        try:
            [block] = queries_blocks(cfg, store)
            data = queries.build(cfg, cfg.client("acme"), store, since=None, until=utcnow())
        finally:
            store.close()
    assert block.own_best_rank is None
    assert [r.complaint for r in block.results] == [True, False, True, True, False]
    assert data.summary.complaints_on_page_one == 3
    assert not any(r.above_own for r in block.results)
    assert "above your own site" not in render.render_html(data)


def queries_blocks(cfg, store):
    return queries.search_blocks(cfg, cfg.client("acme"), store, since=None, until=stamp(utcnow()))

