"""DuckDuckGo's no-JavaScript result pages: the html layout (html.duckduckgo.com/html/) and lite."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from . import LayoutError
from .common import evidence, serp, urls

SITE = "duckduckgo"
KIND = "search"
LAYOUTS = {"html": "https://html.duckduckgo.com/html/", "lite": "https://lite.duckduckgo.com/lite/"}

_AD_ROWS = (".result--ad", ".result-sponsored", ".result--no-result")
_NOT_FORM_DATA = ("submit", "button", "image", "reset")


def search_url(query: str, *, base: str | None = None, page: int = 1, layout: str | None = None) -> str:
    """The first (or `page`-th) result page for `query` in the html layout, or in the lite one
    when layout="lite" or `base` is a lite.* host (base="https://lite.duckduckgo.com").

    Page 1 is all a crawl needs to build: later pages come from next_page(), whose form
    carries the vqd token DuckDuckGo expects. Without it, page N starts where DuckDuckGo's
    own forms put it (s=10 for page 2, then 15 per page).
    """
    if layout is None:
        layout = "lite" if base and (urlsplit(base).hostname or "").startswith("lite.") else "html"
    if layout not in LAYOUTS:
        raise ValueError(f"duckduckgo layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if page < 1:
        raise ValueError(f"page must be 1 or more, not {page}")
    params: dict = {"q": query}
    if page > 1:
        skip = 10 + (page - 2) * 15
        params.update(s=skip, dc=skip + 1)
    return serp.search_url(LAYOUTS[layout], base, params)


def extract(response, *, now: datetime | None = None, query: str | None = None) -> list[dict]:
    """The organic results of either layout in page order; ads and sponsored rows are skipped.

    Ranks are absolute: dc= in the URL is the rank of the page's first result (s= when dc=
    is absent). A page with neither layout's result markup nor its "no results" notice
    raises LayoutError. `now` is accepted for the common extractor signature.
    """
    query = serp.query_of(response, query)
    if response.css("a.result-link"):
        rows = _lite_rows(response)
    elif response.css("div.result, div.no-results"):
        rows = _html_rows(response)
    elif response.css('form[action*="/lite"]') and response.xpath(
            "//td[starts-with(normalize-space(.), 'No results')]"):
        rows = []
    else:
        raise LayoutError(f"duckduckgo: {response.url} has neither html-layout results (div.result) "
                          "nor lite-layout results (a.result-link) nor a no-results notice")
    return serp.results(SITE, query, _offset(response.url), rows)


def expected(response) -> str | None:
    """The result rows of either layout (div.result, a.result-link), ads and sponsored rows left out."""
    return evidence.counted([row for row in response.css("div.result, a.result-link") if not serp.inside(row, _AD_ROWS)],
                            "result row")


def next_page(response) -> str | None:
    """The page's "Next" form (a POST form in both layouts) as a GET URL with the same fields."""
    current = _offset(response.url)
    chosen = None
    for form in response.xpath("//form[.//input[@name='s']]"):
        labels = [value.strip().casefold() for value in form.css('input[type="submit"]::attr(value)').getall()]
        if any(label.startswith("next") for label in labels):
            chosen = form
            break
        skip = (form.css('input[name="s"]::attr(value)').get() or "").strip()
        if chosen is None and skip.isdigit() and int(skip) > current and not any(
                label.startswith(("prev", "<")) for label in labels):
            chosen = form
    if chosen is None:
        return None
    fields = [
        (field.attrib["name"], field.attrib.get("value", ""))
        for field in chosen.css("input[name]")
        if field.attrib.get("type", "text").lower() not in _NOT_FORM_DATA
    ]
    action = urlsplit(response.urljoin(chosen.attrib.get("action") or response.url))
    target = urlunsplit((action.scheme, action.netloc, action.path, urlencode(fields), ""))
    return None if target == response.url else target



def _html_rows(response):
    for result, link in serp.linked(response, "div.result", "a.result__a", _AD_ROWS):
        yield (_target(response, link), serp.text(result.css(".result__url")), serp.text(link),
               serp.text(result.css(".result__snippet")))


def _lite_rows(response):
    for link in response.css("a.result-link"):
        if serp.inside(link, _AD_ROWS):
            continue
        snippet = displayed = None
        for row in link.xpath("ancestor::tr[1]/following-sibling::tr"):
            if row.css("a.result-link"):
                break
            snippet = snippet or serp.text(row.css("td.result-snippet"))
            displayed = displayed or serp.text(row.css("span.link-text"))
        yield _target(response, link), displayed, serp.text(link), snippet


def _target(response, link) -> str | None:
    """The result's real URL: the uddg= of a //duckduckgo.com/l/ redirect; None for ad
    clicks (/y.js) and other DuckDuckGo-internal links."""
    url = serp.href(response, link)
    if url is None or not serp.engine_link(response, url, "duckduckgo.com"):
        return url
    path = urlsplit(url).path
    if path.rstrip("/") == "/l":
        target = urls.param(url, "uddg")
        return target if target and urlsplit(target).scheme in ("http", "https") else None
    if urls.on_domain(url, "duckduckgo.com") or path == "/y.js":
        return None
    return url


def _offset(url: str) -> int:
    shown = urls.int_param(url, "dc")
    if shown:
        return shown - 1
    return urls.int_param(url, "s") or 0
