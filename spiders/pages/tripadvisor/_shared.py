"""What Tripadvisor's layouts share: the site key, the review id in a review link, text cleanup."""

from __future__ import annotations

import re

SITE = "tripadvisor"
REVIEW_LINK = re.compile(r"-r(\d+)-")  # the review id in a /ShowUserReviews-…-rNNN- link


def clean(value) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None
