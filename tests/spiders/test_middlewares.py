"""Retry-After parsing: seconds, HTTP dates, and junk."""

from datetime import datetime, timezone

from repscan.spiders.middlewares import retry_after_seconds

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)


def test_delta_seconds():
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(" 5 ") == 5.0


def test_http_date_in_the_future_and_the_past():
    assert retry_after_seconds("Sun, 22 Nov 2026 12:01:30 GMT", now=NOW) == 90.0
    assert retry_after_seconds("Sun, 22 Nov 2026 11:00:00 GMT", now=NOW) == 0.0


def test_missing_or_junk_is_none():
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"") is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-5") is None
