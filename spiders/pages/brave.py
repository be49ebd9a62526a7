"""Brave Search API web results (api.search.brave.com/res/v1/web/search, JSON, needs a key)."""

from __future__ import annotations

from datetime import datetime

from . import LayoutError, credential
from .common import evidence, serp, urls

SITE = "brave"
KIND = "search"
DEFAULT = "https://api.search.brave.com/res/v1/web/search"
KEY_VARIABLE = "REPSCAN_BRAVE_API_KEY"
COUNT = 20  # the API's maximum per page
LAST_OFFSET = 9  # offset counts pages, 0..9


def search_url(query: str, *, base: str | None = None, page: int = 1) -> str:
    if not 1 <= page <= LAST_OFFSET + 1:
        raise ValueError(f"the Brave Search API serves pages 1 to {LAST_OFFSET + 1}, not {page}")
    return serp.search_url(DEFAULT, base, {"q": query, "count": COUNT, "offset": page - 1 if page > 1 else None})


def request_headers(environ) -> dict:
    key = credential(environ, KEY_VARIABLE, " is not set (the Brave Search API subscription token)")
    return {"Accept": "application/json", "X-Subscription-Token": key}


def extract(response, *, now: datetime | None = None, query: str | None = None) -> list[dict]:
    """The web.results of the response in order; no "web" key (no results) gives [].

    Videos, news, discussions and infoboxes are not organic results. Ranks are absolute:
    offset= counts pages of count= results, so page offset N starts after N * count.
    JSON that is not a web search response raises LayoutError. `now` is accepted for the
    common extractor signature.
    """
    data = serp.json_body(response, SITE)
    if data.get("type") != "search" and not any(isinstance(data.get(key), dict) for key in ("web", "query")):
        raise LayoutError(f"brave: {response.url} is not a web search response (type {data.get('type')!r})")
    query = serp.query_of(response, query) or serp.clean(_dict(data.get("query")).get("original"))
    rows = []
    for result in _dict(data.get("web")).get("results") or []:
        if not isinstance(result, dict) or result.get("type", "search_result") != "search_result":
            continue
        meta = _dict(result.get("meta_url"))
        host, path = meta.get("hostname") or meta.get("netloc"), serp.clean(meta.get("path"))
        displayed = " ".join(part for part in (host, path) if part)
        rows.append((result.get("url"), displayed or None, serp.clean(result.get("title")),
                     serp.clean(result.get("description"))))
    offset = urls.int_param(response.url, "offset") or 0
    count = urls.int_param(response.url, "count") or COUNT
    return serp.results(SITE, query, offset * count, rows)


def expected(response) -> str | None:
    """The entries of web.results."""
    return evidence.listed(response, "web", "results", noun="web result")


def next_page(response) -> str | None:
    """The next offset while query.more_results_available is true, up to the API's last page."""
    try:
        data = serp.json_body(response, SITE)
    except LayoutError:
        return None
    offset = urls.int_param(response.url, "offset") or 0
    if _dict(data.get("query")).get("more_results_available") is not True or offset >= LAST_OFFSET:
        return None
    return urls.with_params(response.url, offset=offset + 1)



def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}
