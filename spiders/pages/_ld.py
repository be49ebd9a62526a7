"""Schema.org structured data (JSON-LD and microdata) as one graph of reviews and ratings."""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from repscan.core.items import iso_utc, make

TYPE_PREFIXES = (
    "http://schema.org/", "https://schema.org/", "schema:",
    "http://data-vocabulary.org/", "https://data-vocabulary.org/",
)
REVIEW_KEYS = ("review", "reviews")
REPLY_KEYS = ("comment", "reply")


@dataclass
class Structured:
    """Everything schema.org a page carries, parsed and indexed."""

    roots: list = field(default_factory=list)
    blocks: int = 0
    broken: int = 0
    microdata: int = 0

    def __post_init__(self):
        self.index: dict[str, dict] = {}
        for node in iter_dicts(self.roots):
            node_id = node.get("@id")
            if isinstance(node_id, str):
                known = self.index.get(node_id)
                if known is None or len(node) > len(known):
                    self.index[node_id] = node

    @property
    def has_markup(self) -> bool:
        return bool(self.roots)

    def resolve(self, node):
        """The full node behind an {"@id": ...} reference (or the node itself)."""
        if isinstance(node, dict) and isinstance(node.get("@id"), str):
            if not set(node) - {"@id", "@type"}:
                return self.index.get(node["@id"], node)
        return node

    def reviews(self) -> list[tuple[dict, dict | None]]:
        """(review, reviewed thing) pairs, each review once, in document order."""
        found: list[tuple[dict, dict | None]] = []
        seen: set[int] = set()

        def add(review, parent):
            if id(review) not in seen and is_review(review):
                seen.add(id(review))
                found.append((review, parent))

        for node in iter_dicts(self.roots):
            for key in REVIEW_KEYS:
                for review in as_list(node.get(key)):
                    add(self.resolve(review), node)
        for node in iter_dicts(self.roots):
            if any(kind.endswith("Review") for kind in types(node)):
                parent = self.resolve(first(node.get("itemReviewed")))
                add(node, parent if isinstance(parent, dict) else None)
        return found

    def ratings(self) -> list[tuple[dict, dict | None]]:
        """(AggregateRating, rated thing) pairs, each rating once."""
        found: list[tuple[dict, dict | None]] = []
        seen: set[int] = set()
        for node in iter_dicts(self.roots):
            rating = self.resolve(first(node.get("aggregateRating")))
            if isinstance(rating, dict) and id(rating) not in seen:
                seen.add(id(rating))
                found.append((rating, node))
        for node in iter_dicts(self.roots):
            if "AggregateRating" in types(node) and id(node) not in seen:
                seen.add(id(node))
                parent = self.resolve(first(node.get("itemReviewed")))
                found.append((node, parent if isinstance(parent, dict) else None))
        return found

    def summary(self, parents: list[dict | None]) -> tuple[dict, dict | None] | None:
        """The page's own rating summary: the one on a reviewed thing first, else the first."""
        ratings = self.ratings()
        for rating, parent in ratings:
            if parent is not None and any(parent is p for p in parents):
                return rating, parent
        return ratings[0] if ratings else None

    def names(self, value) -> str | None:
        """A person's or organisation's name from a string, object, @id or list of them."""
        out = []
        for person in as_list(value):
            person = self.resolve(person)
            if isinstance(person, dict):
                name = text_of(person.get("name")) or " ".join(
                    part for part in (text_of(person.get("givenName")),
                                      text_of(person.get("familyName"))) if part
                )
            else:
                name = text_of(person)
            name = clean_text(name)
            if name and name not in out:
                out.append(name)
        return ", ".join(out) or None

    def review_fields(self, review: dict, parent: dict | None, base_url: str) -> dict:
        """The contract fields a Review node carries, its @id and url made absolute.

        A relative @id ("#review-3") resolves against the page without its query, so it
        stays the same on ?page=2 or with tracking parameters.
        """
        rating = self.resolve(first(review.get("reviewRating")))
        if isinstance(rating, dict):
            value = number(rating.get("ratingValue"))
            best = number(rating.get("bestRating"))
        else:
            value, best = number(rating), None
        if best is None and value is not None and value > 5:
            best = 10 if value <= 10 else 100
        node_id = review.get("@id") if isinstance(review.get("@id"), str) else None
        if node_id and node_id.startswith("_:"):
            node_id = None
        url = text_of(review.get("url"))
        reply_text, reply_at = self._reply(review, parent)
        return {
            "id": urljoin(page_url(base_url), node_id) if node_id else None,
            "url": urljoin(base_url, url) if url else None,
            "author": self.names(review.get("author")),
            "rating": value,
            "rating_max": best if best is not None else 5,
            "title": clean_text(text_of(review.get("name")) or text_of(review.get("headline"))),
            "text": clean_text(text_of(review.get("reviewBody")) or text_of(review.get("description"))),
            "language": language(review.get("inLanguage")),
            "published_at": when(review.get("datePublished") or review.get("dateCreated")),
            "updated_at": when(review.get("dateModified")),
            "reply_text": reply_text,
            "reply_at": reply_at,
        }

    def business_item(self, site: str, summary: tuple[dict, dict | None], url: str) -> dict:
        """The business item for a summary() pair: the rated thing's name, its rating and review count."""
        rating, parent = summary
        return make("business", source=site, url=url, name=self.names((parent or {}).get("name")),
                    rating=number(rating.get("ratingValue")),
                    review_count=count(rating.get("reviewCount") or rating.get("ratingCount")))

    def _reply(self, review: dict, parent: dict | None) -> tuple[str | None, str | None]:
        if not isinstance(parent, dict):
            return None, None
        owner_id = parent.get("@id")
        owner_name = (self.names(parent.get("name")) or "").casefold()
        for key in REPLY_KEYS:
            for comment in as_list(review.get(key)):
                comment = self.resolve(comment)
                if not isinstance(comment, dict):
                    continue
                author = self.resolve(first(comment.get("author")))
                by_owner = (
                    isinstance(author, dict) and owner_id and author.get("@id") == owner_id
                ) or (owner_name and (self.names(author) or "").casefold() == owner_name)
                if by_owner:
                    text = clean_text(text_of(comment.get("text")) or text_of(comment.get("reviewBody"))
                                      or text_of(comment.get("description")))
                    return text, when(comment.get("dateCreated") or comment.get("datePublished"))
        return None, None


