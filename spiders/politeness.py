"""One polite stream per site and outgoing address for the whole process, and one robots.txt per host."""

from __future__ import annotations

import asyncio
import random
from typing import ClassVar
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request

from repscan.core.sites import registrable


class SiteGate:
    """Scrapy's download delay holds within one crawler (one source); a run crawls each source as a crawler of its
    own, so N sources on one site would be N streams. The gate spaces them into one: a request waits until the
    last request to its site and address from this process started DOWNLOAD_DELAY (plus up to
    DOWNLOAD_DELAY_JITTER of it) before. Order of arrival is kept: each request reserves its start time."""

    _starts: ClassVar[dict[tuple[str, str], float]] = {}  # (site, proxy) -> the start the last request reserved

    def __init__(self, crawler):
        self.crawler = crawler
        self.delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.jitter = crawler.settings.getfloat("DOWNLOAD_DELAY_JITTER")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def key(request: Request) -> tuple[str, str]:
        return registrable(urlsplit(request.url).hostname or ""), str(request.meta.get("proxy") or "")

    async def process_request(self, request: Request) -> None:
        if self.delay <= 0:
            return None
        loop = asyncio.get_running_loop()
        key, now = self.key(request), loop.time()
        last = self._starts.get(key)
        start = now if last is None else max(now, last + self.delay * (1 + self.jitter * random.random()))
        self._starts[key] = start
        if start > now:
            self.crawler.stats.inc_value("repscan/site_gate_waits")
            await asyncio.sleep(start - now)
        return None


class SharedRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with one parser per host for every crawler of the process: a run's crawls of
    one site fetch its robots.txt once (a usual crawl, page 1 only, is then one request instead of two). Each
    crawler still judges its own requests (its User-Agent, its robotstxt/forbidden stat)."""

    _shared: ClassVar[dict] = {}  # netloc -> parser, a Deferred while the first crawler fetches it, None on error

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = self._shared
