"""A client's web for the report scenarios: Trustpilot, a Reddit search feed, a DuckDuckGo page and, when asked,
a review page behind a captcha or one whose layout changed, served by LocalSite and crawled through the real pipeline (`repscan crawl/send`)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from pypdf import PdfReader

from helpers import case, run_cli
from repscan.app import configfile
from repscan.app.demo import free_port
from repscan.app.demo.data import SEARCH
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import (Business, Review, SearchHit, duckduckgo_page, mention_page,
                                   trustpilot_page)
from repscan.core.items import iso_utc, utcnow

QUERY = "Harbour Lane Bakery"


@dataclass
class Rival:
    """A competitor's Trustpilot profile and page one of a search for its name."""

    id: str
    business: Business
    search: list[SearchHit]


def review(rid: str, stars: int, hours: float, now: datetime, reply_after: float | None = None, **extra) -> Review:
    published = (now - timedelta(hours=hours)).replace(microsecond=0)
    return Review(id=rid, author=f"Person {rid}", rating=stars, title=f"Title {rid}", text=f"Text of review {rid}.",
                  published=iso_utc(published), reply="Thank you, we are on it." if reply_after is not None else None,
                  reply_at=iso_utc(published + timedelta(hours=reply_after)) if reply_after is not None else None,
                  **extra)


class ClientWeb:
    """The pages; `reviews`, `rating`, `blocked`, `broken` and `mentions` may change between crawls."""

    HOTEL = "/Hotel_Review-g9999001-d5555555-Reviews-Harbour_Lane_Hotel-Fernbridge_Wessex.html"

    def __init__(self, reviews: list[Review], *, rating: float = 3.5, mentions: bool = True, search: bool = True,
                 blocked: bool = False, broken: bool = False, rivals: tuple[Rival, ...] = (),
                 threshold: float | None = None):
        self.business = Business(slug="harbourlanebakery.example", name="Harbour Lane Bakery", rating=rating,
                                 reviews=reviews, per_page=20)
        self.mentions, self.search, self.blocked, self.broken = mentions, search, blocked, broken
        self.rivals, self.threshold = rivals, threshold
        self.now = utcnow()
        self.local = LocalSite(self.route)

    def route(self, path, query):
        if path == f"/review/{self.business.slug}":
            body = trustpilot_page(self.business, int((query.get("page") or ["1"])[0]), self.url)
            return Reply(body=body) if body else None
        if path == "/search.rss" and self.mentions:
            return Reply(body=mention_page("reddit-search.atom.xml", self.url, self.now),
                         content_type="application/atom+xml; charset=utf-8")
        for rival in self.rivals:
            if path == f"/review/{rival.business.slug}":
                body = trustpilot_page(rival.business, int((query.get("page") or ["1"])[0]), self.url)
                return Reply(body=body) if body else None
            if path == "/html/" and query.get("q") == [rival.business.name]:
                return Reply(body=duckduckgo_page(rival.business.name, rival.search))
        if path == "/html/" and self.search:
            return Reply(body=duckduckgo_page(QUERY, SEARCH[QUERY]))
        if path == "/yelp-like" and self.blocked:
            return Reply(403, case("jsonld/datadome-captcha").body)
        if path == self.HOTEL and self.broken:
            return Reply(body=case("tripadvisor/count-without-known-cards").body)
        return None

    @property
    def url(self) -> str:
        return self.local.url

    def config(self, folder: Path) -> Path:
        sources = [{"site": "trustpilot", "url": f"{self.url}/review/{self.business.slug}"}]
        if self.mentions:
            sources.append({"site": "reddit", "url": f"{self.url}/search.rss?q=%22Harbour+Lane+Bakery%22&sort=new"})
        if self.blocked:
            sources.append({"site": "jsonld", "url": f"{self.url}/yelp-like"})
        if self.broken:
            sources.append({"site": "tripadvisor", "url": f"{self.url}{self.HOTEL}"})
        client = {"id": "hlb-internal-7", "name": "Harbour Lane Bakery", "aliases": ["Harbour Lane"],
                  "domains": ["harbourlanebakery.example"], "profiles": ["https://www.facebook.com/harbourlanebakery"],
                  "recipients": ["owner@hlb.example"], "timezone": "Europe/London",
                  "queries": [QUERY] if self.search else [], "negative_threshold": self.threshold, "sources": sources,
                  "competitors": [{"id": r.id, "name": r.business.name, "queries": [r.business.name],
                                   "domains": [r.business.slug],
                                   "sources": [{"site": "trustpilot", "url": f"{self.url}/review/{r.business.slug}"}]}
                                  for r in self.rivals] or None}
        return configfile.write_config(
            folder / "repscan.toml", agency={"name": "Test Agency", "sender": "reports@agency.example",
                                          "operator": "ops@agency.example"},
            storage={"database": "repscan.db", "reports_dir": "out"},
            crawl={"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 0},
            search={"engines": ["duckduckgo"], "delay": 0, "base_urls": {"duckduckgo": self.url}},
            clients=[client])

    def __enter__(self) -> "ClientWeb":
        self.local.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.local.__exit__(*exc)


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        await asyncio.sleep(0)
        return "250 OK"


class Delivered:
    """One report as the client gets it: the email's text and HTML parts and the PDF's pages as text."""

    def __init__(self, message: email.message.EmailMessage, pdf: Path):
        self.message = message
        self.text = message.get_body(("plain",)).get_content()
        self.html = message.get_body(("html",)).get_content()
        self.pdf = pdf
        self.pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
        self.raw_pages = [page.extract_text() for page in PdfReader(pdf).pages]

    @property
    def all(self) -> str:
        return " ".join(self.pages)


def crawl_and_send(folder: Path, web: ClientWeb, client: str = "hlb-internal-7") -> Delivered:
    """`repscan crawl`, then `repscan send` to aiosmtpd on 127.0.0.1: the report as delivered (`web` is any
    LocalSite holder with config(folder), such as ClientWeb)."""
    config = web.config(folder)
    crawled = run_cli("--config", str(config), "crawl", "--quiet")
    assert crawled.returncode in (0, 1), crawled.stderr[-2000:]  # 1: a source was blocked or broken, as asked
    return send(folder, config, client)


def send(folder: Path, config: Path, client: str = "hlb-internal-7") -> Delivered:
    """`repscan send` to aiosmtpd on 127.0.0.1, nothing crawled first: the report as delivered."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        sent = run_cli("--config", str(config), "send", "--client", client,
                       env={**os.environ, "REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{controller.port}"})
    finally:
        controller.stop()
    assert sent.returncode == 0, sent.stderr[-2000:]
    [message] = inbox.messages
    pdfs = sorted((folder / "out").glob("*.pdf"), key=lambda p: p.stat().st_mtime)
    return Delivered(message, pdfs[-1])
