"""Yelp business review pages: which layout a page has, each read by its own module, then the review items.

review_feed    the embedded review feed (2019 on), with its pagination
apollo         the Apollo cache of 2022 pages: exact creation times for the feed's or the markup's reviews
legacy_markup  review blocks marked with data-review-id (to 2019)
markup         the 2022 review markup, read by structure
replies        the owner replies the markup shows: counted, and read for the feed's reviews that lack them
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from repscan.core import sites
from repscan.core.items import make

from .. import LayoutError
from ..common import dates, evidence, schemaorg, urls, values
from ..common.unread import with_shown_replies_read
from . import apollo, legacy_markup, markup, replies, review_feed
from ._shared import BIZ, canonical

# Without the feed, reviews are read from the markup by structure, never by the hashed class names.
#
# A review's source_id is "<business alias>:<user id>": Yelp keeps one review per user and
# business, and it is the one key the feed, the 2022 markup (no review ids) and the legacy
# markup all show.

SITE = "yelp"
PER_PAGE = 10
NEWEST = "date_desc"

_MONTH_FIRST = {"", "en", "en-us", "es-us", "en-ph"}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews in page order, then (on a business page) the business's name, rating and count.

    Raises LayoutError when the page has neither embedded reviews, review markup nor a rating
    summary; NotReadable with the items when its markup shows more owner replies than were read (a reply the
    feed lacks is read from the markup). `now` resolves relative dates, should Yelp print any.
    """
    page_alias = _page_alias(response)
    day_first = _day_first(response)
    page_language = response.xpath("/html/@lang").get()
    records = review_feed.records(response)
    shown = replies.shown(response)
    if records:
        replies.fill(records, response, shown)
    else:
        records = legacy_markup.records(response) or markup.records(response)
    apollo.add_exact_times(records, response)
    summary = _summary(response) if page_alias else None
    if not records and summary is None:
        raise LayoutError(f"yelp: {response.url} has no embedded reviews, no review markup and no rating summary")
    items = []
    seen = set()
    for record in records:
        alias = record.get("alias") or page_alias
        business_url = response.urljoin(f"/biz/{alias}") if alias else urls.page_url(response.url)
        source_id = (f"{alias}:{record['user_id']}" if alias and record.get("user_id")
                     else record.get("review_id") or values.fallback_id(business_url, record.get("author"),
                                                                        record.get("date"), record.get("text")))
        if source_id in seen:
            continue
        seen.add(source_id)
        language = record.get("language") or page_language  # dateparser tries it first
        published, approx = record.get("published") or dates.parse(record.get("date"), now=now, day_first=day_first,
                                                                    language=language)
        reply_at, reply_approx = dates.parse(record.get("reply_date"), now=now, day_first=day_first, language=language)
        review_id = record.get("review_id")
        items.append(make(
            "review",
            source=SITE,
            source_id=source_id,
            url=f"{business_url}?hrid={review_id}" if review_id and alias else business_url,
            business_url=business_url,
            author=record.get("author"),
            author_review_count=record.get("author_review_count"),
            rating=record.get("rating"),
            rating_max=5,
            text=record.get("text"),
            language=record.get("language"),
            published_at=published,
            published_approx=approx,
            reply_text=record.get("reply_text"),
            reply_at=reply_at if record.get("reply_text") else None,
            reply_precision="approximate" if reply_approx else None,
        ))
    if summary is not None:
        items.append(summary)
    return with_shown_replies_read(SITE, response, items, shown, "owner reply blocks")


def expected(response) -> str | None:
    """The embedded feed's total, the legacy review blocks, else the business's review count while the page's
    start offset is within it."""
    total = values.count((review_feed.pagination(response) or {}).get("totalResults"))
    summary = _summary(response) if _page_alias(response) else None
    count = (summary or {}).get("review_count") or 0
    start = values.count(urls.param(response.url, "start")) or 0
    return evidence.first(
        evidence.declared(total) if total and start < total else None,
        evidence.counted(response.xpath("//*[@data-review-id][not(ancestor::*[@data-review-id])]"), "review block"),
        evidence.declared(count) if start < count else None,
    )


def wrong_kind(response) -> str | None:
    """Yelp's search results list businesses, not a business's reviews."""
    if urlsplit(response.url).path.rstrip("/") != "/search":
        return None
    listed = {BIZ.search(href).group(1) for href in response.xpath("//a/@href").getall() if BIZ.search(href)}
    return f"a Yelp search page listing {evidence.counted(len(listed), 'business', 'businesses') or 'businesses'}"


def next_page(response) -> str | None:
    """The next page of this business's reviews (?start=N, our sort kept); None on the last page.

    The embedded feed's pagination decides first, then the page's own "next" link, then the
    page count the markup shows ("Page: 3", "2 of 9") with 10 reviews a page.
    """
    pagination = review_feed.pagination(response)
    link = response.css('link[rel="next"]::attr(href), a.next::attr(href)').get()
    if not BIZ.search(urlsplit(response.url).path):
        return _same_host(response, link) if link else None
    query = dict(parse_qsl(urlsplit(response.url).query))
    start = int(query["start"]) if query.get("start", "").isdigit() else 0
    per_page, total_pages = PER_PAGE, None
    if pagination:
        per_page = values.count(pagination.get("resultsPerPage")) or PER_PAGE
        total = values.count(pagination.get("totalResults"))
        total_pages = -(-total // per_page) if total is not None else None
    elif link:
        target = _same_host(response, link)
        missing = {k: v for k, v in query.items() if k != "start" and k not in dict(parse_qsl(urlsplit(target).query))}
        return urls.with_params_last(target, **missing) if missing else target
    else:
        total_pages = _markup_page_count(response)
    if total_pages is None or start // per_page + 1 >= total_pages:
        return None
    return urls.with_params_last(response.url, start=str(start + per_page))


def _same_host(response, link: str) -> str:
    """A link of the site's own, on the host we are reading (absolute links name www.yelp.com)."""
    parts = urlsplit(link)
    return response.urljoin(urlunsplit(("", "", parts.path, parts.query, "")))


def start_url(url: str) -> str:
    """A business page sorted newest first (sort_by=date_desc), from its first page."""
    if not BIZ.search(urlsplit(url).path):
        return url
    return urls.with_params_last(url, sort_by=NEWEST, start=None)


# The page.

def _summary(response) -> dict | None:
    return schemaorg.parse(response).business(SITE, urls.page_url(response.url), parents=[])


def _markup_page_count(response) -> int | None:
    pages = [int(n) for n in re.findall(r"Page:?\s*(\d+)", " ".join(
        response.xpath("//*[starts-with(@aria-label, 'Page')]/@aria-label").getall()))]
    if pages:
        return max(pages)
    for text in response.xpath("//*[not(*)]/text()").getall():
        match = re.fullmatch(r"\s*(?:Page\s+)?\d+\s+of\s+(\d+)\s*", text)
        if match:
            return int(match.group(1))
    return None


def gives(response) -> tuple[str, ...]:
    """The site's `gives`; a user's page of reviews (no /biz/ alias) shows no business summary."""
    given = sites.get(SITE).gives
    return given if _page_alias(response) else tuple(name for name in given if name != "summary")


def _page_alias(response) -> str | None:
    for url in (response.url, canonical(response) or ""):
        match = BIZ.search(urlsplit(url).path)
        if match:
            return unquote(match.group(1))
    return None


def _day_first(response) -> bool:
    lang = (response.xpath("/html/@lang").get() or "").strip().lower().replace("_", "-")
    return lang not in _MONTH_FIRST
