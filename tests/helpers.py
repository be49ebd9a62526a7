"""Shared test helpers: a local website, a config writer, the CLI in a subprocess, real fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import Business, Review, jsonld_page, trustpilot_page

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REAL = ROOT.parent / "shared" / "fixtures" / "real"

CONFIG = """\
[agency]
name = "Test Agency"
sender = "reports@agency.example"

[storage]
database = "repscan.db"
reports_dir = "out"

[crawl]
download_delay = 0
autothrottle = false
timeout = {timeout}
retries = {retries}
max_retry_after = 5

[[clients]]
id = "acme"
name = "{name}"
aliases = {aliases}
recipients = ["owner@acme.example", "manager@acme.example"]
timezone = "Europe/Berlin"
{sources}
"""


def real_fixture(relative: str) -> Path:
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"real fixture {relative} not available (../shared/fixtures/real)")
    return path


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


def write_config(folder: Path, sources: list[tuple[str, str]], timeout: float = 5, retries: int = 2,
                 name: str = "Acme Plumbing", aliases: tuple[str, ...] = ()) -> Path:
    blocks = "".join(f'\n[[clients.sources]]\nsite = "{site}"\nurl = "{url}"\n' for site, url in sources)
    path = folder / "repscan.toml"
    path.write_text(CONFIG.format(sources=blocks, timeout=timeout, retries=retries, name=name,
                                  aliases=json.dumps(list(aliases))), encoding="utf-8")
    return path


def run_cli(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """`repscan ARGS` in a fresh process (Scrapy's reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "repscan.app.cli", *args], input=input, capture_output=True, text=True,
        cwd=cwd or ROOT, env={**os.environ, **(env or {})}, timeout=timeout,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
