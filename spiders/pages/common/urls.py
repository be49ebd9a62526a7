"""URLs: query parameters read and set, hosts and domains, the page without its query, "next" links and headers."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit, urlunsplit


def page_url(url: str) -> str:
    """The URL without query and fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def param(url: str, name: str) -> str | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == name:
            return value
    return None


def int_param(url: str, name: str) -> int | None:
    value = (param(url, name) or "").strip()
    return int(value) if value.isdigit() else None


def with_params(url: str, **changes: str | int | None) -> str:
    """`url` with query parameters set in place or appended (None removes one), order kept, fragment dropped."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in changes.items():
        if value is None:
            params = [(k, v) for k, v in params if k != key]
        elif any(k == key for k, _ in params):
            params = [(k, str(value) if k == key else v) for k, v in params]
        else:
            params.append((key, str(value)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def with_params_last(url: str, **changes: str | None) -> str:
    """`url` with the `changes` moved to the end of its query (None removes one), fragment dropped."""
    return with_params(with_params(url, **dict.fromkeys(changes)), **changes)


def with_defaults(url: str, **defaults: str) -> str:
    """`url` with each of `defaults` added unless the URL already sets it."""
    present = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    return with_params(url, **{k: v for k, v in defaults.items() if k not in present})


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_domain(url: str, *domains: str) -> bool:
    """Whether the URL's host is one of `domains` or a subdomain of one."""
    name = host(url)
    return any(name == d or name.endswith("." + d) for d in domains)


REL_NEXT = 'link[rel="next"]::attr(href), a[rel="next"]::attr(href)'  # CSS for next_url(): the rel=next links


def next_url(response, css: str) -> str | None:
    """The first href that `css` selects and that leads off this page, without its fragment."""
    for href in response.css(css).getall():
        target = urldefrag(response.urljoin(href.strip()))[0]
        if target != response.url:
            return target
    return None


def link_header(response, rel: str = "next") -> str | None:
    """The target of an RFC 8288 Link header with this rel (Foursquare, GitHub-style paging)."""
    for raw in response.headers.getlist(b"Link"):
        for part in raw.decode("latin-1").split(","):
            match = re.match(r'\s*<([^>]*)>\s*;(.*)', part)
            if match and re.search(rf'rel\s*=\s*"?(?:[^"]*\s)?{re.escape(rel)}(?:\s[^"]*)?"?', match.group(2)):
                return match.group(1)
    return None
