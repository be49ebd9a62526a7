"""Shared test helpers: a local website, a config writer, the CLI in a subprocess, cases and real pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from repscan.app import configfile
from repscan.app.cases import Case
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import Business, Review, jsonld_page, trustpilot_page

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CASES = ROOT / "tests" / "cases"


def case(ref: str) -> Case:
    """case("trustpilot/page-1-of-2"): the extraction case folder tests/cases/<site>/<name>."""
    folder = CASES / ref
    assert (folder / "meta.json").is_file(), f"no case {ref}"
    return Case(folder)


# Real saved pages live outside the repository (they are not ours to publish): the folder named by
# REPSCAN_REAL_PAGES, else ../shared/fixtures/real next to the repository when it exists.
REAL_PAGES_VARIABLE = "REPSCAN_REAL_PAGES"
REAL_MISSING = f"real pages not found: set {REAL_PAGES_VARIABLE}"
# Their folders are named by where the pages came from, not by our site keys: site key -> folders.
REAL_FOLDERS = {
    "appstore": ("app-store",), "bing": ("bing",), "blocked": ("blocked",), "brave": ("brave",),
    "duckduckgo": ("duckduckgo",), "facebook": ("facebook",), "feed": ("rss",), "foursquare": ("foursquare",),
    "google": ("google-serp",), "google-maps": ("google-maps", "google-places"), "googleplay": ("google-play",),
    "jsonld": ("jsonld-reviews", "consumeraffairs"), "reddit": ("reddit", "rss"), "tripadvisor": ("tripadvisor",),
    "trustpilot": ("trustpilot",), "twitter": ("twitter",), "yelp": ("yelp",),
}


def _real_root() -> Path | None:
    configured = os.environ.get(REAL_PAGES_VARIABLE)
    path = Path(configured).expanduser() if configured else ROOT.parent / "shared" / "fixtures" / "real"
    return path if path.is_dir() else None


REAL = _real_root()


def real_path(site: str, name: str) -> Path:
    """The real saved page `name` of a site (see REAL_FOLDERS); skips the test when the pages are absent."""
    if REAL is None:
        pytest.skip(REAL_MISSING)
    for folder in REAL_FOLDERS[site]:
        if (REAL / folder / name).is_file():
            return REAL / folder / name
    raise AssertionError(f"{name} is in none of {REAL_FOLDERS[site]} under {REAL}")


def real_page(site: str, name: str) -> bytes:
    return real_path(site, name).read_bytes()

def make_business(count: int, per_page: int = 5, slug: str = "acme.example", start: int = 0) -> Business:
    """`count` made-up reviews, newest first, with ids acme-<n>."""
    business = Business(slug=slug, name="Acme Plumbing", rating=3.9, per_page=per_page)
    for n in range(start + count, start, -1):
        business.reviews.append(Review(
            id=f"acme-{n:04d}", author=f"Customer {n}", rating=(n % 5) + 1, title=f"Visit {n}",
            text=f"Review number {n} about the plumbing job.", published=f"2026-10-{1 + n % 28:02d}T10:00:00Z",
        ))
    return business


class Site:
    """A LocalSite serving one Trustpilot-structured and one JSON-LD business."""

    def __init__(self, trustpilot: Business | None = None, own: Business | None = None):
        self.trustpilot = trustpilot or make_business(12)
        self.own = own or make_business(6, per_page=4, slug="own")
        self.server = LocalSite(self.route)

    def route(self, path, query):
        raw = (query.get("page") or ["1"])[0]
        page = int(raw) if raw.isdigit() else 0
        if path == f"/review/{self.trustpilot.slug}":
            body = trustpilot_page(self.trustpilot, page, self.url)
        elif path == "/reviews":
            body = jsonld_page(self.own, page, self.url, "/reviews")
        else:
            body = None
        return Reply(body=body) if body else None

    @property
    def url(self) -> str:
        return self.server.url

    def tp_path(self, page: int = 1) -> str:
        base = f"/review/{self.trustpilot.slug}?sort=recency"
        return base if page == 1 else f"{base}&page={page}"


def write_config(folder: Path, sources: list[tuple[str, str] | dict], timeout: float = 5, retries: int = 2,
                 name: str = "Acme Plumbing", aliases: tuple[str, ...] = (), **sections) -> Path:
    """The tests' usual config: client acme with these sources, (site, url) or a whole [[clients.sources]]
    table; `sections` add or replace whole sections (crawl=..., search=...) of repscan.app.configfile.config_text."""
    return configfile.write_config(folder / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out"},
        "crawl": {"download_delay": 0, "autothrottle": False, "timeout": timeout, "retries": retries,
                  "max_retry_after": 5},
        "clients": [{"id": "acme", "name": name, "aliases": list(aliases),
                     "recipients": ["owner@acme.example", "manager@acme.example"], "timezone": "Europe/Berlin",
                     "sources": [source if isinstance(source, dict) else {"site": source[0], "url": source[1]}
                                 for source in sources]}],
        **sections,
    })


def imported(store, items: list[dict], at: str) -> None:
    """Acme's Trustpilot page as a first full crawl that finished at `at` (an ISO time) found it: these items, its
    history (alerts are made for what comes after)."""
    crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme",
                                 started_at=at)
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=len(items), requests=3, pages=3, full=True,
                       error=None, finished_at=at)
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=at)


def report_due(database: Path, client_id: str = "acme") -> None:
    """The client's last report slot long past, so its report is due (a client never run waits for its next slot)."""
    from repscan.core.store import Store

    store = Store(database)
    try:
        store.mark_done(client_id, "report", "2026-01-05T07:00:00.000000Z", "ok")
    finally:
        store.close()


def run_cli(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """`repscan ARGS` in a fresh process (Scrapy's reactor runs once per process), as installed: -P keeps the
    checkout's folders (reports/, spiders/) off sys.path, so an import by a folder's name fails here as it would."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "repscan.app.cli", *args], input=input, capture_output=True, text=True,
        cwd=cwd or ROOT, env={**os.environ, **(env or {})}, timeout=timeout,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def authorizations(site: LocalSite) -> list[tuple[str, str | None]]:
    """The (path, Authorization) of each GET the local site answers from now on, in a list that fills as they come."""
    seen: list[tuple[str, str | None]] = []
    handler = site.server.RequestHandlerClass
    serve = handler.do_GET

    def do_get(request):
        seen.append((request.path, request.headers.get("Authorization")))
        serve(request)

    handler.do_GET = do_get
    return seen


@contextmanager
def trap(body: str = '{"status": "ok"}'):
    """Another host:port on loopback that answers everything and records each GET's (path, Authorization):
    where keys, tokens and crawls must never go."""
    site = LocalSite(lambda path, query: Reply(body=body, content_type="application/json"))
    seen = authorizations(site)
    with site:
        site.seen = seen
        yield site


def kept_page(database: Path, row: dict) -> bytes:
    """The page bytes an evidence row's copy holds (Store.open_copy, what `repscan evidence --out` writes)."""
    from repscan.core.store import Store

    store = Store(database)
    try:
        with store.open_copy(Path(database).parent, row) as stream:
            return stream.read()
    finally:
        store.close()
