"""Tripadvisor pages whose reviews are only in their JSON-LD."""

from __future__ import annotations

from ..common import schemaorg
from ._shared import REVIEW_LINK, SITE


def reviews(response, data: schemaorg.Structured, business_url: str) -> list[dict]:
    """The JSON-LD reviews as review items, with the id of their review link when they have one."""
    return [schemaorg.review_item(SITE, fields, source_id=source_id, url=fields["url"] or business_url,
                                  business_url=business_url)
            for fields, source_id in data.identified_reviews(response.url, business_url, _linked_id)]


def _linked_id(fields: dict) -> str | None:
    """The review id in the /ShowUserReviews-…-rNNN- link of a Review's url or @id."""
    match = REVIEW_LINK.search(fields["url"] or fields["id"] or "")
    return match.group(1) if match else None
