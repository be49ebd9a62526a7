"""The shared spider: fetch a source's pages newest first, stop when a page holds nothing new."""

from __future__ import annotations

import json
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

try:  # Scrapy >= 2.14 raises its own timeout error; older ones Twisted's
    from scrapy.exceptions import DownloadTimeoutError
except ImportError:  # pragma: no cover
    DownloadTimeoutError = TimeoutError

from repscan.core import sites
from repscan.core.credentials import RENDERING_API_KEY, Environment
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.mentions import mentions
from repscan.core.rules import DEFAULT_THRESHOLD
from repscan.core.secrets import redact_text
from repscan.core.store.crawls import UNREAD
from repscan.core.store.evidence import PAGE_KEY, Page
from repscan.spiders import fetch, oauth, pages
from repscan.spiders.pages import (LayoutChanged, LayoutError, MissingCredentials, NotAReviewPage, NotReadable,
                                   blocked)


@dataclass
class CrawlHealth:
    """What happened during one crawl; the store pipeline turns it into a `crawls` row."""

    pages: int = 0
    blocked: str | None = None
    broken: list[str] = field(default_factory=list)  # pages whose layout we no longer read (LayoutError)
    errors: list[str] = field(default_factory=list)
    chains: int = 0  # start requests, each followed page by page
    chains_done: int = 0  # of those, how many reached their last page
    stopped_early: str | None = None
    unread: list[str] = field(default_factory=list)  # pages known but not readable without a browser (NotReadable)

    @property
    def complete(self) -> bool:
        """Every chain reached its last page: reviews absent from the site were removed from it."""
        return self.chains > 0 and self.chains_done == self.chains and not self.stopped_early and not self.unread

    def status(self, items: int) -> str:
        """blocked, then broken (a page we no longer read, whatever else came), error, ok or empty."""
        if self.blocked:
            return "blocked"
        if self.broken:
            return "broken"
        if self.errors:
            return "error"
        return "ok" if items else "empty"

    def error_text(self) -> str | None:
        """What went wrong, for the crawls row and the report: URLs with any credential blanked."""
        parts = ([f"blocked: {self.blocked}"] if self.blocked else []) + self.broken + self.errors
        parts += [f"{UNREAD}{page}" for page in self.unread]  # an ok crawl's only error text (SourceHealth.partly)
        return redact_text("; ".join(parts[:5])) or None


def list_arg(value) -> list:
    """A list spider argument. Scrapyd passes every argument as a string (`-a name=value`): a JSON list,
    or comma-separated words for a hand-typed one."""
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            return [str(v) for v in json.loads(value)]
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value or ())


def dict_arg(value) -> dict[str, str]:
    """A mapping spider argument: a dict, or from Scrapyd its JSON text."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else {}
    return {str(k): str(v) for k, v in dict(value or {}).items()}


def bool_arg(value) -> bool:
    """A flag spider argument: True/False, or from Scrapyd "true"/"false"/"1"/"0"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class PageTimeout(Exception):
    """Reading one page took longer than its budget ([crawl] page_seconds)."""


