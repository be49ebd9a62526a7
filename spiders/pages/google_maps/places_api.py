"""Places API (legacy) place details JSON: `result` with reviews, name, rating and user_ratings_total."""

from __future__ import annotations

import re

from repscan.core.items import make

from ..common import urls, values
from ._shared import SITE, clean, when


def extract(response, result: dict, now) -> list[dict]:
    business_url = result.get("url") or urls.page_url(response.url)
    items = []
    for review in result.get("reviews") or []:
        if not isinstance(review, dict):
            continue
        author_url = review.get("author_url") or ""
        contrib = re.search(r"/contrib/(\d+)", author_url)
        published, approx = when(review.get("time"), review.get("relative_time_description"), now)
        source_id = f"contrib:{contrib.group(1)}" if contrib else values.stable_id(
            business_url, review.get("author_name"), published)
        items.append(make(
            "review", source=SITE, source_id=source_id, url=business_url, business_url=business_url,
            author=review.get("author_name"), rating=values.number(review.get("rating")), rating_max=5,
            text=clean(review.get("text")),
            language=review.get("original_language") or review.get("language"),
            published_at=published, published_approx=approx,
        ))
    items.append(make("business", source=SITE, url=business_url, name=result.get("name"),
                      rating=values.number(result.get("rating")),
                      review_count=values.count(result.get("user_ratings_total"))))
    return items
