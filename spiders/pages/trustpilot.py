"""Trustpilot business review pages: __NEXT_DATA__ first, the page's JSON-LD as fallback."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from repscan.core.items import make

from . import LayoutError
from .common import dates, evidence, jsondata, schemaorg, urls, values

SITE = "trustpilot"


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Review items in page order, then one business item for the page's summary.

    `now` is accepted for the common extractor signature; Trustpilot gives exact times.
    Raises LayoutError when the page has neither usable __NEXT_DATA__ nor JSON-LD reviews.
    """
    business_url = urls.page_url(response.url)
    props = _page_props(response)
    if props is not None and isinstance(props.get("reviews"), list):
        return _from_next_data(response, props, business_url)
    return _from_json_ld(response, business_url)


def next_page(response) -> str | None:
    """The next page of reviews from the pagination data, else the "next" button; None at the end."""
    pagination = ((_page_props(response) or {}).get("filters") or {}).get("pagination")
    if isinstance(pagination, dict):
        current = values.count(pagination.get("currentPage"))
        total = values.count(pagination.get("totalPages"))
        if current is not None and total is not None:
            return urls.with_params(response.url, page=str(current + 1)) if current < total else None
    button = response.css('a[name="pagination-button-next"]')
    href = button.attrib.get("href") if button else None
    if not href or button.attrib.get("aria-disabled") == "true":
        return None
    target = response.urljoin(href)
    if target == response.url:
        return None
    # Trustpilot's own link can drop filters; carry over ours (sort=recency) it does not set.
    missing = {k: v for k, v in parse_qsl(urlsplit(response.url).query, keep_blank_values=True)
               if k != "page" and k not in dict(parse_qsl(urlsplit(target).query))}
    return urls.with_params(target, **missing) if missing else target


def expected(response) -> str | None:
    """The review cards on the page, the embedded review list, else the filtered count while the page is within it."""
    props = _page_props(response) or {}
    pagination = (props.get("filters") or {}).get("pagination") or {}
    current, pages = values.count(pagination.get("currentPage")) or 1, values.count(pagination.get("totalPages"))
    return evidence.first(
        evidence.counted(response.css("article[data-service-review-card-paper]"), "review card"),
        evidence.counted(props.get("reviews") if isinstance(props.get("reviews"), list) else 0, "embedded review"),
        evidence.declared(pagination.get("totalCount")) if pages and current <= pages else None,
    )


def wrong_kind(response) -> str | None:
    """Category and search pages list businesses, not a business's reviews."""
    path = urlsplit(response.url).path
    if not path.startswith(("/categories", "/search")):
        return None
    listed = {urlsplit(href).path.rstrip("/") for href in response.css('a[href*="/review/"]::attr(href)').getall()}
    what = "category page" if path.startswith("/categories") else "search page"
    return f"a Trustpilot {what} listing {evidence.counted(len(listed), 'business', 'businesses') or 'businesses'}"


def start_url(url: str) -> str:
    """The business URL sorted newest first (sort=recency), from page 1, other params kept."""
    return urls.with_params(url, sort="recency", page=None)


def _page_props(response) -> dict | None:
    raw = response.css("script#__NEXT_DATA__::text").get()
    if not raw:
        return None
    data = jsondata.loads(raw)
    props = (data.get("props") or {}).get("pageProps") if isinstance(data, dict) else None
    return props if isinstance(props, dict) else None


def _from_next_data(response, props: dict, business_url: str) -> list[dict]:
    items = []
    for review in props["reviews"]:
        if not isinstance(review, dict) or not review.get("id"):
            continue
        review_id = str(review["id"])
        consumer = review.get("consumer") or {}
        stamps = review.get("dates") or {}
        reply = review.get("reply") or {}
        items.append(make(
            "review",
            source=SITE,
            source_id=review_id,
            url=response.urljoin("/reviews/" + review_id),
            business_url=business_url,
            author=_text(consumer.get("displayName")),
            author_review_count=values.count(consumer.get("numberOfReviews")),
            rating=values.number(review.get("rating")),
            rating_max=5,
            title=_text(review.get("title")),
            text=_text(review.get("text")),
            language=_text(review.get("language")),
            published_at=dates.when(stamps.get("publishedDate")),
            updated_at=dates.when(stamps.get("updatedDate")),
            reply_text=_text(reply.get("message")),
            reply_at=dates.when(reply.get("publishedDate")),
        ))
    unit = props.get("businessUnit")
    if isinstance(unit, dict):
        items.append(make(
            "business",
            source=SITE,
            url=business_url,
            name=_text(unit.get("displayName")),
            rating=values.number(unit.get("trustScore")),
            review_count=values.count(unit.get("numberOfReviews")),
        ))
    return items


def _from_json_ld(response, business_url: str) -> list[dict]:
    data = schemaorg.parse(response)
    business = data.business(SITE, business_url)
    if not data.reviews() and business is None:
        raise LayoutError(
            f"trustpilot: {response.url} has neither parseable __NEXT_DATA__ reviews "
            f"nor JSON-LD reviews ({data.blocks} JSON-LD blocks, {data.broken} broken)"
        )
    cards = _cards(response)
    items = []
    for fields, review_id in data.identified_reviews(response.url, business_url, _review_id):
        reply_text, reply_at, author_review_count = cards.get(review_id, (None, None, None))
        items.append(schemaorg.review_item(SITE, fields, source_id=review_id,
                                           url=response.urljoin("/reviews/" + review_id), business_url=business_url,
                                           reply_text=reply_text, reply_at=reply_at,
                                           author_review_count=author_review_count))
    return items + ([business] if business else [])


def _review_id(fields: dict) -> str | None:
    """Trustpilot's review id, the last segment of the Review's @id (…/Review/<site>/<id>) or url."""
    for ref in (fields["id"], fields["url"]):
        if ref:
            tail = urlsplit(ref).fragment or urlsplit(ref).path
            segment = tail.rstrip("/").rsplit("/", 1)[-1]
            if segment:
                return segment
    return None


def _cards(response) -> dict[str, tuple[str | None, str | None, int | None]]:
    """What the review cards show and JSON-LD does not carry, by review id: the owner's reply (text, time)
    and the reviewer's review count."""
    found = {}
    for card in response.css("article[data-service-review-card-paper]"):
        href = card.css('a[href*="/reviews/"]::attr(href)').get()
        if not href:
            continue
        review_id = urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]
        message = card.css("[data-service-review-business-reply-text-typography]")
        at = card.css("time[data-service-review-business-reply-date-time-ago]::attr(datetime)").get()
        found[review_id] = (values.element_text(message[0].root) or None if message else None,
                            dates.when(at) if message else None,
                            values.count(card.css("[data-consumer-reviews-count]::attr(data-consumer-reviews-count)").get()))
    return found


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n")
    return text.strip() or None