def parse(response) -> Structured:
    """Every JSON-LD block (broken ones counted and skipped) plus microdata items."""
    roots, blocks, broken = [], 0, 0
    for raw in response.xpath(
        "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),"
        " 'application/ld+json')]/text()"
    ).getall():
        blocks += 1
        data = loads(raw)
        if data is None:
            broken += 1
        else:
            roots.append(data)
    items = microdata(response)
    return Structured(roots=roots + items, blocks=blocks, broken=broken, microdata=len(items))


def loads(raw: str):
    """One JSON-LD block, tolerating HTML comment/CDATA wrappers and raw newlines; None if broken."""
    text = raw.strip()
    text = re.sub(r"^(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text).strip()
    text = re.sub(r"(?:-->|//\s*\]\]>|\]\]>)$", "", text).strip().rstrip(";")
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


# Microdata (https://html.spec.whatwg.org/multipage/microdata.html) into JSON-LD-shaped dicts.

_URL_ATTRS = {
    "a": "href", "area": "href", "link": "href", "audio": "src", "embed": "src",
    "iframe": "src", "img": "src", "source": "src", "track": "src", "video": "src",
    "object": "data",
}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "section", "article", "blockquote", "h1", "h2",
               "h3", "h4", "h5", "h6", "tr", "table"}


def microdata(response) -> list[dict]:
    root = response.selector.root
    if not hasattr(root, "iter"):
        return []
    base = response.url
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    return [
        _md_item(el, base, ids)
        for el in root.iter()
        if isinstance(el.tag, str) and el.get("itemscope") is not None and el.get("itemprop") is None
    ]


def _md_item(el, base, ids, depth=0) -> dict:
    item: dict = {}
    kinds = (el.get("itemtype") or "").split()
    if kinds:
        item["@type"] = kinds if len(kinds) > 1 else kinds[0]
    if el.get("itemid"):
        item["@id"] = urljoin(base, el.get("itemid"))
    for prop in _md_props(el, ids):
        if prop.get("itemscope") is not None:
            value = _md_item(prop, base, ids, depth + 1) if depth < 20 else None
        else:
            value = _md_value(prop, base)
        for name in prop.get("itemprop").split():
            item.setdefault(name, []).append(value)
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in item.items()}


