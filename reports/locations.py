"""A chain's figures location by location, and the roll-up (the whole client) that equals the report's headline."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from repscan.core import sites
from repscan.core.config import Client
from repscan.core import i18n
from repscan.core.i18n import _
from repscan.reports.model import ReplySpeed, ReviewRow, SourceHealth
from repscan.reports.scoreboard import share


def label(location: str | None, platform: str) -> str:
    """Where an item is, for a chain: "Kyiv, Khreshchatyk — Google Maps"; the platform alone without a location."""
    if location is None:
        return platform
    return _("%(location)s — %(platform)s", location=location, platform=platform)


class Locator:
    """Which location an item is about: the location of the source whose crawl first found it (Client.location_of,
    read from the config at report time, so a corrected source corrects its history too). None for a client
    without locations; "All locations" for what a source naming none found (the brand's own page)."""

    def __init__(self, client: Client, origins: Mapping[tuple[str, str], str | None]):
        self.client, self.origins = client, origins
        self.places = {(source.site, source.url): client.location_of(source.site, source.url)
                       for source in client.sources}

    def key(self, source: str, url: str | None) -> str | None:
        """The location id of a source (site and URL); None: every location."""
        location = self.places.get((source, url))
        return location.id if location else None

    def of(self, source: str, source_id: str | None) -> str | None:
        """The location id of an item; None: every location."""
        return self.key(source, self.origins.get((source, source_id or "")))

    def name(self, source: str, source_id: str | None) -> str | None:
        """The name of an item's location for the reader; None when the client has no locations."""
        return self.place(source, self.origins.get((source, source_id or "")))

    def place(self, source: str, url: str | None) -> str | None:
        """The name of a source's location for the reader; None when the client has no locations."""
        if not self.client.locations:
            return None
        location = self.places.get((source, url))
        return location.name if location else _("All locations")


@dataclass(frozen=True)
class LocationFigures:
    """One row of the table: a location, the sources about every location, or the roll-up (`total`)."""

    name: str
    address: str | None
    new_reviews: int
    new_negatives: int
    negatives_replied: int
    median_reply: timedelta | None
    unanswered: int  # every tracked negative review still without a reply, as the headline counts them
    avg_rating: float | None
    reviews_total: int
    total: bool = False
    unread: tuple[str, ...] = ()  # the location's sources not read now ("Google Maps: not read since 2 Dec")

    @property
    def answered(self) -> str:
        """"1 of 4 (25%)" as the headline's "Negatives answered", "–" without new negatives."""
        return share(self.negatives_replied, self.new_negatives) if self.new_negatives else "–"

    @property
    def rating(self) -> str:
        return "–" if self.avg_rating is None else i18n.decimal(self.avg_rating)


def table(client: Client, locator: Locator, new: list[ReviewRow], negatives: list[ReviewRow],
          stats: list[dict], speed: Callable[[list[ReviewRow]], ReplySpeed],
          health: Sequence[SourceHealth] = ()) -> list[LocationFigures]:
    """A row per location, one for the sources about every location when they have reviews, and the roll-up last.

    `new` and `negatives` are the period's (queries.Period), `stats` the store's review_stats_by_origin and
    `speed` queries.reply_speed: the rows are the headline's own figures over each location's share of the items,
    and the roll-up is them over all of it. `health` (queries.source_health) marks a row whose sources are not
    read now, so its figures are never taken for a quiet period. Empty for a client without locations."""
    if not client.locations:
        return []
    unread: dict[str | None, list[str]] = {}
    for state in health:
        if not state.healthy and (state.site, state.url) in locator.places:
            unread.setdefault(locator.key(state.site, state.url), []).append(
                _("%(site)s: %(state)s", site=sites.place(state.site, state.url), state=state.state(client.timezone)))

    def figures(name: str, address: str | None, keep: Callable[[str | None], bool], total: bool = False):
        mine = [r for r in negatives if keep(locator.of(r.source, r.source_id))]
        rows = [row for row in stats if keep(locator.key(row["source"], row["url"]))]
        rated, stars = sum(row["rated"] for row in rows), sum(row["stars"] or 0 for row in rows)
        replies = speed(mine)
        return LocationFigures(
            name=name, address=address, total=total,
            new_reviews=sum(1 for r in new if keep(locator.of(r.source, r.source_id))),
            new_negatives=len(mine), negatives_replied=replies.replied, median_reply=replies.median,
            unanswered=sum(row["unanswered"] or 0 for row in rows),
            avg_rating=stars / rated if rated else None, reviews_total=sum(row["total"] for row in rows),
            unread=() if total else tuple(text for ident, texts in unread.items() if keep(ident) for text in texts))

    out = [figures(loc.name, loc.address, lambda ident, loc=loc: ident == loc.id) for loc in client.locations]
    every = figures(_("All locations"), _("brand-wide pages"),
                    lambda ident: ident is None)
    if every.reviews_total or every.new_reviews:
        out.append(every)
    out.append(figures(_("Total"), client.name, lambda ident: True, total=True))
    return out
