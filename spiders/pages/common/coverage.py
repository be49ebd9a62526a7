"""What a page's items lack that its site always gives (stars, dates, texts, the business summary): its notes."""

from __future__ import annotations

from repscan.core.store.crawls import UNREAD_FIELDS, UNREAD_SUMMARY

# A declared field (sites.toml `gives`): the review item's field, and how a note names it.
REVIEW_FIELDS = {"rating": ("rating", "stars"), "date": ("published_at", "a date"), "text": ("text", "text")}


def mostly_without(missing: int, total: int) -> bool:
    """The bound: a page's reviews lack a field when more than half of them do (one review alone counts). A site
    that gives a field may leave it off a review or two (a rating-only review has no text); never most of a page."""
    return total > 0 and missing * 2 > total


def notes(site: str, url: str, items: list[dict], gives) -> list[str]:
    """One note per declared field the page's reviews mostly lack ("ratings: trustpilot: <url> gives 20 of its 20
    reviews without stars"), and one when a page of a site that shows a business summary gave none."""
    reviews = [item for item in items if item.get("kind") == "review"]
    found = []
    for name, (field, what) in REVIEW_FIELDS.items():
        missing = sum(1 for review in reviews if review.get(field) in (None, ""))
        if name in gives and mostly_without(missing, len(reviews)):
            found.append(f"{UNREAD_FIELDS[name]}{site}: {url} gives {missing} of its {len(reviews)} reviews "
                         f"without {what}")
    if "summary" in gives and reviews and not any(item.get("kind") == "business" for item in items):
        found.append(f"{UNREAD_SUMMARY}{site}: {url} gives {len(reviews)} reviews but no business summary "
                     "(rating and count)")
    return found
