"""Any page with schema.org reviews (JSON-LD or microdata): how repscan covers small sites."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from . import LayoutError
from .common import comment_replies, evidence, schemaorg, urls
from .common.unread import with_shown_replies_read
from .common.values import stable_id

SITE = "jsonld"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Unique review items in document order, then one business item for the rating summary.

    A page with structured data but no reviews gives [] (or just the business item); a page
    with no JSON-LD and no microdata at all, or only broken JSON-LD, raises LayoutError:
    the site dropped its markup or we are not looking at the page we think.
    `now` is accepted for the common extractor signature; schema.org dates are absolute. The owner's replies
    threaded under the reviews' comments (WordPress) are read too; NotReadable with the items when more show than
    were read.
    """
    data = schemaorg.parse(response)
    if not data.has_markup:
        raise LayoutError(
            f"jsonld: {response.url} has no schema.org markup "
            f"({data.blocks} JSON-LD blocks, {data.broken} broken, no microdata)"
        )
    business_url = urls.page_url(response.url)
    reviews: dict[str, list[dict]] = {}
    as_read: dict[int, str | None] = {}  # each item's published_at in the zone-free form ids are made from
    for fields, source_id in data.identified_reviews(response.url, business_url, lambda f: f["id"] or f["url"]):
        item = schemaorg.review_item(SITE, fields, source_id=source_id, url=_review_url(fields, response.url),
                                     business_url=business_url)
        as_read[id(item)] = getattr(fields["published_at"], "as_read", fields["published_at"])
        copies = reviews.setdefault(source_id, [])
        same = next((known for known in copies if not _conflicts(known, item)), None)
        if same is None:
            copies.append(item)
        else:
            # The same review repeated in another block: fill what the first copy lacked.
            for key, value in item.items():
                if same[key] is None and value is not None:
                    same[key] = value
    for source_id, copies in reviews.items():
        for item in copies[1:]:  # another review under the same id (one url for all, one author undated)
            item["source_id"] = stable_id(source_id, str(item["rating"]), as_read[id(item)], item["title"],
                                          item["text"])
    business = data.business(SITE, business_url)
    items, shown = comment_replies.answer([item for copies in reviews.values() for item in copies], response,
                                          _authors(data))
    return with_shown_replies_read(SITE, response, items + ([business] if business else []), shown,
                                   "owner replies under their comments")


_IDENTIFYING = ("author", "rating", "rating_max", "published_at", "title", "text")


def _conflicts(known: dict, item: dict) -> bool:
    """Whether two records under one id say different things (a rating, a date, a text): two reviews, not copies.
    A shortened text ("…") is the same text."""
    for key in _IDENTIFYING:
        one, other = known[key], item[key]
        if one is None or other is None or one == other:
            continue
        if isinstance(one, str) and isinstance(other, str):
            one, other = (" ".join(value.rstrip(".…").split()) for value in (one, other))
            if one.startswith(other) or other.startswith(one):
                continue
        return True
    return False


def _authors(data: schemaorg.Structured) -> set[str]:
    """The names of the reviewed things' authors (a recipe's, an article's): the owner who answers in the comments."""
    return {data.names(parent.get("author")) for _, parent in data.reviews() if isinstance(parent, dict)} - {None}


def expected(response) -> str | None:
    """The Review objects of the page's markup, by type alone (an aggregate count without them declares none here)."""
    return evidence.schemaorg_reviews(response)


def next_page(response) -> str | None:
    """The rel=next link when it continues this page's listing (not a "next post" link)."""
    for href in response.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).getall():
        target = response.urljoin(href.strip())
        if target != response.url and _same_listing(response.url, target):
            return target
    return None



_PAGE_SUFFIX = re.compile(r"/(?:page/|comment-page-|p/)?\d+$")


def _same_listing(current: str, target: str) -> bool:
    """Whether `target` pages through `current` (…/page/2, ?page=2, …/reviews/2) on the same host.

    WordPress and others mark the next *article* rel=next too; following it would crawl
    the whole site and file its reviews under this business.
    """
    here, there = urlsplit(current), urlsplit(target)
    if here.netloc != there.netloc:
        return False
    base, other = _listing_path(here.path), _listing_path(there.path)
    return other == base or (base != "/" and other.startswith(base + "/"))


def _listing_path(path: str) -> str:
    path = path.rstrip("/")
    return _PAGE_SUFFIX.sub("", path) or "/"


def _review_url(fields: dict, page: str) -> str:
    """The review's own web address (its url, or an @id that is a plain page URL), else the page."""
    for url in (fields["url"], fields["id"]):
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and (url == fields["url"] or not parts.fragment):
            return url
    return page
