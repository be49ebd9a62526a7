"""A page's evidence that it shows reviews, for the page modules' `expected`: counts put in words, the first that holds."""

from __future__ import annotations

from . import schemaorg, values
from .jsondata import dig, iter_dicts, json_or_none


def counted(number, noun: str, plural: str | None = None) -> str | None:
    """"12 review cards" for a count above zero (a number, or a list's length); None otherwise."""
    number = len(number) if isinstance(number, (list, tuple)) else values.count(number)
    if not number:
        return None
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def declared(number, what: str = "review count") -> str | None:
    """"a review count of 128" for a count the page states above zero; None otherwise."""
    number = values.count(number)
    return f"a {what} of {number}" if number else None


def first(*evidence: str | None) -> str | None:
    """The first piece of evidence there is."""
    return next((found for found in evidence if found), None)


def schemaorg_reviews(response) -> str | None:
    """The Review objects in the page's JSON-LD and microdata, counted by their @type alone."""
    return counted(sum(1 for node in iter_dicts(schemaorg.parse(response).roots) if schemaorg.is_review(node)),
                   "schema.org Review object")


def listed(response, *path, noun: str, plural: str | None = None) -> str | None:
    """The entries of the list at `path` in a JSON body ("20 API entries"); None without such a list."""
    found = dig(json_or_none(response), *path)
    return counted(found if isinstance(found, list) else 0, noun, plural)
