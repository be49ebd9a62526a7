"""Any RSS 2.0, RSS 1.0 or Atom feed (Google/Talkwalker Alerts, blogs, forum threads) as posts, keyed by their link."""

from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from repscan.core.items import iso_utc, make

from . import LayoutError
from .common import dates, evidence, values

SITE = "feed"
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Discourse ends every RSS description with a link back to the topic; it is no part of what was written.
_DISCOURSE_TRAILER = re.compile(r"<p>\s*<a\s[^>]*>\s*Read full topic\s*</a>\s*</p>\s*$", re.IGNORECASE)


@dataclass
class Entry:
    """One feed item, format differences settled; `link` is already normalised."""

    guid: str | None = None
    guid_is_link: bool = False
    link: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None  # the entry's content/description as published (HTML), for site readers
    author: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    in_reply_to: str | None = None
    comments_count: int | None = None


@dataclass
class Feed:
    kind: str  # "rss", "atom" or "rdf"
    title: str | None
    entries: list[Entry]
    next_url: str | None


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """One post per entry, in feed order, with source_id a hash of its normalised link.

    Raises LayoutError when the body is not an RSS or Atom feed; an empty feed gives [].
    """
    return [post(entry) for entry in parse(response).entries]


def next_page(response) -> str | None:
    """A paged feed's rel="next" link (RFC 5005); most feeds are one page."""
    try:
        target = parse(response).next_url
    except LayoutError:
        return None
    return response.urljoin(target) if target and response.urljoin(target) != response.url else None



def expected(response) -> str | None:
    """The feed's <item> and <entry> elements, counted by name alone."""
    root = _root(response.body)
    found = root.xpath("//*[local-name()='item' or local-name()='entry']") if root is not None else []
    return evidence.counted(found, "feed entry", "feed entries")


def post(entry: Entry) -> dict:
    return make(
        "post",
        source=SITE,
        source_id=source_id(entry),
        url=entry.link or (entry.guid if entry.guid_is_link else None),
        parent_url=entry.in_reply_to or _thread_of(entry.link),
        author=entry.author,
        title=entry.title,
        text=entry.text,
        published_at=entry.published_at or entry.updated_at,
        comments_count=entry.comments_count,
    )


def source_id(entry: Entry) -> str:
    """A stable id shared by every feed that carries the same link: the hash of its dedupe key."""
    if entry.link:
        return values.stable_id(dedupe_key(entry.link))
    if entry.guid:
        return values.stable_id(dedupe_key(entry.guid) if entry.guid_is_link else entry.guid)
    return values.stable_id(entry.title, entry.published_at, (entry.text or "")[:200])


def normalise_link(url: str | None) -> str | None:
    """The real target of a link: alert redirects unwrapped, tracking parameters dropped, host lowercased."""
    url = (url or "").strip()
    if not url:
        return None
    for _ in range(3):  # a redirect inside a redirect
        target = _unwrap(url)
        if target is None:
            break
        url = target
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    netloc = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        netloc += f":{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, parts.fragment))


def dedupe_key(url: str) -> str:
    """What makes two links the same article: no scheme, no www., no trailing slash."""
    normal = normalise_link(url) or url
    parts = urlsplit(normal)
    if not parts.netloc:
        return normal
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}" + (f"#{parts.fragment}" if parts.fragment else "")


def _unwrap(url: str) -> str | None:
    """The destination of a Google (Alerts, News, Search) or Bing redirect link, else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if re.fullmatch(r"(?:www\.)?google(?:\.[a-z]{2,3}){1,2}", host) and parts.path == "/url":
        target = params.get("url") or params.get("q")
    elif host.endswith("bing.com") and parts.path.lower() in ("/news/apiclick.aspx", "/ck/a"):
        target = params.get("url") or params.get("u")
    else:
        return None
    return target if target and urlsplit(target).scheme in ("http", "https") else None


def _thread_of(link: str | None) -> str | None:
    """A reply's thread: forum and blog-comment feeds link replies as thread#anchor."""
    if not link or "#" not in link:
        return None
    thread = link.split("#", 1)[0]
    return thread or None


# -- parsing -----------------------------------------------------------------

def parse(response) -> Feed:
    root = _root(response.body)
    if root is None:
        raise LayoutError(f"feed: {response.url} is not XML")
    name = _local(root.tag)
    if name == "feed":
        entries = [_atom_entry(e, response.url) for e in _children(root, "entry")]
        return Feed("atom", _plain(_child(root, "title")), entries, _atom_link(root, "next"))
    if name == "rss":
        channel = _child(root, "channel")
        if channel is None:
            raise LayoutError(f"feed: {response.url} is RSS without a channel")
        return Feed("rss", _plain(_child(channel, "title")),
                    [_rss_item(i, response.url) for i in _children(channel, "item")], _atom_link(channel, "next"))
    if name == "RDF":
        channel = _child(root, "channel")
        return Feed("rdf", _plain(_child(channel, "title")) if channel is not None else None,
                    [_rss_item(i, response.url) for i in _children(root, "item")], None)
    raise LayoutError(f"feed: {response.url} is <{name}>, neither RSS nor Atom")


def _root(body: bytes):
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body.strip(), parser)
    except lxml.etree.XMLSyntaxError:
        return None
    return root


