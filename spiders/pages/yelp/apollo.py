"""The Apollo cache 2022 pages carry: exact creation times for reviews whose markup or feed prints only a day."""

from __future__ import annotations

from datetime import datetime

from ..common import dates, values
from ._shared import json_scripts, string


def add_exact_times(records: list[dict], response) -> None:
    """Give a record the cache's exact time when author and stars agree and the day is within one."""
    exact = _cached_reviews(response)
    for record in records:
        day = dates.absolute(record.get("date") or "")
        if day is None or record.get("published"):
            continue
        matches = []
        for candidate in exact:
            if candidate["author"] != record.get("author") or candidate["rating"] != record.get("rating"):
                continue
            gap = abs((datetime.fromisoformat(candidate["published"].replace("Z", "+00:00")) - day).total_seconds())
            if gap <= 2 * 86400:
                matches.append((gap, candidate["published"]))
        if matches:
            record["published"] = (min(matches)[1], False)


def _cached_reviews(response) -> list[dict]:
    """(author, rating, exact time) of the reviews in a 2022 page's Apollo cache."""
    found = []
    for data in json_scripts(response):
        if not isinstance(data, dict):
            continue
        for node in data.values():
            if not isinstance(node, dict) or node.get("__typename") != "Review":
                continue
            author = _resolve(data, node.get("author"))
            stamp = node.get("timeCreatedTimestamp")
            when = dates.from_epoch(stamp) if isinstance(stamp, (int, float)) else dates.when(node.get("createdAt"))
            if when:
                found.append({"author": string(author.get("displayName")), "rating": values.number(node.get("rating")),
                              "published": when})
    return found


def _resolve(cache: dict, ref) -> dict:
    if isinstance(ref, dict) and ref.get("type") == "id" and isinstance(cache.get(ref.get("id")), dict):
        return cache[ref["id"]]
    return ref if isinstance(ref, dict) else {}
