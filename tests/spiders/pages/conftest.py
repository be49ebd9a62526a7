"""Responses built from saved pages: ours in tests/fixtures, the real ones in ../shared when present."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from helpers import FIXTURES, REAL


def html_response(body: bytes | str, url: str, *, status: int = 200, headers=None) -> HtmlResponse:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HtmlResponse(url=url, body=body, encoding="utf-8", status=status, headers=headers)


@pytest.fixture
def load():
    """load("trustpilot/page-1-of-2.html", url) -> HtmlResponse of one of our fixtures."""
    def _load(name: str, url: str, **kwargs) -> HtmlResponse:
        return html_response((FIXTURES / name).read_bytes(), url, **kwargs)
    return _load


@pytest.fixture
def real():
    """real("trustpilot/x.html") -> the bytes of a real saved page; skips when ../shared is absent."""
    def _real(name: str) -> bytes:
        path = REAL / name
        if not path.is_file():
            pytest.skip(f"real fixture not available: {path}")
        return path.read_bytes()
    return _real


@pytest.fixture
def respond():
    """respond(body, url, status=..., headers=...) -> HtmlResponse of an inline or edited page."""
    return html_response
