"""Yellow Pages (yellowpages.com) business reviews: the page's JSON-LD, its review cards for owner responses.

Not yet verified against a saved page: built from the documented schema.org markup and
the known mip-page structure (#reviews-container article, .review-info .author,
.rating-indicator <count>, .date-posted, .review-title, .review-response, .business-response).
"""

from __future__ import annotations

from datetime import datetime

from repscan.core.items import make

from . import _ld
from ._social import first_text, next_url, text, us_date, with_cards

SITE = "yellowpages"
_STARS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews (JSON-LD, with owner responses from the review cards; the cards alone without it), then the business."""
    business_url = _ld.page_url(response.url)
    cards = [_card(article, business_url) for article in response.css(
        "#reviews-container article, section.reviews article, article.review")]
    return with_cards(SITE, response, cards, "no review markup, review cards or rating summary",
                      fallback=_summary(response, business_url))


def next_page(response) -> str | None:
    return next_url(response, 'link[rel="next"]::attr(href), a[rel="next"]::attr(href), '
                              '.pagination a.next::attr(href)')


def start_url(url: str) -> str:
    return url


def _card(article, business_url: str) -> dict | None:
    author = first_text(article.css(".review-info .author, .author"))
    published = us_date(first_text(article.css(".date-posted span, .date-posted")))
    body = first_text(article.css(".review-response p, .review-body, .review-text"))
    if not (author or body):
        return None
    rating = _rating(" ".join(article.css(".rating-indicator::attr(class), .result-rating::attr(class)").getall()))
    reply = article.css(".business-response")
    own_id = text(article.attrib.get("data-review-id") or article.attrib.get("id"))
    return make(
        "review",
        source=SITE,
        source_id=own_id or _ld.fallback_id(business_url, author, published, body),
        url=f"{business_url}#{own_id}" if own_id else business_url,
        business_url=business_url,
        author=author,
        rating=rating,
        rating_max=5,
        title=first_text(article.css(".review-title")),
        text=body,
        published_at=published,
        reply_text=first_text(reply.css(".response-text, p")) if reply else None,
        reply_at=us_date(first_text(reply.css(".response-date, time"))) if reply else None,
    )


def _summary(response, business_url: str) -> dict | None:
    name = first_text(response.css("h1.business-name, .sales-info h1"))
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
