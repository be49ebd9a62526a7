"""The figures: headline figures against the previous period, and one scoreboard row per platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from repscan.core import i18n, rules, sites
from repscan.core.i18n import _, ngettext
from repscan.reports.model import ReportData, ReviewRow, SourceHealth


@dataclass(frozen=True)
class Figure:
    """One headline figure: its value now and, when there was a previous period, then."""

    label: str
    value: str
    previous: str | None = None
    note: str = ""
    alert: bool = False


def share(count: int, total: int) -> str:
    """"1 of 4 (25%)": the count beside the percentage."""
    if not total:
        return _("%(count)d of %(total)d", count=count, total=total)
    return _("%(count)d of %(total)d (%(share)s)", count=count, total=total, share=i18n.percent(count / total))


def _rating(value: float | None) -> str:
    return "–" if value is None else i18n.decimal(value)


def _rating_base(summary) -> str:
    """What the average is over: the rated reviews (an unrated one has no stars to average), named so when some
    tracked reviews are unrated."""
    rated = summary.reviews_total if summary.reviews_rated is None else summary.reviews_rated
    if not rated:
        return _("no rated reviews yet")
    if rated < summary.reviews_total:
        return ngettext("over %(num)d rated review", "over %(num)d rated reviews", rated)
    return ngettext("over %(num)d review tracked", "over %(num)d reviews tracked", rated)


def headline_figures(data: ReportData) -> list[Figure]:
    """The figures the report, the email and the demo all show, from the same ReportData."""
    now, before = data.summary, data.summary.previous

    def was(pick) -> str | None:
        return None if before is None else pick(before)

    figures = [
        Figure(_("New reviews"), str(now.new_reviews), was(lambda s: str(s.new_reviews)),
               ngettext("plus %(num)d older one imported as history", "plus %(num)d older ones imported as history",
                        now.history) if now.history else ""),
        Figure(_("New negative reviews"), str(now.new_negatives), was(lambda s: str(s.new_negatives)),
               alert=bool(now.new_negatives)),
        Figure(_("Negatives answered"), share(now.negatives_replied, now.new_negatives) if now.new_negatives else "–",
               was(lambda s: share(s.negatives_replied, s.new_negatives) if s.new_negatives else "–"),
               _("of this period's new negative reviews")),
        Figure(_("Negative reviews without a reply"), str(now.unanswered_negatives),
               was(lambda s: str(s.unanswered_negatives)), _("all tracked reviews, not only new ones"),
               alert=bool(now.unanswered_negatives)),
        Figure(_("Average rating"), _rating(now.avg_rating), was(lambda s: _rating(s.avg_rating)), _rating_base(now)),
        Figure(_("Reviews tracked"), str(now.reviews_total), was(lambda s: str(s.reviews_total))),
        Figure(_("New mentions"), str(now.new_mentions), was(lambda s: str(s.new_mentions)),
               ngettext("%(num)d negative", "%(num)d negative", now.negative_mentions) if now.new_mentions else _("posts, comments, news"),
               alert=bool(now.negative_mentions)),
    ]
    speed = data.reply_speed
    if speed and speed.negatives:
        value = _("%(hour)d within the hour, %(day)d within 24 hours", hour=speed.within_hour, day=speed.within_day)
        if speed.by_day:  # rules.reply_delay: a pair dated by day has no hours to count
            value += _("; dated by day only: %(same)d the same day, %(within)d within %(days)d days",
                       same=speed.same_day, within=speed.within_days, days=speed.days)
        figures.append(Figure(_("Replies to new negatives"), value, None,
                              _("people expect an answer within the hour, in the same channel")))
    if data.search:
        visibility = "" if now.visibility is None else _("complaint visibility %(share)s",
                                                         share=i18n.percent(now.visibility))
        figures.append(Figure(_("Complaints on page one"), str(now.complaints_on_page_one),
                              was(lambda s: str(s.complaints_on_page_one)),
                              ngettext("across %(num)d search of your name", "across %(num)d searches of your name",
                                       len(data.search))
                              + (f"; {visibility}" if visibility else ""),
                              alert=bool(now.complaints_on_page_one)))
    return figures


@dataclass(frozen=True)
class PlatformScore:
    """One platform: its public rating and count (the site's own summary), what we track, replies, health."""

    site: str
    rating: float | None
    rating_before: float | None
    count: int | None
    count_before: int | None
    stars: dict[int, int] = field(default_factory=dict)  # 5..1 -> tracked reviews
    tracked: int = 0
    replied: int = 0
    median_reply: timedelta | None = None
    mentions: int = 0
    health: SourceHealth | None = None
    first_report: bool = True
    pages: int = 1  # the site's business pages its public figures combine (a chain's locations)

    @property
    def platform(self) -> str:
        return sites.label(self.site)

    @property
    def reply_rate(self) -> str:
        return share(self.replied, self.tracked) if self.tracked else "–"

    def change(self, now, before, fmt) -> str:
        if self.first_report or now is None:
            return ""
        if before is None:
            return _("new")
        delta = now - before
        return _("no change") if abs(delta) < 0.05 else ("+" if delta > 0 else "\u2212") + fmt(abs(delta))


def star_counts(reviews: list[ReviewRow]) -> dict[int, int]:
    counts = {n: 0 for n in range(rules.STARS, 0, -1)}
    for r in reviews:
        stars = rules.stars(r.rating, r.rating_max)
        if stars is not None:
            counts[min(rules.STARS, max(1, int(stars + 0.5)))] += 1
    return counts


def platform_scores(site_keys: list[str], reviews: list[ReviewRow], mentions: dict[str, int],
                    summaries: dict[str, dict], before: dict[str, dict] | None,
                    health: dict[str, SourceHealth]) -> list[PlatformScore]:
    """A row per configured platform; `before` is the summaries at the last report (None: first report)."""
    out = []
    for key in site_keys:
        mine = [r for r in reviews if r.source == key]
        delays = [r.reply_delay for r in mine if r.reply_delay is not None]
        now, then = summaries.get(key) or {}, (before or {}).get(key) or {}
        out.append(PlatformScore(
            site=key, rating=now.get("rating"), rating_before=then.get("rating"), count=now.get("review_count"),
            count_before=then.get("review_count"), stars=star_counts(mine), tracked=len(mine),
            replied=sum(1 for r in mine if r.replied), median_reply=median(delays) if delays else None,
            mentions=mentions.get(key, 0), health=health.get(key), first_report=before is None,
            pages=now.get("pages", 1),
        ))
    return out

