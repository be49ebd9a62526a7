"""Places API (New) place JSON: reviews with originalText and authorAttribution, displayName, userRatingCount."""

from __future__ import annotations

from repscan.core.items import make

from ..common import dates, urls, values
from ._shared import SITE, clean

FIELDS = ("reviews", "displayName", "userRatingCount", "googleMapsUri")  # any of them marks a Places (New) answer


def extract(response, data: dict) -> list[dict]:
    business_url = data.get("googleMapsUri") or urls.page_url(response.url)
    items = []
    for review in data.get("reviews") or []:
        if not isinstance(review, dict):
            continue
        original, shown, author = (_object(review.get(key)) for key in ("originalText", "text", "authorAttribution"))
        name = review.get("name") or ""
        published = dates.when(review.get("publishTime"))
        source_id = name.rsplit("/", 1)[-1] if "/reviews/" in name else values.stable_id(
            business_url, author.get("displayName"), published)
        items.append(make(
            "review", source=SITE, source_id=source_id, url=review.get("googleMapsUri") or business_url,
            business_url=business_url, author=author.get("displayName"),
            rating=values.number(review.get("rating")), rating_max=5,
            text=clean(original.get("text") or shown.get("text")),
            language=original.get("languageCode") or shown.get("languageCode"),
            published_at=published,
        ))
    name = data.get("displayName")
    items.append(make("business", source=SITE, url=business_url,
                      name=name.get("text") if isinstance(name, dict) else name,
                      rating=values.number(data.get("rating")), review_count=values.count(data.get("userRatingCount"))))
    return items


def _object(value) -> dict:
    """A JSON object, or {} for anything else (a legacy answer's text is a plain string)."""
    return value if isinstance(value, dict) else {}

