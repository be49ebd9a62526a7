"""History never alerts: whatever the first crawl of a source URL did, what it imported stays quiet; only news alerts.

Real crawls (`repscan crawl`) of pages served from 127.0.0.1, then the alerts a local webhook receives."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from helpers import LocalSite, Reply, make_business, run_cli
from repscan.app import configfile
from repscan.app.demo.site import Review, jsonld_page
from repscan.core import rules
from repscan.core.config import load
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store
from repscan.reports import alerts


@pytest.fixture
def hook():
    with LocalSite(lambda path, query: Reply(200, "ok")) as site:
        yield site


def config(tmp_path, hook, sources):
    """Client acme with these (site, url) sources and a webhook for alerts (no SMTP: email stays pending)."""
    return configfile.write_config(tmp_path / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out"},
        "crawl": {"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 1},
        "clients": [{"id": "acme", "name": "Acme Plumbing", "timezone": "Europe/Berlin",
                     "recipients": ["owner@acme.example"],
                     "apprise": [f"json://127.0.0.1:{hook.server.server_address[1]}/hook"],
                     "sources": [{"site": site, "url": url} for site, url in sources]}],
    })


def crawl_and_alert(path, hook) -> list[dict]:
    """One `repscan crawl`, then collect and deliver alerts now; the webhook payloads this delivery sent."""
    result = run_cli("--config", str(path), "crawl", "--quiet")
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    cfg = load(path)
    store = Store(cfg.database)
    before = len(hook.posts)
    try:
        now = utcnow()
        alerts.collect(cfg, store, now)
        alerts.deliver(cfg, store, now, None)
    finally:
        store.close()
    return [json.loads(body) for _, body in hook.posts[before:]]


def statuses(path) -> list[str]:
    store = Store(load(path).database)
    try:
        return [c["status"] for c in store.crawls()]
    finally:
        store.close()


def test_a_first_crawl_cut_short_by_a_404_still_imports_history(tmp_path, site, hook):
    path = config(tmp_path, hook, [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}")])
    site.server.fail(site.tp_path(2), Reply(404, "<h1>Not found</h1>"))
    assert crawl_and_alert(path, hook) == []  # page 1 of 2026's October reviews: history
    assert statuses(path) == ["error"]
    assert crawl_and_alert(path, hook) == []  # the pages the first crawl missed: older still, history too
    assert statuses(path)[-1] == "ok"
    site.trustpilot.reviews.insert(0, Review(id="acme-fresh", author="Fresh Customer", rating=1, title="Flooded",
                                             text="The new tap flooded the kitchen.",
                                             published=stamp(utcnow() - timedelta(hours=1))))
    [payload] = crawl_and_alert(path, hook)  # news alerts, once
    assert "The new tap flooded the kitchen." in payload["message"]


def test_history_is_per_source_url_not_per_site(tmp_path, hook):
    first, second = make_business(4, per_page=4, slug="first"), make_business(4, per_page=4, slug="second", start=10)
    businesses = {"/first": first, "/second": second}

    def route(path, query):
        business = businesses.get(path)
        body = business and jsonld_page(business, int((query.get("page") or ["1"])[0]), local.url, path)
        return Reply(body=body) if body else None

    with LocalSite(route) as local:
        path = config(tmp_path, hook, [("jsonld", f"{local.url}/first")])
        assert crawl_and_alert(path, hook) == []
        # A month later the agency adds the client's second page: its 30-to-60-day-old reviews are its history.
        path = config(tmp_path, hook, [("jsonld", f"{local.url}/first"), ("jsonld", f"{local.url}/second")])
        assert crawl_and_alert(path, hook) == []
        store = Store(load(path).database)
        try:
            assert store.query("SELECT COUNT(*) AS n FROM reviews WHERE rating <= 2")[0]["n"] >= 2  # negatives were there
        finally:
            store.close()


def test_trustpilot_fixture_dates_are_history():
    """The served reviews are older than the history window today, so only the history rule keeps them quiet."""
    oldest_alertable = utcnow() - rules.HISTORY_WINDOW
    assert all(r.published < stamp(oldest_alertable) for r in make_business(12).reviews)