@contextmanager
def time_budget(seconds: float):
    """Raise PageTimeout in the block once it has run `seconds` (SIGALRM: the main thread only, where
    Scrapy parses; elsewhere, or with 0, no limit). Pure-Python loops stop at once; a long call into C
    (lxml) stops when it returns."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise PageTimeout(f"reading the page took over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def origin(url: str) -> str:
    """scheme://host:port of a URL (the default port written out)."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class SourceSpider(scrapy.Spider):
    """A source's crawl: its name is a site key, whose row (repscan.core.sites) and page module
    (spiders/pages) say the rest; extraction lives there, this only decides what to fetch."""

    name: str

    def __init__(self, client_id: str, url: str, known_ids=(), watch_ids=(), max_pages: int = 50, full: bool = False,
                 threshold: float = DEFAULT_THRESHOLD, now: str | datetime | None = None, mention_names=(),
                 mentions_only: bool | None = None, fetch: str | None = None, credentials=None, tz: str | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.client_id = client_id
        self.url = url
        self.known_ids = set(list_arg(known_ids))
        self.watch_ids = set(list_arg(watch_ids))  # stored reviews waiting for a reply (rules.watched): read on to each
        self.seen_ids: set[str] = set()  # the reviews and posts read so far in this crawl
        self.max_pages = int(max_pages)
        self.full = bool_arg(full)
        self.threshold = float(threshold)
        self.now = parse_iso(now) if isinstance(now, str) else (now or utcnow())
        self.tz = tz or None  # the business's zone: its page's times without an offset are read in it
        self.health = CrawlHealth()
        self.origins: set[str] = set()  # scheme://host:port of every first page
        self.mention_names = list_arg(mention_names)
        self.site = sites.get(self.source)
        self.page = pages.get(self.source)
        # robots.txt governs crawling, not API calls or subscribed feeds: such sites' rows say robots=False.
        self.obey_robots = self.site.robots
        if mentions_only in (None, ""):
            self.mentions_only = self.site.mentions
        else:
            self.mentions_only = bool_arg(mentions_only)
        self.fetch = fetch or self.site.fetch
        # Only variable names arrive (config, Scrapyd arguments); the values are read from this process's environment.
        self.environment = Environment(os.environ, dict_arg(credentials))
        self.fetch_problem: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """The spider, and its crawl's download handler set for its fetch mode (settings are not frozen yet)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.fetch_problem = spider.configure_fetch(crawler.settings)
        return spider

    def configure_fetch(self, settings) -> str | None:
        """Set up the fetch mode; what stops it (a missing plugin, browser or key) is returned, for start() to record."""
        if self.fetch not in sites.FETCH_MODES:
            return f"unknown fetch mode {self.fetch!r} (use one of {', '.join(sites.FETCH_MODES)})"
        try:
            fetch.check(self.fetch)
            key = None
            if self.fetch == "api":
                key = pages.credential(self.environment, RENDERING_API_KEY, " (the Zyte API key)")
            fetch.configure(settings, self.fetch, api_key=key)
        except fetch.Unavailable as exc:
            return f"{self.fetch} fetch unavailable: {exc}"
        except MissingCredentials as exc:
            return f"missing credentials: {self.environment.explain(str(exc))}"
        return None

    @property
    def source(self) -> str:
        """The site key recorded with the crawl and its items (the spider name by default)."""
        return self.name

    async def start(self):
        if self.fetch_problem:
            self.health.errors.append(self.fetch_problem)
            return
        try:
            self.headers = await self.authorise()
        except MissingCredentials as exc:
            self.health.errors.append(f"missing credentials: {self.environment.explain(str(exc))}")
            return
        except oauth.Refused as exc:
            self.health.errors.append(f"token refresh refused: {redact_text(str(exc))}")
            return
        except Exception as exc:  # noqa: BLE001 (a crawl that never starts is an error, never "empty")
            self.health.errors.append(f"could not start: {type(exc).__name__}: {redact_text(str(exc))[:200]}")
            return
        try:
            requests = list(self.first_requests())
        except Exception as exc:  # noqa: BLE001 (a source URL its page module cannot turn into page one)
            self.health.errors.append(f"could not start at {redact_text(self.url)}: {type(exc).__name__}: "
                                      f"{redact_text(str(exc))[:200]}")
            return
        for request in requests:
            self.health.chains += 1
            yield request

    async def authorise(self) -> dict:
        """The headers every request carries: the page module's, from the source's environment; a page module
        whose API takes an OAuth refresh token (oauth_refresh) gets a fresh access token first."""
        environment = self.environment
        grant = self.page.oauth_refresh(environment, self.url)
        if grant is not None:
            token = await oauth.access_token(grant)
            environment = environment.with_value(grant.variable, token)
        return self.page.request_headers(environment, url=self.url)

    def first_requests(self):
        """Page one of the start URL, or of each of them for a page module with start_urls(url)."""
        for url in self.page.start_urls(self.url):
            yield self.request(url, page_no=1)

    def request(self, url: str, page_no: int, **context) -> scrapy.Request:
        """API pages may declare request_headers(environ) for keys and tokens (from the environment only).
        Page one's origin is the source's: later pages are followed only there (`follow`)."""
        if page_no == 1:
            self.origins.add(origin(url))
        return scrapy.Request(url, callback=self.parse, errback=self.failed,
                              cb_kwargs={"page_no": page_no, **context},
                              headers=getattr(self, "headers", None) or None,
                              meta={**self.page_meta(), **({} if self.obey_robots else {"dont_obey_robotstxt": True})},
                              dont_filter=page_no == 1)

    def page_meta(self) -> dict:
        """The meta of every request for one of the source's pages: the proxy, and the fetch mode's marks."""
        proxy = self.settings.get("REPSCAN_PROXY")
        return {**({"proxy": proxy} if proxy else {}), **fetch.request_meta(self.fetch)}

    def usable(self, response) -> bool:
        """Count the page; record a block or an HTTP error instead of reading it."""
        self.health.pages += 1
        reason = blocked.detect(response)
        if reason:
            self.health.blocked = f"{reason} at {response.url}"
            return False
        if response.status >= 400:
            wait = response.meta.get("repscan_retry_after")
            hint = f" (Retry-After {wait:.0f} s is longer than we wait)" if wait else ""
            self.health.errors.append(f"HTTP {response.status} at {response.url}{hint}")
            return False
        return True

    def parse(self, response, page_no: int = 1, **context):
        try:
            with time_budget(self.settings.getfloat("REPSCAN_PAGE_SECONDS", 30.0) if hasattr(self, "crawler") else 0):
                if not self.usable(response):
                    return
                try:
                    found = self.page.extract(response, now=self.now, tz=self.tz, **context)
                except NotReadable as exc:
                    self.health.unread.append(str(exc))
                    if exc.items is None:
                        return
                    found = exc.items  # read in part: its items go on, the crawl stays not complete
                items = [item for item in found if self.relevant(item)]
                self.attach_page(response, items)
                following = list(self.follow(response, items, page_no, context))
        except LayoutError as exc:
            self.layout_failed(response, exc)
            return
        except Exception as exc:  # noqa: BLE001 (hostile or broken input: the crawl's error, named, never "ok")
            self.health.errors.append(f"could not read {response.url}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        yield from items
        yield from following

    def attach_page(self, response, items: list[dict]) -> None:
        """Hand each review, post and search result on with the page it was found on, for the store pipeline to
        keep as evidence when the item turns out negative or a complaint (with REPSCAN_EVIDENCE on, or on a
        Scrapyd node, whose feed carries the page home)."""
        if not (hasattr(self, "crawler") and (self.settings.getbool("REPSCAN_EVIDENCE")
                                              or self.settings.get("REPSCAN_STORE") == "feed")):
            return
        page = Page(url=response.url, body=response.body, status=response.status, fetched_at=stamp())
        for item in items:
            if item["kind"] in ("review", "post", "search_result"):
                item[PAGE_KEY] = page

    def layout_failed(self, response, exc: LayoutError) -> None:
        """A page we no longer read, or not the kind we read: the crawl is broken, the reason naming the URL."""
        named = isinstance(exc, (LayoutChanged, NotAReviewPage))  # their message names the URL
        self.health.broken.append(str(exc) if named else f"layout not recognised at {response.url}: {exc}"
                                                         f"{self.script_hint(response)}")

    def script_hint(self, response) -> str:
        """For an HTML page fetched without a browser that has scripts: the page may draw its reviews with them."""
        if self.fetch != "http" or b"<script" not in response.body[:2_000_000].lower() \
                or "html" not in response.headers.get("Content-Type", b"").decode("latin-1").lower():
            return ""
        return ' (if the page draws its reviews with JavaScript, set fetch = "browser" for this source)'

    def relevant(self, item: dict) -> bool:
        """Search and alert sources keep only what names the client (before the incremental-stop check
        too: a page of other people's posts is never 'all known')."""
        if not (self.mentions_only and self.mention_names and item["kind"] in ("review", "post")):
            return True
        if mentions(" ".join(filter(None, (item.get("title"), item.get("text")))), self.mention_names):
            return True
        self.crawler.stats.inc_value("repscan/not_a_mention")
        return False

    def follow(self, response, items: list[dict], page_no: int, context: dict):
        """Newest first: stop at the last page, or the first page whose reviews are all stored once every review
        waiting for a reply (watch_ids) has been read."""
        content = [item for item in items if item["kind"] in ("review", "post")]
        self.seen_ids.update(item["source_id"] for item in content)
        next_url = self.page.next_page(response)
        if not next_url:
            self.health.chains_done += 1
        elif not content and not self.mentions_only:
            self.health.stopped_early = f"page {page_no} had no reviews"
        elif not self.full and all(item["source_id"] in self.known_ids for item in content) \
                and self.watch_ids <= self.seen_ids and not self.reads_past_known(items, context):
            self.health.stopped_early = f"page {page_no} held nothing new"
        elif page_no >= self.max_pages:
            self.health.stopped_early = f"max_pages ({self.max_pages}) reached"
        elif origin(response.urljoin(next_url)) not in self.origins:
            # A next page elsewhere would carry the source's key or token to a host it was never meant for.
            self.health.errors.append(f"next page on another host, not followed: {origin(response.urljoin(next_url))}"
                                      f" (from {response.url})")
        else:
            yield self.request(response.urljoin(next_url), page_no + 1, **context)

    def reads_past_known(self, items: list[dict], context: dict) -> bool:
        """Whether a page whose reviews are all stored is still followed (a source whose older items gather news)."""
        return False

    def failed(self, failure):
        request = failure.request
        if failure.check(HttpError):
            message = f"HTTP {failure.value.response.status}"
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            message = "timed out"
        elif failure.check(IgnoreRequest):
            message = f"not fetched ({failure.getErrorMessage() or 'ignored'})"
        elif failure.check(DNSLookupError):
            message = "DNS lookup failed"
        else:
            message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.health.errors.append(f"{message} at {request.url}")
