"""Downloader middleware: retries that wait as long as the site's Retry-After asks."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message


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
