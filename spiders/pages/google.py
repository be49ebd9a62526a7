"""Google web result pages (www.google.com/search), the JavaScript layout and the basic HTML one."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from . import LayoutError
from .common import evidence, serp, urls

SITE = "google"
KIND = "search"
DEFAULT = "https://www.google.com/search"

_CONTAINERS = ("#search", "#rso", "#center_col", "#main")
# Ads, People also ask, carousels (top stories, videos, images), related searches, side panel.
_EXCLUDED = (
    "#tads", "#tadsb", "#bottomads", "[data-text-ad]", ".uEierd", ".commercial-unit-desktop-top",
    ".commercial-unit-desktop-rhs", ".related-question-pair", "[jsname='Cpkphb']", "[jsname='yEVEwb']",
    "[data-initq]", "g-accordion-expander", "g-scrolling-carousel", "g-section-with-header", "video-voyager",
    "#brs", "#bres", ".AJLUJb", "#rhs",
)
_BLOCK = ("ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' g ')"
          " or contains(concat(' ', normalize-space(@class), ' '), ' MjjYud ')"
          " or contains(concat(' ', normalize-space(@class), ' '), ' Gx5Zad ')][1]")
_SNIPPETS = (".VwiC3b", "span.st", "[data-sncf='1']", "[data-sncf]", ".IsZvec", ".BNeawe.s3v9rd")
_DISPLAYED = ("cite", ".BNeawe.UPmit")
_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?$")


def search_url(query: str, *, base: str | None = None, page: int = 1) -> str:
    if page < 1:
        raise ValueError(f"page must be 1 or more, not {page}")
    return serp.search_url(DEFAULT, base, {"q": query, "start": (page - 1) * 10 if page > 1 else None})


def extract(response, *, now: datetime | None = None, query: str | None = None) -> list[dict]:
    """Organic results in page order: one per result block (div.g, div.MjjYud, or the basic
    layout's div.Gx5Zad), its title link being the first link holding an h3.

    Ranks are absolute: start= in the URL is the number of results before this page. A page
    without Google's result containers (a consent page, say) raises LayoutError. `now` is
    accepted for the common extractor signature.
    """
    container = next((found for rule in _CONTAINERS if (found := response.css(rule))), None)
    if container is None:
        raise LayoutError(f"google: {response.url} has none of the result containers {', '.join(_CONTAINERS)}")
    seen = set()
    rows = []
    for link in container[0].xpath(".//a[.//h3] | .//h3/a"):
        if serp.inside(link, _EXCLUDED):
            continue
        block = link.xpath(_BLOCK)
        key = block[0].root if block else link.root
        if key in seen:
            continue
        url = _target(response, link)
        if url is None:
            continue
        seen.add(key)
        scope = block[0] if block else link
        heading = link.xpath(".//h3")
        snippet = next((found for rule in _SNIPPETS if (found := serp.text(scope.css(rule)[:1]))), None)
        displayed = next((found for rule in _DISPLAYED if (found := serp.text(scope.css(rule)[:1]))), None)
        rows.append((url, displayed, serp.text(heading[:1] if heading else link), snippet))
    start = urls.int_param(response.url, "start") or 0
    return serp.results(SITE, serp.query_of(response, query), start, rows)


def expected(response) -> str | None:
    """The result blocks (div.g, div.MjjYud, div.Gx5Zad) that hold a heading, outside ads and answer blocks."""
    named = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
                        for name in ("g", "MjjYud", "Gx5Zad"))
    blocks = response.xpath(f"//div[{named}][.//h3][not(ancestor::div[{named}])]")
    return evidence.counted([block for block in blocks if not serp.inside(block, _EXCLUDED)], "result block")


def next_page(response) -> str | None:
    return serp.next_link(response, 'a#pnnext, a[aria-label="Next page"]')



def _target(response, link) -> str | None:
    """The result's real URL: q= (or url=) of a /url redirect; None for ads (/aclk,
    googleadservices) and Google's own links (/search, /imgres, ...)."""
    url = serp.href(response, link)
    if url is None:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("googleadservices.com") or parts.path.startswith("/aclk"):
        return None
    if _GOOGLE_HOST.match(host) or parts.netloc == urlsplit(response.url).netloc:
        if parts.path == "/url":
            target = urls.param(url, "q") or urls.param(url, "url")
            return target if target and urlsplit(target).scheme in ("http", "https") else None
        if _GOOGLE_HOST.match(host) or parts.path.startswith(("/search", "/imgres", "/maps")):
            return None
    return url