def _rss_item(item, base: str) -> Entry:
    guid_el = _child(item, "guid")
    guid = values.text(guid_el.text) if guid_el is not None else None
    if guid is None:
        guid = values.text(item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"))
    permalink = guid_el is not None and (guid_el.get("isPermaLink") or "true").lower() != "false"
    guid_is_link = bool(guid and (permalink or guid_el is None) and _is_http(guid))
    link = values.text(_child_text(item, "link")) or _atom_link(item, "alternate")
    html = _child_text(item, "encoded") or _child_text(item, "description")
    # <source> names where an item came from: Google News's publisher, also appended to its title.
    source = values.text(_child_text(item, "source"))
    title = _plain(_child(item, "title"))
    if title and source and title.endswith(f" - {source}") and len(title) > len(source) + 3:
        title = values.text(title.removesuffix(f" - {source}"))
    return Entry(
        guid=normalise_link(guid) if guid_is_link else guid,
        guid_is_link=guid_is_link,
        link=normalise_link(_absolute(link, base)),
        title=title,
        text=_html_text(_DISCOURSE_TRAILER.sub("", html) if html else html),
        html=values.text(html),
        author=_rss_author(item) or source,
        published_at=_date(_child_text(item, "pubDate") or _child_text(item, "date")),
        updated_at=_date(_child_text(item, "updated")),
        in_reply_to=_reply_target(item, base),
        comments_count=values.count(_child_text(item, "comments", ns="http://purl.org/rss/1.0/modules/slash/")),
    )


def _atom_entry(entry, base: str) -> Entry:
    guid = values.text(_child_text(entry, "id"))
    content = _child(entry, "content")
    if content is None or not (content.text or len(content)):
        content = _child(entry, "summary")
    html = _content_html(content)
    total = _child_text(entry, "total", ns="http://purl.org/syndication/thread/1.0")
    return Entry(
        guid=normalise_link(guid) if _is_http(guid) else guid,
        guid_is_link=_is_http(guid),
        link=normalise_link(_absolute(_atom_link(entry, "alternate"), base)),
        title=_plain(_child(entry, "title")),
        text=_html_text(html),
        html=html,
        author=_atom_author(entry),
        published_at=_date(_child_text(entry, "published") or _child_text(entry, "issued")),
        updated_at=_date(_child_text(entry, "updated") or _child_text(entry, "modified")),
        in_reply_to=_reply_target(entry, base),
        comments_count=values.count(total),
    )


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    # "{namespace}name" or "prefix:name"; recovered markup can hold tags lxml.QName refuses ("https:").
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _children(parent, name: str, ns: str | None = None) -> list:
    if parent is None:
        return []
    return [el for el in parent if isinstance(el.tag, str) and _local(el.tag) == name
            and (ns is None or lxml.etree.QName(el.tag).namespace == ns)]


def _child(parent, name: str, ns: str | None = None):
    found = _children(parent, name, ns)
    return found[0] if found else None


def _child_text(parent, name: str, ns: str | None = None) -> str | None:
    el = _child(parent, name, ns)
    return el.text if el is not None else None


def _atom_link(parent, rel: str) -> str | None:
    """The href of a link with this rel (Atom's default rel is "alternate"); RSS <link> text is not here."""
    for el in _children(parent, "link"):
        if (el.get("rel") or "alternate") == rel and el.get("href"):
            return el.get("href").strip()
    return None


def _reply_target(entry, base: str) -> str | None:
    target = _child(entry, "in-reply-to", ns="http://purl.org/syndication/thread/1.0")
    if target is None:
        return None
    return normalise_link(_absolute(target.get("href") or target.get("ref"), base))


def _content_html(el) -> str | None:
    if el is None:
        return None
    kind = (el.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        return "".join(lxml.etree.tostring(child, encoding="unicode") for child in el) or None
    if kind in ("html", "text/html"):
        return values.text(el.text)
    return values.text(htmlmod.escape(el.text).replace("\n", "<br>")) if el.text else None


def _plain(el) -> str | None:
    """A title-like element as plain text (type="html" titles such as Google Alerts' <b>name</b>)."""
    if el is None:
        return None
    kind = (el.get("type") or "").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        return _html_text(_content_html(el))
    if kind in ("html", "text/html") or re.search(r"<[a-z/]", el.text or "", re.IGNORECASE):
        return _html_text(el.text)
    return values.text(" ".join((el.text or "").split()))


def _html_text(html: str | None) -> str | None:
    if not html or not html.strip():
        return None
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return values.clean_text(html)
    return values.text(values.element_text(root).replace("\xa0", " "))


def _rss_author(item) -> str | None:
    raw = values.text(_child_text(item, "creator")) or values.text(_child_text(item, "author"))
    if not raw:
        return None
    # RSS 2.0 wants "email (Name)"; keep the name when there is one.
    match = re.fullmatch(r"\S+@\S+\s*\((.+)\)", raw)
    return values.text(match.group(1)) if match else raw


def _atom_author(entry) -> str | None:
    names = [values.text(_child_text(a, "name")) for a in _children(entry, "author")]
    return ", ".join(n for n in names if n) or None


def _date(value: str | None) -> str | None:
    value = values.text(value)
    if not value:
        return None
    try:
        return iso_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    return dates.when(value)


def _absolute(url: str | None, base: str) -> str | None:
    return urljoin(base, url) if url else None


def _is_http(value: str | None) -> bool:
    return bool(value) and urlsplit(value).scheme in ("http", "https") and bool(urlsplit(value).netloc)
