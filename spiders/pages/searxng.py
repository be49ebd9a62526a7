"""A SearXNG instance's JSON API ({instance}/search?format=json): its general results."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from . import LayoutError
from .common import evidence, jsondata, serp, urls

SITE = "searxng"
KIND = "search"
# SearXNG merges engines and has no fixed page size; most engines it asks serve 10 a page.
PAGE_SIZE = 10


def search_url(query: str, *, base: str | None = None, page: int = 1) -> str:
    """`base` is the instance's root URL (required: there is no public default instance)."""
    if not base:
        raise ValueError("searxng needs base: the URL of a SearXNG instance, e.g. https://searx.example.org")
    root = urlsplit(base)
    if root.scheme not in ("http", "https") or not root.netloc:
        raise ValueError(f"searxng base must be http(s)://host[:port][/path], not {base!r}")
    if page < 1:
        raise ValueError(f"page must be 1 or more, not {page}")
    return serp.search_url(base.rstrip("/") + "/search", None,
                           {"q": query, "format": "json", "categories": "general", "pageno": page})


def extract(response, *, now: datetime | None = None, query: str | None = None) -> list[dict]:
    """results[] of category "general" (or none) in order; infoboxes, answers and
    suggestions are not results.

    Ranks are absolute as far as SearXNG allows: page N is taken to start after
    (N - 1) * PAGE_SIZE results. A response without a results list raises LayoutError
    (an instance without "json" in search.formats answers HTML or 403). `now` is accepted
    for the common extractor signature.
    """
    data = serp.json_body(response, SITE)
    listed = data.get("results")
    if not isinstance(listed, list):
        raise LayoutError(f"searxng: {response.url} has no results list")
    query = serp.query_of(response, query) or serp.clean(data.get("query"))
    rows = [
        (result.get("url"), serp.clean(result.get("pretty_url")) or result.get("url"),
         serp.clean(result.get("title")), serp.clean(result.get("content")))
        for result in listed
        if isinstance(result, dict) and result.get("category") in (None, "", "general")
    ]
    return serp.results(SITE, query, (_page(response.url) - 1) * PAGE_SIZE, rows)


def expected(response) -> str | None:
    """The entries of results[] in the general category (or none)."""
    listed = jsondata.dig(jsondata.json_or_none(response), "results")
    return evidence.counted([result for result in listed if isinstance(result, dict)
                             and result.get("category") in (None, "", "general")] if isinstance(listed, list) else 0,
                            "general result")


def next_page(response) -> str | None:
    """The next pageno while this page had organic results (SearXNG does not say how many pages)."""
    try:
        found = extract(response)
    except LayoutError:
        return None
    return urls.with_params(response.url, pageno=_page(response.url) + 1) if found else None



def _page(url: str) -> int:
    return max(urls.int_param(url, "pageno") or 1, 1)
