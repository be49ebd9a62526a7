"""Tripadvisor review pages (hotels, restaurants, attractions) with management responses, one module per layout.

legacy        data-reviewid blocks (to about 2020)
hotel_cards   hotel HR_CC_CARD cards (2020–2024) with management responses
review_cards  reviewCard cards (attractions, restaurants; 2022 on), read by structure
json_ld       reviews only in the page's JSON-LD
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from .. import LayoutError
from ..common import dates, evidence, schemaorg, urls
from ..common.unread import replies_unread, with_replies_said, with_shown_replies_read
from . import hotel_cards, json_ld, legacy, review_cards
from ._shared import ISO_DAY, RESPONDED, SITE, page_language

# The hotel cards first (they hold data-reviewid blocks the legacy reader would take for whole reviews), the
# legacy markup, then the current cards; the page's JSON-LD gives the rating summary, and
# reviews when neither markup is there. Pages go -or10-, -or20-, … in the URL; the site lists newest first.

_OFFSET = re.compile(r"-or\d+(?=-)")
_LIST = re.compile(r"^/(Restaurants|Hotels|Attractions|VacationRentals|Search|RestaurantsNear|HotelsNear|AttractionsNear)"
                   r"(?:-|$)")
_PLACE = re.compile(r"_Review-g\d+-d(\d+)")
_REVIEW_PAGE = re.compile(r"_Review-|ShowUserReviews-|Review-g\d+-d\d+")


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in page order, then one business item for the rating summary.

    Relative dates ("Reviewed 3 days ago", "yesterday") resolve against `now`.
    Raises LayoutError when the page has no review markup, no JSON-LD reviews and no rating; NotReadable with the
    items when its cards show more management responses than were read.
    """
    business_url = first_page(urls.page_url(response.url))
    data = schemaorg.parse(response)
    records = hotel_cards.records(response, now) or legacy.records(response, now) or review_cards.records(response, now)
    items = [make("review", source=SITE, business_url=business_url, **record) for record in records]
    if not records:
        items = json_ld.reviews(response, data, business_url)
    business = data.business(SITE, business_url)
    if not items and business is None:
        raise LayoutError(f"tripadvisor: {response.url} has no review cards, no data-reviewid reviews and no JSON-LD")
    unread = 0 if records else replies_unread(items, len(items))
    items = with_replies_said(SITE, response, items + ([business] if business else []), unread,
                              "JSON-LD (no review card)")
    return with_shown_replies_read(SITE, response, items, _responses_shown(response), "management responses")


def expected(response) -> str | None:
    """Review cards or blocks of any layout, JSON-LD Review objects, else the rating summary's count while the
    page's -orNN- offset is within it."""
    summary = schemaorg.parse(response).business(SITE, response.url, parents=None)
    count = (summary or {}).get("review_count") or 0
    offset = _OFFSET.search(urlsplit(response.url).path)
    return evidence.first(evidence.counted(_cards(response), "review card"), evidence.schemaorg_reviews(response),
                          evidence.declared(count) if (int(offset.group(0)[3:]) if offset else 0) < count else None)


def wrong_kind(response) -> str | None:
    """List and search pages (Restaurants-g…, Hotels-g…, Search?q=…) link many places and review none; a page
    at no place's URL (a saved file) that links several places and holds no review card is one too."""
    path = urlsplit(response.url).path
    listing = _LIST.match(path)
    if not listing and (_REVIEW_PAGE.search(path) or _cards(response) or evidence.schemaorg_reviews(response)):
        return None
    places = set(_PLACE.findall(" ".join(response.xpath("//a/@href").getall())))
    if not listing and len(places) < 2:
        return None
    what = listing.group(1).lower().removesuffix("near") + " list" if listing else "list"
    return f"a Tripadvisor {what} of {evidence.counted(len(places), 'place') or 'no places'}, not one place's reviews"


def _cards(response) -> list:
    """The review cards or blocks of any layout (2019 data-reviewid, 2023 HR_CC_CARD, today's reviewCard)."""
    card = "@data-automation='reviewCard' or @data-test-target='HR_CC_CARD' or @data-reviewid"
    return response.xpath(f"//*[{card}][not(ancestor::*[{card}])]")


def _responses_shown(response) -> int:
    """The review cards of any layout that show a management response: a "Responded <date>" line, a response date as
    an ISO title, or the legacy mgrRspnInline box. Any one will do, so a renamed "Response from" header with its ISO
    date gone still counts, though the readers need the header (or the ISO date) to find the response."""
    language = page_language(response)
    shown = 0
    for card in _cards(response):
        if card.css(".mgrRspnInline, .responseDate") or any(ISO_DAY.match(title) for title in card.xpath(".//@title").getall()):
            shown += 1
            continue
        lines = (" ".join(" ".join(el.xpath("text()").getall()).split())
                 for el in card.xpath(".//*[not(self::script or self::style)][normalize-space(text())]"))
        dated = (RESPONDED.match(line) for line in lines if len(line) <= 60)
        shown += any(match and dates.parse(match.group(1), language=language)[0] for match in dated)
    return shown


def next_page(response) -> str | None:
    """The "next" link (rel=next, the legacy nav button, or the current "Next page" arrow)."""
    for href in response.xpath(
        "//link[@rel='next']/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')"
        "       and not(contains(concat(' ', normalize-space(@class), ' '), ' disabled '))]/@href"
        " | //a[@aria-label='Next page']/@href"
    ).getall():
        parts = urlsplit(href.strip())
        if _OFFSET.search(parts.path):
            target = response.urljoin(urlunsplit(("", "", parts.path, parts.query, "")))
            if target != response.url:
                return target
    return None


def start_url(url: str) -> str:
    """The review list's first page (no -orNN- offset), where the newest reviews are."""
    return first_page(url)


def first_page(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, _OFFSET.sub("", parts.path, count=1), parts.query, ""))
