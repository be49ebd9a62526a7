"""Yellow Pages (yellowpages.com) business reviews: the page's JSON-LD, its review cards for owner responses.

Not yet verified against a saved page: built from the documented schema.org markup and
the known mip-page structure (#reviews-container article, .review-info .author,
.rating-indicator <count>, .date-posted, .review-title, .review-response, .business-response).
"""

from __future__ import annotations

from datetime import datetime

from repscan.core.items import make

from .common import cards, dates, evidence, urls, values

SITE = "yellowpages"
_STARS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews (JSON-LD, with owner responses from the review cards; the cards alone without it), then the business."""
    business_url = urls.page_url(response.url)
    found = [_card(article, business_url) for article in response.css(
        "#reviews-container article, section.reviews article, article.review")]
    return cards.with_cards(SITE, response, found, "no review markup, review cards or rating summary",
                            fallback=_summary(response, business_url))


def next_page(response) -> str | None:
    return urls.next_url(response, f"{urls.REL_NEXT}, .pagination a.next::attr(href)")



def expected(response) -> str | None:
    """The review container's entries, else the page's schema.org Review objects."""
    return evidence.first(evidence.counted(response.css("#reviews-container article, #reviews-container .review,"
                                                        " section.reviews article"), "review card"),
                          evidence.schemaorg_reviews(response))


def _card(article, business_url: str) -> dict | None:
    author = values.first_text(article.css(".review-info .author, .author"))
    published = dates.us_date(values.first_text(article.css(".date-posted span, .date-posted")))
    body = values.first_text(article.css(".review-response p, .review-body, .review-text"))
    if not (author or body):
        return None
    reply = article.css(".business-response")
    own_id = values.text(article.attrib.get("data-review-id") or article.attrib.get("id"))
    return cards.card_review(
        SITE, business_url, own_id, f"#{own_id}",
        author=author,
        body=body,
        published_at=published,
        rating=_rating(" ".join(article.css(".rating-indicator::attr(class), .result-rating::attr(class)").getall())),
        title=values.first_text(article.css(".review-title")),
        reply_text=values.first_text(reply.css(".response-text, p")) if reply else None,
        reply_at=dates.us_date(values.first_text(reply.css(".response-date, time"))) if reply else None,
    )


def _summary(response, business_url: str) -> dict | None:
    name = values.first_text(response.css("h1.business-name, .sales-info h1"))
    count = response.css(".ratings .count::text, .rating-count::text").get()
    rating = _rating(" ".join(response.css(".ratings .result-rating::attr(class)").getall()))
    if not name:
        return None
    return make("business", source=SITE, url=business_url, name=name, rating=rating, review_count=values.count(count))


def _rating(classes: str) -> int | float | None:
    words = classes.split()
    stars = next((_STARS[w] for w in words if w in _STARS), None)
    if stars is None:
        return None
    return stars + 0.5 if "half" in words else stars
