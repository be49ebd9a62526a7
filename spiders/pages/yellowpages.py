"""Yellow Pages (yellowpages.com) business reviews: the page's JSON-LD, its review cards for owner responses.

Not yet verified against a saved page: built from the documented schema.org markup and
the known mip-page structure (#reviews-container article, .review-info .author,
.rating-indicator <count>, .date-posted, .review-title, .review-response, .business-response).
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urldefrag

from repscan.items import make

from . import LayoutError, _ld
from ._social import card_id, merge_cards, structured_reviews, text

SITE = "yellowpages"
_STARS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews (JSON-LD, with owner responses from the review cards; the cards alone without it), then the business."""
    business_url = _ld.page_url(response.url)
    reviews, business = structured_reviews(SITE, response)
    cards = [_card(article, business_url) for article in response.css(
        "#reviews-container article, section.reviews article, article.review")]
    items = merge_cards(reviews, [card for card in cards if card is not None])
    if business is None:
        business = _summary(response, business_url)
    if not items and business is None:
        raise LayoutError(f"yellowpages: {response.url} has no review markup, review cards or rating summary")
    return items + ([business] if business else [])


def next_page(response) -> str | None:
    for href in response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href), '
                             '.pagination a.next::attr(href)').getall():
        target = urldefrag(response.urljoin(href.strip()))[0]
        if target != response.url:
            return target
    return None


def start_url(url: str) -> str:
    return url


def _card(article, business_url: str) -> dict | None:
    author = _plain(article.css(".review-info .author, .author"))
    published = _ld.when(_us_date(_plain(article.css(".date-posted span, .date-posted"))))
    body = _plain(article.css(".review-response p, .review-body, .review-text"))
    if not (author or body):
        return None
    rating = _rating(" ".join(article.css(".rating-indicator::attr(class), .result-rating::attr(class)").getall()))
    reply = article.css(".business-response")
    own_id = text(article.attrib.get("data-review-id") or article.attrib.get("id"))
    return make(
        "review",
        source=SITE,
        source_id=own_id or card_id(business_url, author, published, body),
        url=f"{business_url}#{own_id}" if own_id else business_url,
        business_url=business_url,
        author=author,
        rating=rating,
        rating_max=5,
        title=_plain(article.css(".review-title")),
        text=body,
        published_at=published,
        reply_text=_plain(reply.css(".response-text, p")) if reply else None,
        reply_at=_ld.when(_us_date(_plain(reply.css(".response-date, time")))) if reply else None,
    )


def _summary(response, business_url: str) -> dict | None:
    name = _plain(response.css("h1.business-name, .sales-info h1"))
    count = response.css(".ratings .count::text, .rating-count::text").get()
    rating = _rating(" ".join(response.css(".ratings .result-rating::attr(class)").getall()))
    if not name:
        return None
    return make("business", source=SITE, url=business_url, name=name, rating=rating, review_count=_ld.count(count))


def _rating(classes: str) -> int | float | None:
    words = classes.split()
    stars = next((_STARS[w] for w in words if w in _STARS), None)
    if stars is None:
        return None
    return stars + 0.5 if "half" in words else stars


def _us_date(value: str | None) -> str | None:
    """Yellow Pages prints MM/DD/YYYY."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value or "")
    return f"{match.group(3)}-{int(match.group(1)):02d}-{int(match.group(2)):02d}" if match else value


def _plain(selection) -> str | None:
    return text(_ld.element_text(selection[0].root)) if selection else None
