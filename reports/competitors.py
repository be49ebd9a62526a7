"""The report's "Competitors" section: per platform, the client beside each competitor, by the core's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from repscan.core import i18n, rules, sites
from repscan.core.config import Client, Config
from repscan.core.i18n import _, ngettext
from repscan.core.items import parse_iso, stamp
from repscan.core.store import Store
from repscan.core.search import configured
from repscan.core.store.crawls import may_go_quiet
from repscan.reports.model import ReviewRow, SourceHealth, format_date, format_delay

WINDOW = timedelta(weeks=4)  # review velocity over the report's period, or these weeks when the period is shorter
SHORTEST = timedelta(weeks=1)


@dataclass(frozen=True)
class Cell:
    """One figure as the table shows it, and where it comes from ("on the site", "tracked") or why it is missing."""

    value: str
    basis: str = ""
    missing: bool = False


@dataclass(frozen=True)
class Standing:
    """One business on one platform: the client's row or a competitor's."""

    name: str
    client: bool
    rating: Cell
    count: Cell
    velocity: Cell
    negative: Cell
    replies: Cell
    median_reply: Cell
    note: str = ""  # the source's trouble in words ("not read since 3 Dec"), when it has any


@dataclass(frozen=True)
class Platform:
    site: str
    rows: list[Standing]

    @property
    def label(self) -> str:
        return sites.label(self.site)


@dataclass(frozen=True)
class SearchStanding:
    """Whether page one of a search for the business's own name shows complaints (rules.complaint, on_page_one)."""

    name: str
    client: bool
    text: str
    bad: bool = False


@dataclass(frozen=True)
class Comparison:
    platforms: list[Platform]
    search: list[SearchStanding]
    window: str  # the velocity's span in words
    threshold: float  # the client's negative threshold every row is judged at


def compare(config: Config, client: Client, store: Store, *, since: str | None, until: datetime) -> Comparison | None:
    """The client beside its competitors on each platform a competitor is watched on; None without competitors."""
    rivals = client.rivals
    if not rivals:
        return None
    start = parse_iso(since) if since and until - parse_iso(since) >= SHORTEST else until - WINDOW
    weeks = (until - start) / timedelta(weeks=1)
    end = format_date(until, client.timezone)
    window = _("the week to %(end)s", end=end) if round(weeks, 1) == 1 else \
        _("the %(weeks)s weeks to %(end)s", weeks=i18n.number(round(weeks, 1)), end=end)
    keys = [s.site for rival in rivals for s in rival.sources if not may_go_quiet(s.site)]
    keys = list(dict.fromkeys([s.site for s in client.sources if s.site in keys] + keys))
    businesses = [_Business(config, subject, store, client, start, until) for subject in (client, *rivals)]
    platforms = [Platform(key, [b.standing(key, weeks) for b in businesses]) for key in keys]
    return Comparison(platforms, [b.search() for b in businesses], window, client.negative_threshold)


