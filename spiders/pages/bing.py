"""Bing web result pages (www.bing.com/search): li.b_algo organic results, ck/a links unwrapped."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from urllib.parse import urlsplit

from . import LayoutError
from .common import evidence, serp, urls

SITE = "bing"
KIND = "search"
DEFAULT = "https://www.bing.com/search"

# Ads, answer blocks (People also ask, videos, images, related searches) and the sidebar.
_EXCLUDED = (
    ".b_ad", ".b_adTop", ".b_adBottom", ".b_ans", ".b_rs", "#brsv3", ".b_vidAns", ".b_imgans",
    "#b_context", "#b_pole", ".b_mop",
)
_SNIPPETS = (".b_caption p", "p[class*='b_lineclamp']", ".b_algoSlug", ".b_snippet", ".b_caption")
_LABELS = (".algoSlug_icon",)


def search_url(query: str, *, base: str | None = None, page: int = 1) -> str:
    if page < 1:
        raise ValueError(f"page must be 1 or more, not {page}")
    return serp.search_url(DEFAULT, base, {"q": query, "first": (page - 1) * 10 + 1 if page > 1 else None})


def extract(response, *, now: datetime | None = None, query: str | None = None) -> list[dict]:
    """The li.b_algo results of #b_results in page order, outside ads and answer blocks.

    Ranks are absolute: first= in the URL is the rank of the page's first result. A page
    without #b_results raises LayoutError. `now` is accepted for the common signature.
    """
    if not response.css("#b_results"):
        raise LayoutError(f"bing: {response.url} has no #b_results list")
    rows = []
    for result, link in serp.linked(response, "#b_results li.b_algo", "h2 a", _EXCLUDED):
        snippet = next((found for rule in _SNIPPETS if (found := serp.text(result.css(rule)[:1], drop=_LABELS))),
                       None)
        rows.append((_target(response, link), serp.text(result.css("cite")[:1]), serp.text(link), snippet))
    first = urls.int_param(response.url, "first") or 1
    return serp.results(SITE, serp.query_of(response, query), first - 1, rows)


def expected(response) -> str | None:
    """The li.b_algo blocks of the result list, outside ads and answer blocks."""
    return evidence.counted([block for block in response.css("#b_results li.b_algo") if not serp.inside(block, _EXCLUDED)],
                            "result block")


def next_page(response) -> str | None:
    return serp.next_link(response, 'a.sb_pagN, a[title="Next page"], a[aria-label="Next page"]')



def _target(response, link) -> str | None:
    """The real URL behind a bing.com/ck/a?...&u=a1<base64url> click link."""
    url = serp.href(response, link)
    if url is None or urlsplit(url).path != "/ck/a" or not serp.engine_link(response, url, "bing.com"):
        return url
    encoded = urls.param(url, "u") or ""
    if encoded.startswith("a1"):
        data = encoded[2:]
        try:
            target = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return url
        if urlsplit(target).scheme in ("http", "https"):
            return target
    return url
