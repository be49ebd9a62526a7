"""Fault drills: sites that misbehave, processes killed mid-way, hostile text, readers beside writers.

Each fails if anything is lost or doubled. They run in `make drills` and CI (marker: drill).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader

from helpers import ROOT, make_business, run_cli, write_config
from repscan.core.config import load
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import Review, jsonld_page, trustpilot_page
from repscan.core.items import iso_utc, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import queries, render

pytestmark = pytest.mark.drill

CHALLENGE = ('<html><head><title>Just a moment...</title></head><body><div id="challenge-stage"></div>'
             '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>')
LOGIN = ('<html><head><title>Log in</title></head><body><form action="/login" method="post">'
         '<input name="email"><input type="password" name="password"><button>Log in</button></form></body></html>')


class Sites:
    """Several Trustpilot-structured businesses on one local host, plus a login page."""

    def __init__(self, slugs, count=12, per_page=5, delay=0.0):
        self.businesses = {slug: make_business(count, per_page=per_page, slug=slug, start=i * 1000)
                           for i, slug in enumerate(slugs)}
        self.delay = delay
        self.server = LocalSite(self.route)

    def route(self, path, query):
        if path == "/login":
            return Reply(body=LOGIN)
        slug = path.removeprefix("/review/")
        if slug in self.businesses:
            page = int((query.get("page") or ["1"])[0])
            body = trustpilot_page(self.businesses[slug], page, self.server.url)
            return Reply(body=body, delay=self.delay) if body else None
        return None

    def path(self, slug, page=1):
        return f"/review/{slug}?sort=recency" + (f"&page={page}" if page > 1 else "")

    def sources(self):
        return [("trustpilot", f"{self.server.url}/review/{slug}") for slug in self.businesses]


def reviews(db):
    store = Store(db)
    try:
        return [r["source_id"] for r in store.query("SELECT source_id FROM reviews")]
    finally:
        store.close()


def test_every_kind_of_misbehaviour_then_a_clean_crawl_recovers_every_review_once(tmp_path):
    slugs = ["throttled", "down", "slow", "truncated", "walled", "redirected", "redesigned"]
    sites = Sites(slugs)
    with sites.server as server:
        server.fail(sites.path("throttled", 2), Reply(429, "slow down", headers={"Retry-After": "1"}))
        server.fail(sites.path("down", 2), *[Reply(503, "down")] * 3)
        server.fail(sites.path("slow"), *[Reply(200, "late", delay=2.5)] * 3)
        full = trustpilot_page(sites.businesses["truncated"], 1, server.url)
        server.fail(sites.path("truncated"), Reply(200, full[: full.index('"reviews":') + 300]))
        server.fail(sites.path("walled", 2), Reply(403, CHALLENGE))
        server.fail(sites.path("redirected"), Reply(302, "", headers={"Location": "/login?next=/review/redirected"}))
        server.fail(sites.path("redesigned"), Reply(200, "<html><body><main class='v2'>Reviews soon</main></body></html>"))
        config = write_config(tmp_path, sites.sources(), timeout=1, retries=2)
        first = run_cli("--config", str(config), "crawl", "--quiet", timeout=300)
        assert first.returncode == 1
        store = Store(tmp_path / "repscan.db")
        status = {c["url"].rsplit("/", 1)[-1]: (c["status"], c["error"] or "") for c in store.crawls()}
        store.close()
        assert status["throttled"][0] == "ok"
        assert status["down"][0] == "error" and "HTTP 503" in status["down"][1]
        assert status["slow"][0] == "error" and "timed out" in status["slow"][1]
        assert status["truncated"][0] == "ok"
        assert status["walled"][0] == "blocked" and "Cloudflare" in status["walled"][1]
        assert status["redirected"][0] == "blocked" and "login wall" in status["redirected"][1]
        assert status["redesigned"][0] == "broken" and "layout not recognised" in status["redesigned"][1]

        second = run_cli("--config", str(config), "crawl", "--quiet", timeout=300)  # the site behaves again
        assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    ids = reviews(tmp_path / "repscan.db")
    expected = {f"acme-{i * 1000 + n:04d}" for i in range(len(slugs)) for n in range(1, 13)}
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected


def test_kill_9_during_a_crawl_then_a_rerun_completes_with_nothing_lost_or_doubled(tmp_path):
    sites = Sites(["big"], count=150, per_page=5, delay=0.05)
    with sites.server as server:
        config = write_config(tmp_path, sites.sources())
        crawl = subprocess.Popen([sys.executable, "-m", "repscan.app.cli", "--config", str(config), "crawl", "--quiet"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while server.count("/review/") < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        pages_before = server.count("/review/")
        assert pages_before < 30  # it really was interrupted
        with sqlite3.connect(tmp_path / "repscan.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rerun = run_cli("--config", str(config), "crawl", "--quiet", timeout=300)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
    store = Store(tmp_path / "repscan.db")
    try:
        crawls = store.crawls()
    finally:
        store.close()
    assert crawls[0]["status"] == "error" and "interrupted" in crawls[0]["error"]
    assert crawls[-1]["status"] == "ok" and crawls[-1]["pages"] == 30  # a full catch-up, not a stop at page 1
    ids = reviews(tmp_path / "repscan.db")
    assert len(ids) == len(set(ids)) == 150


HOSTILE = [
    ("script", '<script>alert("x")</script><img src="file:///etc/passwd"> Burnt toast.'),
    ("css", '<style>@import url("http://127.0.0.1:{port}/evil.css"); body {{ background: url(http://127.0.0.1:{port}/bg.png) }}</style> Cold tea.'),
    ("control", "Bad\x00 service\x07 and\x1b[31m rude \x7fstaff."),
    ("rtl", "الخدمة سيئة جدا ‏שירות גרוע מאוד‎ never again"),
    ("emoji", "😡😡😡 worst 💩 ever 🤮"),
    ("huge", "Endless complaint. " * 55_000),  # about 1 MB
]


def test_hostile_review_text_is_stored_escaped_and_renders_without_any_fetch(tmp_path):
    trap = LocalSite(lambda path, query: Reply(200, "gotcha"))
    with trap:
        port = trap.server.server_address[1]
        business = make_business(0, per_page=10)
        recent = iso_utc(utcnow() - timedelta(hours=5))  # new, not history imported by the first crawl
        business.reviews = [Review(id=f"h-{name}", author=f"Hostile {name}", rating=1, title=name,
                                   text=text.format(port=port), published=recent)
                            for name, text in HOSTILE]
        broken = jsonld_page(make_business(3, slug="own"), 1, "http://x", "/reviews")
        broken = broken.replace('<script type="application/ld+json">', '<script type="application/ld+json">{"@graph": [</script>\n<script type="application/ld+json">', 1)

        def route(path, query):
            if path == "/review/acme.example":
                return Reply(body=trustpilot_page(business, 1, site.url))
            if path == "/reviews":
                return Reply(body=broken)
            return None

        site = LocalSite(route)
        with site:
            config = write_config(tmp_path, [("trustpilot", f"{site.url}/review/acme.example"),
                                             ("jsonld", f"{site.url}/reviews")])
            result = run_cli("--config", str(config), "crawl", "--quiet", timeout=300)
            assert result.returncode == 0, result.stdout + result.stderr[-2000:]
        cfg = load(config)
        store = Store(cfg.database)
        try:
            rows = {r["title"]: r for r in store.query("SELECT * FROM reviews WHERE source = 'trustpilot'")}
            assert len(store.query("SELECT 1 FROM reviews WHERE source = 'jsonld'")) == 3  # the good block
            data = queries.build(cfg, cfg.client("acme"), store, since=None, until=utcnow())
        finally:
            store.close()
        assert rows["control"]["text"] == "Bad service and[31m rude staff."
        assert len(rows["huge"]["text"]) > 1_000_000
        pdf = render.render_pdf(data, tmp_path / "hostile.pdf")
        assert trap.hits == []  # the renderer fetched nothing
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert '<script>alert("x")</script><img src="file:///etc/passwd">' in text
    assert f"http://127.0.0.1:{port}/evil.css" in text
    assert "Endless complaint." in text and "read the full review" in text
    assert pdf.stat().st_size < 3_000_000  # the 1 MB review is trimmed, not printed in full


def test_a_report_reads_while_a_crawl_writes(tmp_path):
    sites = Sites(["busy"], count=400, per_page=10, delay=0.02)
    errors: list[BaseException] = []
    reads = 0
    with sites.server:
        config = write_config(tmp_path, sites.sources())
        cfg = load(config)
        Store(cfg.database).close()
        crawl = subprocess.Popen([sys.executable, "-m", "repscan.app.cli", "--config", str(config), "crawl", "--quiet"],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while crawl.poll() is None:
            try:
                store = Store(cfg.database)
                try:
                    queries.build(cfg, cfg.client("acme"), store, since=None, until=utcnow())
                    store.reviews_since("acme", stamp(utcnow()), threshold=cfg.client("acme").negative_threshold)
                    reads += 1
                finally:
                    store.close()
            except sqlite3.Error as exc:
                errors.append(exc)
        out, err = crawl.communicate()
    assert crawl.returncode == 0, err[-2000:]
    assert errors == [] and reads > 3
    ids = reviews(tmp_path / "repscan.db")
    assert len(ids) == len(set(ids)) == 400


CONFIG_FIELDS = [
    ('name = "Test Agency"', 'name = ""', "agency.name"),
    ('sender = "reports@agency.example"', 'sender = "nobody"', "agency.sender"),
    ('database = "repscan.db"', "database = 3", "storage.database"),
    ('reports_dir = "out"', "reports_dir = []", "storage.reports_dir"),
    ("download_delay = 0", "download_delay = -1", "crawl.download_delay"),
    ("autothrottle = false", 'autothrottle = "sometimes"', "crawl.autothrottle"),
    ("timeout = 5", "timeout = 0", "crawl.timeout"),
    ("retries = 2", "retries = 99", "crawl.retries"),
    ("max_retry_after = 5", "max_retry_after = -3", "crawl.max_retry_after"),
    ('id = "acme"', 'id = "ACME!"', "clients[ACME!].id"),
    ('name = "Acme Plumbing"', "name = 7", "clients[acme].name"),
    ("aliases = []", "aliases = 5", "clients[acme].aliases"),
    ('recipients = ["owner@acme.example", "manager@acme.example"]', "recipients = []", "clients[acme].recipients"),
    ('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"', "clients[acme].timezone"),
    ('site = "trustpilot"', 'site = "myspace"', "clients[acme].sources[0].site"),
    ('url = "https://t.example/review/acme"', 'url = "t.example"', "clients[acme].sources[0].url"),
]


@pytest.mark.parametrize("old, new, field", CONFIG_FIELDS, ids=[f for _, _, f in CONFIG_FIELDS])
def test_every_config_field_wrong_in_turn_is_named_and_nothing_is_written(tmp_path, old, new, field):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    line = next(n for n, content in enumerate(path.read_text().splitlines(), 1) if content.strip() == new.strip())
    result = run_cli("--config", str(path), "crawl")
    assert result.returncode == 2
    assert f"{path}:{line}: {field}:" in result.stderr, result.stderr
    assert not (tmp_path / "repscan.db").exists()