class _Business:
    """What the store holds of one business (the client or a competitor), read once for every platform."""

    def __init__(self, config: Config, subject: Client, store: Store, client: Client, start: datetime,
                 until: datetime):
        from repscan.reports.queries import review_row, source_health

        until_iso = stamp(until)
        self.subject, self.client, self.tz = subject, subject.id == client.id, client.timezone
        rows = [r for r in store.reviews_since(subject.id, None, until_iso, threshold=client.negative_threshold)
                if r["removed_at"] is None]
        ends = store.history_ends(subject.id)
        self.recent = {r["source"] + "\0" + r["source_id"] for r in rows
                       if _in_window(r, ends.get(r["first_crawl_id"]), start, until)}
        self.reviews = [review_row(r, client.timezone) for r in rows]
        self.summaries = store.business_summaries(subject.id, until_iso, [(s.site, s.url) for s in subject.sources])
        self.health = source_health(config, subject, store, until)  # stale where not read for too long (rules.stale)
        self.snapshot = store.search_snapshot(subject.id, until_iso, configured(config.search.engines, subject.queries))

    def standing(self, site: str, weeks: float) -> Standing:
        name, watched = self.subject.name, [s for s in self.subject.sources if s.site == site]
        if not watched:
            missing = Cell(_("not watched"), missing=True)
            none = _("No %(platform)s page of yours is configured.") if self.client else \
                _("No %(platform)s page of theirs is configured.")
            return Standing(name, self.client, missing, missing, missing, missing, missing, missing,
                            none % {"platform": sites.label(site)})
        mine = [r for r in self.reviews if r.source == site]
        note = _trouble([h for h in self.health if h.site == site], self.tz)
        if not mine:
            empty = Cell(_("no data") if note else _("no reviews yet"), missing=True)
            rating, count = self._public(site, mine)
            return Standing(name, self.client, rating, count, empty, empty, empty, empty, note)
        rating, count = self._public(site, mine)
        recent = sum(1 for r in mine if r.source + "\0" + (r.source_id or "") in self.recent)
        negatives = sum(1 for r in mine if r.negative)
        replied = [r for r in mine if r.replied]
        delays = [r.reply_delay for r in mine if r.reply_delay is not None]
        if delays:
            speed = Cell(format_delay(median(delays)), ngettext("%(num)d reply with exact times",
                                                                "%(num)d replies with exact times", len(delays)))
        else:
            speed = Cell(_("no exact reply times") if replied else _("no replies"), missing=True)
        # a page not read lately (stale, blocked, broken) has no current pace: its rate would read as a slowdown
        velocity = Cell(_("not current"), missing=True) if note else \
            Cell(_("%(rate)s a week", rate=i18n.decimal(recent / weeks)),
                 ngettext("%(num)d review", "%(num)d reviews", recent))
        return Standing(name, self.client, rating, count, velocity, _share(negatives, len(mine)),
                        _share(len(replied), len(mine)), speed, note)

    def _public(self, site: str, mine: list[ReviewRow]) -> tuple[Cell, Cell]:
        """The public rating and review count: the site's own summary where it shows them, else what we track."""
        summary = self.summaries.get(site) or {}
        on_site = _("on the site")
        if summary.get("rating") is not None:
            rating = Cell(i18n.decimal(float(summary["rating"])), on_site)
        else:
            stars = [s for s in (rules.stars(r.rating, r.rating_max) for r in mine) if s is not None]
            rating = Cell(i18n.decimal(sum(stars) / len(stars)), _("tracked average")) if stars else \
                Cell(_("no rating shown"), missing=True)
        if summary.get("review_count") is not None:
            count = Cell(str(summary["review_count"]), on_site)
        elif mine:
            count = Cell(str(len(mine)), _("tracked"))
        else:
            count = Cell(_("none shown"), missing=True)
        return rating, count

    def search(self) -> SearchStanding:
        """Page one of the search for its own name, at the latest crawl of each engine and query."""
        name = self.subject.name
        if not self.subject.queries:
            return SearchStanding(name, self.client, _("no search of this name is configured"))
        if not self.snapshot:
            trouble = _trouble([h for h in self.health if sites.SITES.get(h.site) and
                                sites.get(h.site).kind == "search"], self.tz)
            return SearchStanding(name, self.client, trouble or _("not searched yet"), bool(trouble))
        complaints = {r["url"] for rows in self.snapshot.values() for r in rows
                      if rules.on_page_one(r["rank"]) and rules.complaint(r["category"], r["negative"])}
        visibility = sum(rules.visibility(rows) for rows in self.snapshot.values()) / len(self.snapshot)
        searches = ngettext("%(num)d search", "%(num)d searches", len(self.snapshot))
        if not complaints:
            return SearchStanding(name, self.client, _("no complaint on page one (%(searches)s)",
                                                                searches=searches))
        text = ngettext("%(num)d complaint on page one (%(searches)s; complaint visibility %(share)s)",
                        "%(num)d complaints on page one (%(searches)s; complaint visibility %(share)s)",
                        len(complaints), searches=searches, share=i18n.percent(visibility))
        return SearchStanding(name, self.client, text, True)


def _in_window(row: dict, history_end: str | None, start: datetime, until: datetime) -> bool:
    """A review new in the window: published in it, or undated and first seen in it (never imported history)."""
    if row["published_at"] is not None:
        return start <= parse_iso(row["published_at"]) <= until
    if rules.history(row["first_seen_at"], row["negative_since"], row["published_at"], history_end):
        return False
    return start <= parse_iso(row["first_seen_at"]) <= until


def _share(count: int, total: int) -> Cell:
    return Cell(i18n.percent(count / total), _("%(count)s of %(total)s", count=count, total=total))


def _trouble(health: list[SourceHealth], tz: str) -> str:
    """A source's trouble in a few words ("not read since 3 Dec", "not crawled yet"); "" when every one is fine."""
    return "; ".join(h.state(tz) for h in health if not h.healthy)
