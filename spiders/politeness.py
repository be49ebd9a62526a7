"""One polite stream per site and outgoing address for the whole process, the site's proxies taken in turn, and one
robots.txt per host."""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object

from repscan.core.sites import registrable


class SiteGate:
    """Scrapy's download delay holds within one crawler (one source); a run crawls each source as a crawler of its
    own, so N sources on one site would be N streams. The gate spaces them into one: a request waits until the
    last request to its site and address from this process went out DOWNLOAD_DELAY (plus up to
    REPSCAN_SITE_JITTER of it) before. Order of arrival is kept: each request reserves its start time, and a
    request that went out late moves the next start on by as much."""

    _starts: ClassVar[dict[tuple[str, str], float]] = {}  # (site, proxy) -> when the last request went (or will go)

    def __init__(self, settings):
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.jitter = settings.getfloat("REPSCAN_SITE_JITTER")

    @staticmethod
    def key(request: Request) -> tuple[str, str]:
        return registrable(urlsplit(request.url).hostname or ""), str(request.meta.get("proxy") or "")

    async def wait(self, request: Request) -> bool:
        """Wait for the request's turn; True when it had to wait."""
        if self.delay <= 0:
            return False
        loop = asyncio.get_running_loop()
        key, now = self.key(request), loop.time()
        last = self._starts.get(key)
        start = now if last is None else max(now, last + self.delay * (1 + self.jitter * random.random()))
        self._starts[key] = start
        if start <= now:
            return False
        await asyncio.sleep(start - now)
        self._starts[key] = max(self._starts[key], loop.time())  # woken late: the next one keeps its distance
        return True


class ProxyRotation:
    """Sends each request of a site through the next of the proxies serving it (REPSCAN_PROXIES, from the config's
    [[proxies]]), in turn across the process's crawlers, in a download slot per site and proxy: each proxy is an
    outgoing address with its own polite stream (the download delay and the site gate apply per slot and per
    address). user:password come from the environment variable a proxy names, read here (on the node that crawls),
    and leave only as HttpProxyMiddleware's Proxy-Authorization header. A request that already names a proxy keeps
    it ([crawl] proxy)."""

    _turn: ClassVar[dict[str, int]] = {}  # site -> requests sent through its proxies in this process

    def __init__(self, crawler):
        self.crawler = crawler
        self.proxies = json.loads(crawler.settings.get("REPSCAN_PROXIES") or "[]")
        missing = sorted({p["auth"] for p in self.proxies if p.get("auth") and not os.environ.get(p["auth"])})
        if missing:  # sending without the credentials would be refused by the proxy, or worse, go out direct
            raise ValueError(f"proxy credentials not set in the environment: {', '.join(missing)}")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        if not self.proxies or request.meta.get("proxy") or request.url.startswith(("data:", "file:")):
            return None
        spider = self.crawler.spider
        name = getattr(spider, "engine", None) or spider.name  # a search crawl serves one engine
        serving = [p for p in self.proxies if not p.get("sites") or name in p["sites"]]
        if not serving:
            return None
        site = registrable(urlsplit(request.url).hostname or "")
        turn = self._turn.get(site, 0)
        self._turn[site] = turn + 1
        proxy = serving[turn % len(serving)]
        request.meta["proxy"] = with_credentials(proxy["url"], os.environ.get(proxy["auth"] or "", "") or None)
        request.meta["download_slot"] = f"{site} via {proxy['url']}"
        return None


def with_credentials(url: str, user_password: str | None) -> str:
    if not user_password:
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, f"{user_password}@{parts.netloc}", parts.path, parts.query, parts.fragment))


class GatedDownloadHandler:
    """The download handler every crawl uses: the site gate, then the real handler (REPSCAN_DOWNLOAD_HANDLER:
    Scrapy's HTTP/1.1 one, or Chromium's in the browser mode). Gating here, after the downloader's slot and its
    AutoThrottle delay, is the last moment before the request is sent, so nothing queued after the gate can
    bunch two crawlers' requests together."""

    lazy = False

    def __init__(self, crawler):
        self.crawler = crawler
        self.gate = SiteGate(crawler.settings)
        self.inner = build_from_crawler(load_object(crawler.settings["REPSCAN_DOWNLOAD_HANDLER"]), crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        if await self.gate.wait(request):
            self.crawler.stats.inc_value("repscan/site_gate_waits")
        return await self.inner.download_request(request)

    async def close(self) -> None:
        pool = getattr(self.inner, "_pool", None)
        if isinstance(self.inner, HTTP11DownloadHandler) and pool is not None:
            await close_pool(pool, self.inner._disconnect_timeout)
        else:
            await self.inner.close()


async def close_pool(pool, timeout: float) -> None:
    """Scrapy's HTTP/1.1 handler's close, without its race: it gives up on the pool's closing after `timeout` by
    firing the pool's Deferred from a timed call, which also fires when the pool has closed in the same reactor
    turn (a loaded machine), and Twisted logs an AlreadyCalledError as CRITICAL in every operator's log."""
    from twisted.internet import reactor

    closed = pool.closeCachedConnections()

    def give_up():
        if not closed.called:
            closed.callback(())

    timer = reactor.callLater(timeout, give_up)
    try:
        await maybe_deferred_to_future(closed)
    finally:
        if timer.active():
            timer.cancel()


class SharedRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with one parser per host for every crawler of the process: a run's crawls of
    one site fetch its robots.txt once (a usual crawl, page 1 only, is then one request instead of two). Each
    crawler still judges its own requests (its User-Agent, its robotstxt/forbidden stat)."""

    _shared: ClassVar[dict] = {}  # netloc -> parser, or a Deferred while the first crawler fetches it

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = self._shared
        self._failed: set[str] = set()  # hosts whose robots.txt fetch failed in this crawler: allowed, as Scrapy does

    async def robot_parser(self, request: Request):
        """A failed fetch allows this crawler's requests (and those that waited on it), as Scrapy's middleware does,
        but is not kept for the process: the next crawler of the host fetches robots.txt again."""
        netloc = urlparse_cached(request).netloc
        if netloc in self._failed:
            return None
        parser = await super().robot_parser(request)
        if parser is None and self._parsers.get(netloc, False) is None:  # this crawler's fetch failed just now
            self._failed.add(netloc)
            del self._parsers[netloc]
        return parser
