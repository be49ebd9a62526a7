"""One polite stream per site and outgoing address for the whole process, and one robots.txt per host."""

from __future__ import annotations

import asyncio
import random
from typing import ClassVar
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.misc import build_from_crawler, load_object

from repscan.core.sites import registrable


class SiteGate:
    """Scrapy's download delay holds within one crawler (one source); a run crawls each source as a crawler of its
    own, so N sources on one site would be N streams. The gate spaces them into one: a request waits until the
    last request to its site and address from this process went out DOWNLOAD_DELAY (plus up to
    DOWNLOAD_DELAY_JITTER of it) before. Order of arrival is kept: each request reserves its start time, and a
    request that went out late moves the next start on by as much."""

    _starts: ClassVar[dict[tuple[str, str], float]] = {}  # (site, proxy) -> when the last request went (or will go)

    def __init__(self, settings):
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER")

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
        await self.inner.close()


class SharedRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with one parser per host for every crawler of the process: a run's crawls of
    one site fetch its robots.txt once (a usual crawl, page 1 only, is then one request instead of two). Each
    crawler still judges its own requests (its User-Agent, its robotstxt/forbidden stat)."""

    _shared: ClassVar[dict] = {}  # netloc -> parser, a Deferred while the first crawler fetches it, None on error

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = self._shared
