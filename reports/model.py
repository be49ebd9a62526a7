"""What a report shows: plain dataclasses filled by the queries, plus formatting helpers."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from repscan.core import i18n, rules
from repscan.core.classify import judge_line
from repscan.core.i18n import _, ngettext
from repscan.core.items import parse_iso, precision

SOURCE_STATUSES = ("ok", "empty", "blocked", "error", "broken", "never", "stale")
WORST_FIRST = ("broken", "blocked", "error", "stale", "never", "empty", "ok")  # a site's pages: which one it shows
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Branding:
    """The agency's name, contact line, logo and colours (hex only: they go into CSS)."""

    name: str
    contact: str | None = None
    logo_path: Path | None = None
    primary_color: str = "#1f3a5f"
    accent_color: str = "#c0392b"
    page_size: str = "A4"

    def __post_init__(self):
        for attr in ("primary_color", "accent_color"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not _COLOR.fullmatch(value):
                raise ValueError(f"branding {attr} must be a hex colour like #1f3a5f, got {value!r}")
        if self.logo_path is not None and not isinstance(self.logo_path, Path):
            object.__setattr__(self, "logo_path", Path(self.logo_path))


@dataclass(frozen=True)
class ReviewRow:
    source: str
    url: str | None
    author: str | None
    rating: float | None
    rating_max: float
    title: str | None
    text: str | None
    language: str | None
    published_at: datetime | None
    published_approx: bool
    reply_text: str | None
    reply_at: datetime | None
    first_seen_at: datetime
    negative: bool
    published_precision: str | None = None  # exact, day or approximate (None: read from published_approx)
    reply_precision: str | None = None
    source_id: str | None = None
    author_review_count: int | None = None  # the reviewer's reviews on the site, where it shows them
    reply_not_shown: datetime | None = None  # when repscan posted a reply the site does not show (rules.reply_not_shown)
    reply_seen_at: datetime | None = None  # when we first knew of its reply (rules.answered_by)
    replies_unread: bool = False  # last seen with no reply on a page read without its replies: not known
    tz: str = "UTC"  # the client's timezone: the calendar its reply delay counts days on (rules.reply_delay)

    @property
    def suspicious(self) -> bool | None:
        """From a single-review account (rules.suspicious): a hint, not proof; None when the site does not say."""
        return rules.suspicious(self.author_review_count)

    @property
    def stars(self) -> str | None:
        """The rating on a five-star scale, e.g. "★★☆☆☆"; None when unrated."""
        stars = rules.stars(self.rating, self.rating_max)
        if stars is None:
            return None
        filled = min(rules.STARS, max(0, math.floor(stars + 0.5)))  # half up, not banker's rounding
        return "★" * filled + "☆" * (rules.STARS - filled)

    @property
    def rating_label(self) -> str | None:
        """The rating as the site gave it, e.g. "2/5" or "7.5/10"."""
        if self.rating is None:
            return None
        return f"{_number(self.rating)}/{_number(self.rating_max)}"

    @property
    def replied(self) -> bool:
        return rules.replied(self.reply_text, self.reply_at)

    @property
    def reply_timing(self) -> rules.ReplyDelay | None:
        """The reply delay as precisely as the two times allow (rules.reply_delay)."""
        return rules.reply_delay(self.published_at, self.reply_at, reply_precision=self.reply_precision,
                                 published_precision=precision(self.published_at, self.published_precision,
                                                               approx=self.published_approx), tz=self.tz)

    @property
    def reply_delay(self) -> timedelta | None:
        """How long the reply took, when both times are exact (a calendar day gives no hours)."""
        timing = self.reply_timing
        return timing.delta if timing else None

    @property
    def since_precision(self) -> str:
        """The precision of the time it waits since: its published time's, else exact (first seen is ours)."""
        if self.published_at is None:
            return "exact"
        return precision(self.published_at, self.published_precision, approx=self.published_approx)

    def waiting(self, now: datetime) -> timedelta | None:
        """How long an unanswered review has waited (None once it has a reply, or when the site dates it by day
        only: a calendar day has no hours, see waited())."""
        if self.replied or self.since_precision == "day":
            return None
        return max(now - (self.published_at or self.first_seen_at), timedelta(0))


@dataclass(frozen=True)
class PostRow:
    """A mention: a post, comment or feed entry (unrated; negative by its text, rules.negative)."""

    source: str
    url: str | None
    parent_url: str | None
    author: str | None
    title: str | None
    text: str | None
    language: str | None
    published_at: datetime | None
    first_seen_at: datetime
    negative: bool
    source_id: str | None = None
    published_precision: str | None = None

    @property
    def when(self) -> datetime:
        return self.published_at or self.first_seen_at

    @property
    def when_precision(self) -> str:
        """The precision of `when`: the published time's, else exact (first seen is ours)."""
        return precision(self.published_at, self.published_precision) if self.published_at else "exact"


HEALTHY = ("ok", "empty")


@dataclass(frozen=True)
class SourceHealth:
    site: str
    url: str | None
    status: str
    last_crawl_at: datetime | None
    items: int
    error: str | None
    since: datetime | None = None  # when the current status began (the first crawl of this run of it)
    watched: bool = True  # someone at the agency is told (an [agency] operator): only then "we are fixing it"
    pages: int = 1  # the pages of its site this stands for (worst(): a chain's pages on one site)
    bad_pages: int = 0  # of those, how many are not healthy

    def __post_init__(self):
        if self.status not in SOURCE_STATUSES:
            raise ValueError(f"source status must be one of {SOURCE_STATUSES}, got {self.status!r}")

    @property
    def healthy(self) -> bool:
        return self.status in HEALTHY

    @property
    def search(self) -> bool:
        """A search engine's results for the client's name, not a page of the client's."""
        from repscan.core import sites

        return self.site in sites.SITES and sites.get(self.site).kind == "search"

    @property
    def partly(self) -> bool:
        """Read cleanly but not whole: an ok crawl's error names only what it could not read (NotReadable)."""
        from repscan.core.store.crawls import unread

        return self.status == "ok" and unread(self.error) is not None

    @property
    def unread(self) -> list[str]:
        """What a clean read left unread (crawls.unread_kinds): "replies", "rating", "date", "text", "summary",
        "comments"; none for a whole read or a failed one."""
        from repscan.core.store.crawls import unread_kinds

        return unread_kinds(self.error) if self.status == "ok" else []

    def _unread_only(self, kind: str) -> bool:
        return self.unread == [kind]

    def state(self, tz: str) -> str:
        """The health in a few words, for a table: "OK, read 4 Dec", "not read since 2 Dec"; for several pages
        of one site the worst, counted: "1 of 2 pages: not read since 3 Dec"."""
        if self.bad_pages and self.pages > 1:
            return ngettext("%(bad)d of %(num)d page: %(state)s", "%(bad)d of %(num)d pages: %(state)s", self.pages,
                            bad=self.bad_pages, state=replace(self, pages=1, bad_pages=0).state(tz))
        if self._unread_only("replies"):
            return _("OK, read %(day)s; not read: replies to reviews", day=format_day(self.last_crawl_at, tz))
        if self._unread_only("comments"):
            return _("OK, read %(day)s; not read: comments the site shows only by script (under videos)",
                     day=format_day(self.last_crawl_at, tz))
        if self.partly:
            return _("OK, read %(day)s; not read: %(what)s", day=format_day(self.last_crawl_at, tz),
                     what=_unread_names(self.unread))
        if self.status == "ok":
            return _("OK, read %(day)s", day=format_day(self.last_crawl_at, tz))
        if self.status == "empty" and self.search:
            return _("OK, no results at the last check (read %(day)s)", day=format_day(self.last_crawl_at, tz))
        if self.status == "empty":
            return _("OK, nothing on it yet (read %(day)s)", day=format_day(self.last_crawl_at, tz))
        if self.status == "never":
            return _("not crawled yet")
        return _("not read since %(day)s", day=format_day(self.since, tz)) if self.since else _("not read")

    def words(self, tz: str, missing_from: str | None = None) -> str:
        """The health as a sentence the client reads: "We could not read your Trustpilot page since 3 Dec; we are
        fixing it. Reviews there may be missing from this report." Never the crawl's raw error (the operator's)."""
        from repscan.core import sites
        from repscan.core.store.crawls import may_go_quiet

        missing_from = missing_from or _("this report")
        search = self.search
        name = sites.label(self.site) if search else sites.place(self.site, self.url)
        what = _("%(site)s's results for your name", site=name) if search else _("your %(site)s page", site=name)
        if self._unread_only("replies"):
            return _("We read %(what)s on %(day)s, but not the replies to its reviews: reviews there may show as "
                     "unanswered in %(report)s.", what=what, day=format_day(self.last_crawl_at, tz),
                     report=missing_from)
        if self._unread_only("comments"):
            return _("We read %(what)s on %(day)s, but not the comments it shows only by script (under videos): "
                     "complaints there may be missing from %(report)s.", what=what,
                     day=format_day(self.last_crawl_at, tz), report=missing_from)
        if self._unread_only("summary"):
            return _("We read %(what)s on %(day)s, but not its rating and review count: the figures shown for it "
                     "may be out of date.", what=what, day=format_day(self.last_crawl_at, tz))
        if self.partly:
            return _("We read %(what)s on %(day)s, but not all of it (%(unread)s): complaints there may be missing "
                     "or misjudged in %(report)s.", what=what, day=format_day(self.last_crawl_at, tz),
                     unread=_unread_names(self.unread), report=missing_from)
        if self.healthy:
            return self.state(tz)
        if self.status == "never" and search:
            return _("We have not read %(what)s yet: search results there are not in %(report)s.",
                     what=what, report=missing_from)
        if self.status == "never":
            return (_("We have not read %(what)s yet: mentions there are not in %(report)s.", what=what,
                      report=missing_from) if may_go_quiet(self.site) else
                    _("We have not read %(what)s yet: reviews there are not in %(report)s.", what=what,
                      report=missing_from))
        if self.status == "blocked":
            cause, doing = f"{name} {_block_words(self.error)}", _("we are working on it") if self.watched else None
        elif self.status == "broken":
            cause, doing = None, _("we are fixing it") if self.watched else None
        elif self.status == "stale":  # read fine last time, but no crawl since (rules.stale)
            cause, doing = None, None
        else:
            cause, doing = None, _("we keep trying")
        could_not = (_("We could not read %(what)s since %(day)s", what=what, day=format_day(self.since, tz))
                     if self.since else _("We could not read %(what)s", what=what))
        because = f" ({cause})" if cause else ""
        if search:
            missing = _("Search results there may be missing from %(report)s.", report=missing_from)
        elif may_go_quiet(self.site):
            missing = _("Mentions there may be missing from %(report)s.", report=missing_from)
        else:
            missing = _("Reviews there may be missing from %(report)s.", report=missing_from)
        head = f"{could_not}{because}{f'; {doing}' if doing else ''}"
        return f"{head} {missing}" if head.endswith(".") else f"{head}. {missing}"  # "3 бер." ends a sentence


def worst(healths: list[SourceHealth]) -> SourceHealth | None:
    """One site's pages as one: the worst state among them (WORST_FIRST; of equals, one with a note, such as a
    clean crawl's "not read: ...", then the one read longest ago), counting the pages and how many are not healthy.
    None for no page."""
    if not healths:
        return None
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    pick = min(healths, key=lambda h: (WORST_FIRST.index(h.status), not h.error, h.last_crawl_at or oldest))
    return replace(pick, pages=len(healths), bad_pages=sum(not h.healthy for h in healths))


_UNREAD_NAMES = {  # what a clean read left unread (crawls.unread_kinds), as the sources row names it
    "replies": lambda: _("replies to reviews"),
    "rating": lambda: _("star ratings"),
    "date": lambda: _("review dates"),
    "text": lambda: _("review texts"),
    "summary": lambda: _("the rating and review count"),
    "comments": lambda: _("comments the site shows only by script (under videos)"),
}


def _unread_names(kinds: list[str]) -> str:
    """"star ratings, review dates": the kinds a read left unread, in the reader's language."""
    return ", ".join(_UNREAD_NAMES[kind]() for kind in kinds)


def _block_words(error: str | None) -> str:
    """What a block looked like to the client, from the crawl's error (the block detector names the vendor)."""
    text = (error or "").lower()
    blocks = (("captcha", _("asked for a captcha")), ("datadome", _("asked for a captcha")),
              ("perimeterx", _("asked for a captcha")), ("login", _("showed a login wall")),
              ("consent", _("showed a consent page")), ("challenge", _("answered with a bot check")),
              ("cloudflare", _("answered with a bot check")))
    return next((words for key, words in blocks if key in text), _("refused the crawler"))


@dataclass(frozen=True)
class SearchResultRow:
    """One organic result on a results page, with where it stood at the last report."""

    rank: int
    url: str
    displayed_url: str | None
    title: str | None
    snippet: str | None
    category: str  # own, review, complaint, social, news, other
    negative: bool
    previous_rank: int | None
    had_previous: bool  # whether the last report saw this query at all
    visible_since: datetime | None
    above_own: bool

    @property
    def complaint(self) -> bool:
        return rules.complaint(self.category, self.negative)

    @property
    def movement(self) -> str:
        """"new", "▲ 2", "▼ 1" or "=" against the last report ("" when there was none)."""
        if not self.had_previous:
            return ""
        if self.previous_rank is None:
            return _("new")
        delta = self.previous_rank - self.rank
        return "=" if delta == 0 else (f"▲ {delta}" if delta > 0 else f"▼ {-delta}")


@dataclass(frozen=True)
class SearchBlock:
    """What one engine shows for one query: the top results and the complaint visibility score."""

    engine: str
    query: str
    crawled_at: datetime | None
    results: list[SearchResultRow]
    visibility: float
    visibility_before: float | None
    own_best_rank: int | None
    left: list[SearchResultRow] = field(default_factory=list)  # complaints on page one at the last report, not now

    @property
    def complaints(self) -> list[SearchResultRow]:
        return [r for r in self.results if r.complaint and rules.on_page_one(r.rank)]

    @property
    def found_nothing(self) -> bool:
        """The latest check of this query found no result at all: a genuine "no results" page (one we no longer read
        makes the engine a broken source instead)."""
        return not self.results


@dataclass(frozen=True)
class ReplySpeed:
    """How fast the business answered the period's negative reviews (people expect an hour)."""

    negatives: int
    replied: int
    within_hour: int  # exact pairs only (rules.ReplyDelay), as within_day and median
    within_day: int
    median: timedelta | None
    by_day: int = 0  # replies whose review or reply the site dates by calendar day only
    same_day: int = 0  # of those, answered the same day
    within_days: int = 0  # of those, answered within `days` days
    before_review: int = 0  # replies dated before their review: delay unknown, in no count above
    days: int = rules.REPLY_DAYS

    def share(self, count: int) -> float | None:
        return count / self.negatives if self.negatives else None


@dataclass(frozen=True)
class Summary:
    """The figures at the top of a report.

    new_reviews / new_negatives count the period; unanswered_negatives counts every
    tracked negative review still without an owner reply (old ones included);
    reviews_total counts every review tracked for the client.
    """

    new_reviews: int
    new_negatives: int
    avg_rating: float | None
    avg_rating_before: float | None
    unanswered_negatives: int
    reviews_total: int
    complaints_on_page_one: int = 0
    reviews_rated: int | None = None  # of reviews_total, those with a rating: the base of avg_rating (None: all)
    visibility: float | None = None  # mean complaint visibility over the client's searches
    visibility_before: float | None = None  # over the same searches as now; None when a search is new since
    history: int = 0  # reviews a source's first crawl imported as history (rules.history), not counted as new
    new_mentions: int = 0
    negative_mentions: int = 0
    negatives_replied: int = 0  # of new_negatives, how many have a reply (`previous`: known by its cutoff)
    older_mentions: int = 0  # negative mentions past rules.MENTION_WINDOW with no reply posted, no longer listed
    spikes: tuple[str, ...] = ()  # the period's spike alerts: "3 negative reviews within the hour on Trustpilot, 7 Mar"
    previous: Summary | None = None  # the same figures for the previous period (None: first report)

    @property
    def avg_rating_change(self) -> float | None:
        if self.avg_rating is None or self.avg_rating_before is None:
            return None
        return self.avg_rating - self.avg_rating_before


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows. Datetimes are timezone-aware (UTC); `timezone` is the
    client's IANA zone, used only for display. `negatives` are the period's new (or newly)
    negative reviews, `new_reviews` every review first seen in the period."""

    branding: Branding
    client_id: str
    client_name: str
    timezone: str
    period_start: datetime | None
    period_end: datetime
    generated_at: datetime
    summary: Summary
    negatives: list[ReviewRow] = field(default_factory=list)
    new_reviews: list[ReviewRow] = field(default_factory=list)
    sources: list[SourceHealth] = field(default_factory=list)
    search: list[SearchBlock] = field(default_factory=list)
    reply_speed: ReplySpeed | None = None
    unanswered: list[ReviewRow] = field(default_factory=list)  # tracked negatives without a reply, newest first:
    # every one of the period, and the older ones up to a cap (queries.OLDER_LISTED); the rest are counted:
    unanswered_more: int = 0
    unanswered_more_since: datetime | None = None  # when the oldest of those not listed was published (or seen)
    charts: list[str] = field(default_factory=list)  # inline SVG, ours (numbers and our labels only)
    chart_notes: list[str] = field(default_factory=list)  # charts left out, and why
    posts: list[PostRow] = field(default_factory=list)  # the period's mentions, newest first
    actions: list = field(default_factory=list)  # reports.actions.Action: what is open, ranked
    answered: list[ReviewRow] = field(default_factory=list)  # negatives answered this period
    scoreboard: list = field(default_factory=list)  # reports.scoreboard.PlatformScore, one per platform
    compared_with: str | None = None  # the previous period, e.g. "27 Oct 2026 – 3 Nov 2026"; None: first report
    locations: list = field(default_factory=list)  # reports.locations.LocationFigures: a chain's, the roll-up last
    text_judge: str = "word lists"  # what judged the period's text: "model", "word lists" or both (" and "), as stored
    competitors: object | None = None  # reports.competitors.Comparison; None: the client names no competitor

    language: str = i18n.DEFAULT_LANGUAGE  # the client's: every fixed text and format of the report and its email

    def __post_init__(self):
        try:
            ZoneInfo(self.timezone)
        except (ValueError, KeyError):
            raise ValueError(f"unknown timezone {self.timezone!r}") from None

    @property
    def judge_line(self) -> str:
        return judge_line(self.text_judge)

    @property
    def quiet(self) -> bool:
        """"All quiet" only when nothing is open (no unanswered negative review of any age, no negative
        mention, no complaint on page one) and every source is healthy (read whole, and not too long ago: rules.stale) and
        was read in the period (rules.stale's floor lets a source miss a run or two; a report never says all is
        quiet over a page it did not read since the last one; a client with nothing read is never quiet)."""
        read = [s.healthy and not s.partly and s.last_crawl_at is not None
                and (self.period_start is None or s.last_crawl_at >= self.period_start) for s in self.sources]
        return not self.actions and not self.unanswered and not self.unanswered_more and any(read) and all(read)

    @property
    def unanswered_rest(self) -> str:
        """The unanswered negatives the report does not list, counted: "And 57 more negative reviews without a
        reply, the oldest waiting since 3 Jan 2025." ("" when every one is listed); listed and counted add up to the headline."""
        if not self.unanswered_more:
            return ""
        return ngettext("And %(num)d more negative review without a reply, waiting since %(date)s.",
                        "And %(num)d more negative reviews without a reply, the oldest waiting since %(date)s.",
                        self.unanswered_more, date=format_date(self.unanswered_more_since, self.timezone))

    @property
    def unhealthy(self) -> list[SourceHealth]:
        return [s for s in self.sources if not s.healthy]

    @property
    def partly_read(self) -> list[SourceHealth]:
        return [s for s in self.sources if s.partly]

    @property
    def awaiting_reply(self) -> list[ReviewRow]:
        """New negatives without a reply, longest waiting first."""
        rows = [r for r in self.negatives if not r.replied]
        return sorted(rows, key=lambda r: r.published_at or r.first_seen_at)


def _number(value: float) -> str:
    return i18n.number(value)


HOURS_AND_MINUTES = timedelta(hours=10)  # format_delay shows the minutes of a duration shorter than this


def format_delay(delta: timedelta | None, *, after: bool = False) -> str:
    """A duration as people say it: "12 min", "1 h 45 min", "26 h", "2 days"; `after`: as it reads after a preposition
    ("after", "waiting since": a case of its own in some languages, German's dative). Below HOURS_AND_MINUTES the
    minutes are shown (a reply within the hour is what the product measures: 1 h 59 min is never "1 h"); above it
    whole hours, rounded half up."""
    if delta is None:
        return ""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 60:
        return i18n.pgettext("after a preposition", "under a minute") if after else _("under a minute")
    if seconds < 3600:
        return _("%(num)d min", num=int(seconds // 60))
    if seconds < HOURS_AND_MINUTES.total_seconds():
        hours, minutes = divmod(int(seconds // 60), 60)
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes) if minutes else _("%(num)d h", num=hours)
    if seconds < 48 * 3600:
        return _("%(num)d h", num=int((seconds + 1800) // 3600))
    return days(int(seconds // 86400), after=after)


def days(count: int, *, after: bool = False) -> str:
    """"2 days"; `after`: as it reads after a preposition (format_delay): German "nach 4 Tagen", never "4 Tage"."""
    if after:
        return i18n.npgettext("after a preposition", "%(num)d day", "%(num)d days", count)
    return ngettext("%(num)d day", "%(num)d days", count)


def local_day(value: datetime, tz: str, precision: str | None = None) -> date:
    """The calendar day format_day names for the value."""
    return _local(value, tz, precision).date()


def _local(value: datetime, tz: str, precision: str | None = None) -> datetime:
    """The value in the client's zone; a calendar day (day precision, stored as its midnight UTC) stays that day."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if precision == "day":
        return value.astimezone(timezone.utc)
    return value.astimezone(ZoneInfo(tz))


def format_date(value: datetime | None, tz: str, precision: str | None = None) -> str:
    """"7 Mar 2025" in the client's timezone and language (naive datetimes are taken as UTC); a value with day
    precision is the site's calendar date, shown as it is (no zone turns 4 Dec into 3 Dec)."""
    if value is None:
        return ""
    local = _local(value, tz, precision)
    if not i18n.english():
        return i18n.date(local, "yMMMd")
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def format_day(value: datetime | None, tz: str, precision: str | None = None) -> str:
    """"7 Mar" in the client's timezone and language (a day-precision value: its calendar date)."""
    if value is not None and not i18n.english():
        return i18n.date(_local(value, tz, precision), "MMMd")
    return format_date(value, tz, precision).rsplit(" ", 1)[0]


def format_datetime(value: datetime | None, tz: str, precision: str | None = None) -> str:
    """"7 Mar 2025, 14:05" in the client's timezone (naive datetimes are taken as UTC); a value with day
    precision has no time: "7 Mar 2025"."""
    if value is None:
        return ""
    if precision == "day":
        return format_date(value, tz, precision)
    local = _local(value, tz)
    return f"{format_date(local, tz)}, {local:%H:%M}"


def waited(since: datetime | None, precision: str | None, now: datetime, tz: str) -> str:
    """How long an open item has waited, as people say it after "waiting" (format_delay's `after`): "3 h", "2 days".
    A day-precision date counts in calendar days to the client's today ("0 days", "1 day"), never in hours from a
    midnight nobody posted at."""
    if since is None:
        return ""
    if precision == "day":
        elapsed = (_local(now, tz).date() - _local(since, tz, precision).date()).days
        return days(max(elapsed, 0), after=True)
    return format_delay(max(now - since, timedelta(0)), after=True)


def period_label(start: datetime | None, end: datetime, tz: str) -> str:
    """"3 Nov 2026 – 10 Nov 2026"; within one day "4 Dec 2026, 09:10 – 18:46" (every period names its start)."""
    if start is None:
        return _("up to %(date)s", date=format_date(end, tz))
    first, last = format_date(start, tz), format_date(end, tz)
    if first == last:
        return f"{first}, {_local(start, tz):%H:%M} \u2013 {_local(end, tz):%H:%M}"
    return f"{first} \u2013 {last}"


def trim_text(text: str | None, limit: int = 1200) -> tuple[str, bool]:
    """The text cut at a word boundary near `limit` characters, and whether it was cut."""
    if not text:
        return "", False
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ", int(limit * 0.8))
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…", True


_BURST_FROM = " burst from "


def burst_key(source: str, location: str | None, start: str) -> str:
    """A spike alert's item key: its source (and a chain's location) and when the burst began."""
    return f"{source}{f' at {location}' if location else ''}{_BURST_FROM}{start}"


def burst_precision(text: str | None) -> str | None:
    """"day" when a spike alert's burst (its text, JSON) holds a review the site dates by day only: its start is then a
    calendar date, not a moment (format_day's precision); None otherwise."""
    return "day" if any(member.get("precision") == "day" for member in json.loads(text or "[]")) else None


def burst_start(item_key: str) -> datetime | None:
    """When a spike alert's burst began, read from its item key (burst_key); None for another key."""
    _, found, start = item_key.rpartition(_BURST_FROM)
    return parse_iso(start) if found else None
