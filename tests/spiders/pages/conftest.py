"""Responses built from inline or edited pages (saved pages: helpers.case and helpers.real_page)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse


def html_response(body: bytes | str, url: str, *, status: int = 200, headers=None) -> HtmlResponse:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HtmlResponse(url=url, body=body, encoding="utf-8", status=status, headers=headers)


@pytest.fixture
def respond():
    """respond(body, url, status=..., headers=...) -> HtmlResponse of an inline or edited page."""
    return html_response
