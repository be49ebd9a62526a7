"""Downloader middlewares: retries that wait as long as the site's Retry-After asks; redirects that stay on the site."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

from repscan.core.sites import registrable

DEFAULT_PORTS = {"http": 80, "https": 443}


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, plus: honour Retry-After, and give up when it asks for too long."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_retry_after = settings.getfloat("REPSCAN_MAX_RETRY_AFTER", 120.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is not None and delay > self.max_retry_after:
            self.crawler.stats.inc_value("repscan/retry_after_too_long")
            request.meta["repscan_retry_after"] = delay
            return response
        retry = self._retry(request, reason)
        if retry is None:
            return response
        if delay:
            self.crawler.stats.inc_value("repscan/retry_after_waits")
            await asyncio.sleep(delay)
        return retry


def same_site(url: str, target: str) -> bool:
    """Whether a redirect from `url` to `target` stays on the site: the same registrable domain on a default
    or the same port, or, for an IP address or localhost, the very same host and port."""
    a, b = urlsplit(url), urlsplit(target)
    if b.scheme not in ("http", "https") or not b.hostname:
        return False
    ports = {a.port or DEFAULT_PORTS.get(a.scheme), b.port or DEFAULT_PORTS.get(b.scheme)}
    if _is_address(a.hostname or "") or _is_address(b.hostname):
        return (a.hostname or "").lower() == b.hostname.lower() and len(ports) == 1
    return registrable(a.hostname or "") == registrable(b.hostname) and (len(ports) == 1 or ports <= {80, 443})


def _is_address(host: str) -> bool:
    """An IP address or a single-label name (localhost): no registrable domain to share."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." not in host
    return True


class SameSiteRedirectMiddleware:
    """Runs before Scrapy's RedirectMiddleware: a 3xx to another site (or another port of an address) is refused
    with a reason the crawl records, so keys, cookies and the crawl itself never leave the source's site."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = response.urljoin(location.decode("latin-1"))
        if same_site(request.url, target):
            return response
        raise IgnoreRequest(f"redirect to another site refused: {target}")