def _md_props(el, ids):
    roots = [el] + [ids[ref] for ref in (el.get("itemref") or "").split() if ref in ids]
    out = []
    for start in roots:
        if start is not el and start.get("itemprop") is not None:
            out.append(start)
            if start.get("itemscope") is not None:
                continue
        stack = list(reversed([c for c in start if isinstance(c.tag, str)]))
        while stack:
            child = stack.pop()
            if child.get("itemprop") is not None:
                out.append(child)
            if child.get("itemscope") is None:
                stack.extend(reversed([c for c in child if isinstance(c.tag, str)]))
    return out


def _md_value(el, base):
    tag = el.tag.lower()
    if el.get("content") is not None:
        return el.get("content")
    if tag in _URL_ATTRS and el.get(_URL_ATTRS[tag]) is not None:
        return urljoin(base, el.get(_URL_ATTRS[tag]))
    if tag in ("data", "meter") and el.get("value") is not None:
        return el.get("value")
    if tag == "time" and el.get("datetime"):
        return el.get("datetime")
    return element_text(el)


def element_text(el) -> str:
    """Visible text of an element: <br> and block elements become line breaks."""
    parts: list[str] = []

    def walk(node):
        if not isinstance(node.tag, str):
            parts.append(node.tail or "")
            return
        tag = node.tag.lower()
        if tag in ("script", "style", "template"):
            parts.append(node.tail or "")
            return
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(node.text or "")
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(node.tail or "")

    parts.append(el.text or "")
    for child in el:
        walk(child)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# Small value helpers, shared by the extractors.

def iter_dicts(node):
    """Every dict in a JSON tree, depth first, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first(value):
    values = as_list(value)
    return values[0] if values else None


def types(node) -> set[str]:
    if not isinstance(node, dict):
        return set()
    out = set()
    for kind in as_list(node.get("@type")):
        if isinstance(kind, str):
            for prefix in TYPE_PREFIXES:
                if kind.startswith(prefix):
                    kind = kind[len(prefix):]
                    break
            out.add(kind)
    return out


def is_review(node) -> bool:
    if not isinstance(node, dict):
        return False
    kinds = types(node)
    if kinds:
        return any(kind.endswith("Review") for kind in kinds)
    return any(key in node for key in ("reviewBody", "reviewRating"))


def scalar(value):
    """The first value of a list, unwrapped from {"@value": ...}; None for booleans and nothing."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    return None if isinstance(value, bool) else value


def review_item(site: str, fields: dict, **identity) -> dict:
    """A review item from review_fields(); `identity` gives source_id, url, business_url and overrides."""
    carried = ("author", "rating", "rating_max", "title", "text", "language", "published_at",
               "updated_at", "reply_text", "reply_at")
    return make("review", source=site, **{**{key: fields[key] for key in carried}, **identity})


def text_of(value) -> str | None:
    """A plain string from a string, number, {"@value": ...} or list of them."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value if isinstance(value, str) else None


_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|amp|quot|lt|gt|apos|nbsp);")


def clean_text(value: str | None) -> str | None:
    """Markup-free text: tags dropped (<br>/<p> as line breaks), entities decoded, CRLF as LF."""
    if not value:
        return None
    text = _TAG.sub("", _BREAK.sub("\n", value))
    text = html.unescape(text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return text.strip() or None


_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def number(value) -> int | float | None:
    """A rating as a number: 4, 4.5, "4.5", "4,5", "4.5 / 5"; integral values as int."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, str):
        match = _NUMBER.search(value)
        if not match:
            return None
        value = float(match.group().replace(",", "."))
    if not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else float(value)


def count(value) -> int | None:
    """A count: 20, "20", "1,234", "1.234", "1 234 reviews"."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = re.search(r"\d[\d.,\s\u202f\xa0]*", str(value))
    digits = re.sub(r"\D", "", match.group()) if match else ""
    return int(digits) if digits else None


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def when(value) -> str | None:
    """ISO UTC from an ISO date or datetime (naive means UTC) or a spelled-out English date."""
    text = text_of(value)
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        return iso_utc(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return iso_utc(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def language(value) -> str | None:
    value = first(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = text_of(value)
    return text.strip() if text and text.strip() else None


def page_url(url: str) -> str:
    """The URL without query and fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def stable_id(*parts: str | None) -> str:
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def fallback_id(business_url: str, author: str | None, published_at: str | None, body: str | None) -> str:
    """The id of a review without its own: the same from JSON-LD and from an HTML card of the review."""
    return stable_id(business_url, author, published_at, (body or "")[:200])
