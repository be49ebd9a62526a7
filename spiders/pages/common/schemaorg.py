"""Schema.org structured data (JSON-LD and microdata) as one graph of reviews and ratings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from repscan.core.items import make

from .dates import when
from .jsondata import iter_dicts
from .urls import page_url
from .values import as_list, clean_text, count, element_text, fallback_id, first, number, text_of

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

    def identified_reviews(self, base_url: str, business_url: str, own_id) -> list[tuple[dict, str]]:
        """(review_fields(), source id) of every review: own_id(fields) when it finds the site's id,
        else fallback_id(), the id an HTML card of the same review gets too."""
        found = []
        for review, parent in self.reviews():
            fields = self.review_fields(review, parent, base_url)
            found.append((fields, own_id(fields) or fallback_id(
                business_url, fields["author"], fields["published_at"], fields["text"])))
        return found

    def business(self, site: str, url: str, parents: list[dict | None] | None = None) -> dict | None:
        """The business item of summary(parents), by default of the things the reviews review; None without one."""
        summary = self.summary([parent for _, parent in self.reviews()] if parents is None else parents)
        return self.business_item(site, summary, url) if summary else None

    def business_item(self, site: str, summary: tuple[dict, dict | None], url: str) -> dict:
        """The business item for a summary() pair: the rated thing's name, its rating and review count."""
        rating, parent = summary
        return make("business", source=site, url=url, name=self.names((parent or {}).get("name")),
                    rating=number(rating.get("ratingValue")),
                    review_count=_rated_count(rating))

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


def _rated_count(rating: dict) -> int | None:
    """How many ratings the average is over: ratingCount when the page gives it (a recipe's 4.34 over 355 ratings,
    of which 12 are written reviews), else reviewCount; none for a zero of both (no rating yet)."""
    return count(rating.get("ratingCount") or rating.get("reviewCount") or None)


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


# Types and values.

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


def review_item(site: str, fields: dict, **identity) -> dict:
    """A review item from review_fields(); `identity` gives source_id, url, business_url and overrides."""
    carried = ("author", "rating", "rating_max", "title", "text", "language", "published_at",
               "updated_at", "reply_text", "reply_at")
    return make("review", source=site, **{**{key: fields[key] for key in carried}, **identity})


def language(value) -> str | None:
    value = first(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = text_of(value)
    return text.strip() if text and text.strip() else None
