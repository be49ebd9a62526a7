"""Search result pages: engine URLs, result text and links, JSON bodies, ranked search_result items."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from parsel.csstranslator import HTMLTranslator

from repscan.core.items import make

from .. import LayoutError
from . import jsondata
from .urls import on_domain, param

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "table", "td", "th", "tr", "ul",
))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TRANSLATOR = HTMLTranslator()


def search_url(default: str, base: str | None, params: dict) -> str:
    """`default` (scheme://host/path) with `params` as its query; `base` replaces scheme and host
    and may add a path prefix (http://127.0.0.1:8080 or http://127.0.0.1:8080/ddg)."""
    parts = urlsplit(default)
    path = parts.path
    if base:
        root = urlsplit(base.rstrip("/"))
        if not root.scheme or not root.netloc:
            raise ValueError(f"base must be scheme://host[:port][/prefix], not {base!r}")
        parts, path = root, root.path + path
    query = urlencode([(k, str(v)) for k, v in params.items() if v is not None])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def query_of(response, given: str | None) -> str | None:
    """The query: as given, else the URL's q=, else the value of the page's own search box."""
    for value in (given, param(response.url, "q")):
        if value and value.strip():
            return " ".join(value.split())
    if _is_html(response):
        box = response.css('input[name="q"]::attr(value)').get()
        if box and box.strip():
            return " ".join(box.split())
    return None


def text(selection, *, drop: tuple[str, ...] = ()) -> str | None:
    """The visible text of a parsel selection: tags and entities gone, whitespace collapsed;
    block elements separate words, inline ones (<b>, <em>) do not. Elements matching a
    `drop` selector (labels such as Bing's "Web" badge) are left out."""
    nodes = selection if isinstance(selection, list) else [selection]
    skip = {hit.root for node in nodes for rule in drop for hit in node.css(rule)}
    parts: list[str] = []
    for node in nodes:
        _walk(node.root, parts, skip)
    joined = " ".join("".join(parts).split())
    return joined or None


def _walk(element, parts: list[str], skip: set) -> None:
    if isinstance(element, str):
        parts.append(element)
        return
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS or element in skip:
        return
    block = tag in _BLOCK_TAGS
    if block:
        parts.append(" ")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _walk(child, parts, skip)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append(" ")


def clean(value) -> str | None:
    """Plain text from an API's string that may carry <strong> highlights and entities."""
    if value is None:
        return None
    plain = html.unescape(_TAG.sub("", str(value)))
    return " ".join(plain.split()) or None


def inside(selector, css: tuple[str, ...]) -> bool:
    """Whether the element or one of its ancestors matches one of the CSS selectors."""
    return any(selector.xpath(_TRANSLATOR.css_to_xpath(rule, prefix="ancestor-or-self::")) for rule in css)


def linked(response, css: str, link_css: str, excluded: tuple[str, ...]):
    """(result, its first link that `link_css` selects) for each result `css` selects outside the `excluded` blocks."""
    for result in response.css(css):
        if not inside(result, excluded):
            link = result.css(link_css)
            if link:
                yield result, link[0]


def href(response, selector) -> str | None:
    value = (selector.attrib.get("href") or "").strip()
    if not value or value.startswith(("#", "javascript:")):
        return None
    return response.urljoin(value)


def engine_link(response, url: str, *domains: str) -> bool:
    """Whether a result link is the engine's own (a redirect, an ad click): on one of the engine's
    `domains`, or on the host the page was read from (a saved page served from 127.0.0.1)."""
    return on_domain(url, *domains) or urlsplit(url).netloc == urlsplit(response.url).netloc


def next_link(response, css: str) -> str | None:
    """The first link `css` selects that leads off this page (a result page's "Next")."""
    for link in response.css(css):
        target = href(response, link)
        if target and target != response.url:
            return target
    return None


def json_body(response, site: str) -> dict:
    """The response's JSON object (a raw gzip body saved undecoded is accepted too)."""
    try:
        data = json.loads(jsondata.gunzipped(response.body))
    except ValueError as exc:
        raise LayoutError(f"{site}: {response.url} is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LayoutError(f"{site}: {response.url} is JSON but not an object")
    return data


def results(engine: str, query: str | None, offset: int, rows) -> list[dict]:
    """search_result items from (url, displayed_url, title, snippet) rows in page order,
    ranked offset + 1, offset + 2, ...; rows without a URL are not results.

    Ranks are absolute: `offset` is how many results come before this page according to the
    page's own URL (DuckDuckGo dc=/s=, Bing first=, Google start=, Brave offset= with count=,
    SearXNG pageno=), so the spider must not add a page offset again.
    """
    items = []
    for url, displayed, title, snippet in rows:
        if not url:
            continue
        items.append(make(
            "search_result", engine=engine, query=query, rank=offset + len(items) + 1, url=url,
            displayed_url=displayed, title=title, snippet=snippet,
        ))
    return items


def _is_html(response) -> bool:
    try:
        return getattr(response.selector, "type", None) == "html"
    except AttributeError:
        return False
