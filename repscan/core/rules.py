"""Each business rule once: tracked, new, negative, complaint, replies, mentions, stars, visibility, stale, refused."""

# Python code calls the functions; SQL gets the same rules as expressions generated here
# (the *_sql functions), so the store, the report, the alerts and the Datasette canned
# queries all judge a row alike. Column arguments are SQL expressions ("rating", "t.rating").

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from repscan.core.items import coarsest, stamp

DEFAULT_THRESHOLD = 0.4  # rating / rating_max at or below this (2 of 5) is negative
DEFAULT_RATING_MAX = 5.0  # a rating without a (usable) scale is out of 5
STARS = 5  # the report's scale
PAGE_ONE = 10  # ranks 1..10: what searchers see
_SLACK = 1e-9  # 2/5 is at the threshold 0.4 whatever the float arithmetic says

CTR: dict[int, float] = {
    1: 0.285, 2: 0.157, 3: 0.110, 4: 0.080, 5: 0.072, 6: 0.051, 7: 0.040, 8: 0.032, 9: 0.028, 10: 0.025,
}
"""Average organic click-through rate by Google position, 1 to 10.

SISTRIX, "Why (almost) everything you knew about Google CTR is no longer valid" (July 2020):
over 80 million keywords and billions of Google results. Position 1 28.5 %, 2 15.7 %,
3 11.0 %, 4 8.0 %, 5 7.2 %, 6 5.1 %, 7 4.0 %, 8 3.2 %, 9 2.8 %, 10 2.5 %; every position on
page two below 1 %, so ranks past 10 count 0 here. docs/search-visibility.md has the model.
"""


# -- tracked ------------------------------------------------------------------

def tracked(removed_at: str | None) -> bool:
    """A review counts while the site shows it: one the site has removed (removed_at) is not tracked, not open and
    not new, in every figure (headline, platforms, locations, the previous period, charts, the action list)."""
    return removed_at is None


def tracked_sql(removed_at: str = "removed_at") -> str:
    """tracked() as an SQL condition."""
    return f"({removed_at} IS NULL)"


# -- new ----------------------------------------------------------------------

def first_seen_after(first_seen_at: str, cutoff: str | None) -> bool:
    """A review or post first seen after the cutoff (every one when there is no cutoff yet)."""
    return cutoff is None or first_seen_at > cutoff


def new(first_seen_at: str, negative_since: str | None, cutoff: str | None) -> bool:
    """New for a report: first seen, or turned negative, after the cutoff of the client's last
    sent report (ISO stamps compare as text); everything when no report was sent yet."""
    return first_seen_after(max(first_seen_at, negative_since or ""), cutoff)


ALERT_FRESH = timedelta(days=7)
"""An item alerts while it is fresh: first seen, or turned negative, within this of the alert run. A review seen
weeks ago that counts as negative only because the client's threshold was raised is not news (the report lists it as
waiting); a run that could not collect alerts for a few days still alerts what it found. An answered item (replied)
does not alert: an alert asks for a reply. (Store.alert_candidates applies both with new_sql and replied_sql.)"""


SOURCE_GRACE = timedelta(hours=24)
"""A source blocked or failing (timeouts, 5xx) this long is told to the agency's operator; before that the crawls'
own retries usually get through. A broken source (its layout changed, or it fell silent) is told at once."""


def failing_told(since: str, read_before: bool, now: datetime) -> bool:
    """Whether a source blocked or failing since `since` (its first crawl of that run) is told to the operator now:
    after SOURCE_GRACE, or at once when it was never read cleanly (`read_before` false): a source failing from its
    first crawl is most often a wrong URL or a page that needs a look, and its client's report already says "we could
    not read" it."""
    return not read_before or since <= stamp(now - SOURCE_GRACE)


def stale_told(stale_since: datetime, now: datetime) -> bool:
    """Whether a source stale since `stale_since` (rules.stale_since) is told to the operator now: after SOURCE_GRACE."""
    return stale_since <= now - SOURCE_GRACE


REFUSED_TIMES = 3
"""A recipient the mail server refuses permanently (a 5xx reply: "550 user unknown") this many times for one report
or alert is given up for it: its delivery is recorded as given up, with the server's reply, and the operator is
told once, instead of a retry every run forever. A temporary refusal (4xx: a full mailbox, greylisting) never
counts: it is retried."""


def refused_permanently(code: int | None) -> bool:
    """An SMTP reply code that refuses a recipient for good (5xx), not for now (4xx)."""
    return code is not None and 500 <= code < 600


HISTORY_WINDOW = timedelta(days=14)
"""History, not new: what a source's first crawl imports published more than this before that crawl (or undated),
and any backfill, what a later crawl or a late feed finds published before the source was last read and more than
this before it was first seen."""


class Cutoff(NamedTuple):
    """What history() needs to know of the crawl that first found an item (crawls.history_cutoffs)."""

    end: str | None            # the end of its source URL's history import
    previous_read: str | None  # when the last clean (ok/empty) crawl of that URL before it started (None: none)
    mention: bool = False      # its source searches other people's posts (crawls.may_go_quiet)


def history(first_seen_at: str, negative_since: str | None, published_at: str | None,
            cutoff: Cutoff | None) -> bool:
    """History (imported or backfill), never called new and never an alert; counted, and listed while unanswered.

    Imported: found by the history import of the source URL of the crawl that first found it (first seen by
    `cutoff.end`, crawls.history_cutoffs), and published more than HISTORY_WINDOW before that end, or undated
    (nothing says it is recent). Backfill: found later (or outside a crawl: `cutoff` None), published more than
    HISTORY_WINDOW before it was first seen, and on a day before the previous clean read of its source URL began
    (`cutoff.previous_read`) where there was one. Neither when it turned negative after its yardstick (the import's
    end, else first seen). So a raised max_pages with `crawl --full`, or a late `repscan ingest` of an old feed, finds
    old reviews that are not news; but a review published after the last clean read is news however late it is
    read: a source blocked (a captcha, 429) or broken for weeks does not turn what it missed meanwhile into history.
    The day of the previous read, not its second: a day-precision date (a day's midnight) of the read's own day may
    be later in that day.

    A mention (`cutoff.mention`: a search of other people's posts, crawls.may_go_quiet) is never backfill, only
    imported history: the search finds what the engine or the feed surfaces, when it surfaces it (a Reddit search
    ranks by relevance, an alert fires when Google indexes the page), so a post weeks old that a clean daily search
    finds for the first time today was not there to be missed: it is news to the client, and a complaint to answer.

    Why the window as well as the previous read: a site that shows a review days late (moderation) beside newer ones,
    or a day's reviews sharing one midnight, stay news whatever the order the site shows and we crawl. ISO stamps
    compare as text."""
    end = cutoff.end if cutoff is not None else None
    imported = end is not None and first_seen_at <= end
    ref = end if imported else first_seen_at
    if negative_since is not None and negative_since > ref:
        return False
    if published_at is None:
        return imported
    if not imported and cutoff is not None and (cutoff.mention or (
            cutoff.previous_read is not None and published_at >= cutoff.previous_read[:10])):
        return False
    start = datetime.fromisoformat(ref.replace("Z", "+00:00")) - HISTORY_WINDOW
    return published_at < start.strftime("%Y-%m-%dT%H:%M:%S")


def history_sql(cutoffs: str, *, first_seen_at: str = "first_seen_at", negative_since: str = "negative_since",
                published_at: str = "published_at") -> str:
    """history() as an SQL condition over the item's row of crawls.history_cutoffs's `cutoffs`, joined as `cutoffs`
    (its columns cutoff, previous_read and mention: rules.Cutoff; all NULL for an item found outside a crawl)."""
    end, previous, mention = (f"{cutoffs}.{column}" for column in ("cutoff", "previous_read", "mention"))
    imported = f"({end} IS NOT NULL AND {first_seen_at} <= {end})"
    ref = f"(CASE WHEN {imported} THEN {end} ELSE {first_seen_at} END)"
    return (f"(COALESCE({negative_since}, '') <= {ref} AND CASE WHEN {published_at} IS NULL THEN {imported}"
            f" WHEN NOT {imported} AND (COALESCE({mention}, 0) OR {published_at} >= substr({previous}, 1, 10))"
            f" THEN 0 ELSE {published_at} < strftime('%Y-%m-%dT%H:%M:%S', {ref}, '-{HISTORY_WINDOW.days} days') END)")


def new_sql(cutoff: str = "?", *, first_seen_at: str = "first_seen_at", negative_since: str = "negative_since") -> str:
    """new() as an SQL condition; `cutoff` is an SQL expression (one placeholder), never NULL."""
    return f"(MAX({first_seen_at}, COALESCE({negative_since}, '')) > {cutoff})"


# -- negative -----------------------------------------------------------------

def rating_scale(rating_max: float | None) -> float | None:
    """What a rating is out of: rating_max, 5 when it is missing or 0; None when it is unusable (< 0)."""
    scale = float(rating_max) if rating_max else DEFAULT_RATING_MAX
    return scale if scale > 0 else None


def rated(rating: float | None, rating_max: float | None) -> bool:
    """Whether the rating decides (it exists, on a usable scale); otherwise the text does."""
    return rating is not None and rating_scale(rating_max) is not None


def negative(rating: float | None, rating_max: float | None, threshold: float = DEFAULT_THRESHOLD,
             *, text_negative: bool = False) -> bool:
    """A rated item is negative when rating / rating_max <= the client's threshold (0.4: 2 of 5);
    an unrated one when its text is (`text_negative`, the classifier's sentiment flag).
    Judged with the client's current threshold whenever a report or an alert is built."""
    if not rated(rating, rating_max):
        return bool(text_negative)
    return float(rating) / rating_scale(rating_max) <= threshold + _SLACK


def negative_sql(threshold: str = "?", *, rating: str = "rating", rating_max: str = "rating_max",
                 text_negative: str = "negative") -> str:
    """negative() as an SQL expression (0 or 1); `threshold` is an SQL expression."""
    scale = f"COALESCE(NULLIF({rating_max}, 0), {DEFAULT_RATING_MAX})"
    return (f"(CASE WHEN {rating} IS NOT NULL AND {scale} > 0"
            f" THEN CAST({rating} AS REAL) / {scale} <= {threshold} + {_SLACK}"
            f" ELSE COALESCE({text_negative}, 0) != 0 END)")


def thresholds_sql(thresholds: Mapping[str, float], client_id: str = "client_id") -> str:
    """Each client's threshold as an SQL expression on its id (DEFAULT_THRESHOLD for others),
    for SQL that runs without our parameters (Datasette's canned queries).

    A binary search on the id, a few clients a leaf: about ten comparisons a row for 1,000 clients
    whatever their thresholds, where an arm per client made every row walk 500 of them (5 s over
    1 M reviews; bench.store_upkeep)."""
    pairs = sorted((cid, float(value)) for cid, value in thresholds.items() if float(value) != DEFAULT_THRESHOLD)
    return _search(pairs, client_id) if pairs else repr(DEFAULT_THRESHOLD)


def _search(pairs: list[tuple[str, float]], client_id: str, leaf: int = 8) -> str:
    if len(pairs) <= leaf:
        arms = " ".join(f"WHEN {sql_text(cid)} THEN {value!r}" for cid, value in pairs)
        return f"(CASE {client_id} {arms} ELSE {DEFAULT_THRESHOLD!r} END)"
    middle = len(pairs) // 2  # ids sort alike in Python and in SQLite (code points; UTF-8 bytes)
    return (f"(CASE WHEN {client_id} < {sql_text(pairs[middle][0])} THEN {_search(pairs[:middle], client_id, leaf)}"
            f" ELSE {_search(pairs[middle:], client_id, leaf)} END)")


def sql_text(text: str) -> str:
    """A text as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# -- complaint ----------------------------------------------------------------

def complaint(category: str | None, negative_text: bool) -> bool:
    """A search result is a complaint when it is on a complaint site, or reads negative and is
    not the client's own page."""
    return category == "complaint" or (bool(negative_text) and category != "own")


def on_page_one(rank: int | None) -> bool:
    return rank is not None and 1 <= rank <= PAGE_ONE


def left_page_one(previous_rank: int | None, rank: int | None) -> bool:
    """A result on page one at the last report and not now (gone, or pushed past it)."""
    return on_page_one(previous_rank) and not on_page_one(rank)


def complaint_sql(*, category: str = "category", negative_text: str = "negative") -> str:
    """complaint() as an SQL condition."""
    return f"({category} = 'complaint' OR ({negative_text} = 1 AND {category} != 'own'))"


def on_page_one_sql(rank: str = "rank") -> str:
    return f"({rank} BETWEEN 1 AND {PAGE_ONE})"


# -- replied and reply delay --------------------------------------------------

REPLY_SHOW_GRACE = timedelta(days=2)
"""How long a reply posted through repscan (`repscan replies post` or `done`) counts as the business's answer
without the site showing it. A platform may hold a business reply for moderation for a day, and a daily crawl reads
the page once a day: two days leave it a crawl or two to appear."""


def _after_grace(posted_at: str) -> str:
    """posted_at + REPLY_SHOW_GRACE, to the second, as text that compares with our ISO stamps."""
    moment = datetime.fromisoformat(posted_at.replace("Z", "+00:00"))
    return ((moment.astimezone(timezone.utc) if moment.tzinfo else moment)  # naive is UTC, as SQLite reads it
            + REPLY_SHOW_GRACE).strftime("%Y-%m-%dT%H:%M:%S")


def reply_not_shown(posted_at: str | None, reply_text: str | None, reply_at, read_at: str | None,
                    shows_replies: bool) -> bool:
    """A reply posted through repscan that the site does not show: a clean crawl read the review `read_at`, at least
    REPLY_SHOW_GRACE after `posted_at`, with no reply of the site's own (reply_text and reply_at null), on a site that
    shows business replies (`shows_replies`; never on one that shows none, never on posts and mentions). Until such a
    read, the posted reply counts (posted_reply). ISO stamps."""
    return (posted_at is not None and reply_text is None and reply_at is None and bool(shows_replies)
            and read_at is not None and read_at >= _after_grace(posted_at))


def reply_not_shown_sql(*, posted_at: str, read_at: str, shows_replies: str, reply_text: str = "reply_text",
                        reply_at: str = "reply_at") -> str:
    """reply_not_shown() as an SQL condition; `read_at` is NULL without a clean read. The row's own columns are
    tested first: SQLite stops at the first false term, before the lookups `posted_at` and the rest may be."""
    return (f"({reply_text} IS NULL AND {reply_at} IS NULL AND {posted_at} IS NOT NULL AND {read_at} IS NOT NULL"
            f" AND {read_at} >= strftime('%Y-%m-%dT%H:%M:%S', {posted_at}, '+{REPLY_SHOW_GRACE.days} days')"
            f" AND {shows_replies})")


def posted_reply(posted_at: str | None, reply_text: str | None, reply_at, read_at: str | None,
                 shows_replies: bool) -> str | None:
    """When repscan posted the item's reply, as it counts for replied() and reply_at(): `posted_at`, but None once
    the site, read cleanly after the grace, does not show it (reply_not_shown): the review waits again."""
    return None if reply_not_shown(posted_at, reply_text, reply_at, read_at, shows_replies) else posted_at


def posted_reply_sql(*, posted_at: str, read_at: str, shows_replies: str, reply_text: str = "reply_text",
                     reply_at: str = "reply_at") -> str:
    """posted_reply() as an SQL expression."""
    shown = reply_not_shown_sql(posted_at=posted_at, read_at=read_at, shows_replies=shows_replies,
                                reply_text=reply_text, reply_at=reply_at)
    return f"(CASE WHEN {shown} THEN NULL ELSE {posted_at} END)"


def replied(reply_text: str | None, reply_at, posted_at=None) -> bool:
    """The business answered: a reply text, or at least a reply time (some sites show only that), or a reply
    posted from repscan that still counts (`posted_at`: posted_reply(), not the raw posting time)."""
    return reply_text is not None or reply_at is not None or posted_at is not None


def replied_sql(*, reply_text: str = "reply_text", reply_at: str = "reply_at", posted_at: str = "NULL") -> str:
    """replied() as an SQL condition; `posted_at` is posted_reply_sql()."""
    return f"({reply_text} IS NOT NULL OR {reply_at} IS NOT NULL OR {posted_at} IS NOT NULL)"


def reply_at(site_reply_at, posted_at=None):
    """When the business answered: the site's own reply time, else when repscan posted the reply (posted_reply())."""
    return site_reply_at if site_reply_at is not None else posted_at


def reply_at_sql(*, reply_at: str = "reply_at", posted_at: str = "NULL") -> str:
    """reply_at() as an SQL expression."""
    return f"COALESCE({reply_at}, {posted_at})"


def reply_precision(site_reply_at, site_precision: str | None, posted_at=None) -> str | None:
    """The precision of reply_at(): the site's own, or exact for a reply repscan posted (its time is ours)."""
    return "exact" if site_reply_at is None and posted_at is not None else site_precision


def reply_precision_sql(*, reply_at: str = "reply_at", precision: str = "reply_precision",
                        posted_at: str = "NULL") -> str:
    """reply_precision() as an SQL expression."""
    return f"(CASE WHEN {reply_at} IS NULL AND {posted_at} IS NOT NULL THEN 'exact' ELSE {precision} END)"


REPLY_WATCH = timedelta(days=90)
"""How long after repscan first sees a negative review without the business's reply on the site the crawl still reads
down to it, however deep it has sunk in the list. The incremental crawl stops at the first page it already knows, so
without this a reply to (or a star edit of) an older review would never be read, and the review would wait
"unanswered" in every report until a full crawl. 90 days covers an agency working through a new client's backlog and
a slow owner; past it, a review nobody answered no longer makes the crawl read deeper."""

REPLY_RECHECK = timedelta(days=1)
"""How often a source's crawl reads on to its watched reviews: once one of them has not been seen for this long, and
at most once in this long; the other crawls stop at the first page they know, as before. A reply to an old review
shows within a day; hundreds of unanswered old negatives cost one deep read a day, not one an hour, and one that can
no longer be found (deeper than max_pages, or removed where the crawl never reaches the last page) costs max_pages
once a day, not every crawl."""


def watched(negative: bool, reply_text: str | None, reply_at, removed_at: str | None, first_seen_at: str,
            now: datetime) -> bool:
    """A stored review the crawl reads on to for a reply: tracked, negative (negative() with the client's threshold),
    no reply of the site's own (replied() without a reply posted from repscan: that one waits for the site to show
    it) and first seen within REPLY_WATCH of `now`. ISO stamps."""
    return (tracked(removed_at) and negative and not replied(reply_text, reply_at)
            and first_seen_at >= watch_from(now))


def watched_sql(threshold: str = "?", *, since: str = "?") -> str:
    """watched() as an SQL condition on a reviews row; `since` is watch_from()."""
    return f"({tracked_sql()} AND {negative_sql(threshold)} AND NOT {replied_sql()} AND first_seen_at >= {since})"


def watch_from(now: datetime) -> str:
    """The first sighting a review needs to be watched at `now`, as a stamp."""
    return stamp(now - REPLY_WATCH)


WATCH_SLACK = timedelta(hours=1)
"""How much earlier than a full REPLY_RECHECK a watch read is due: the last read's sightings are stamped as its
pages come in, minutes after it started, and a run a day later takes its time before it crawls; without this, a
daily schedule would read on every second day, and the 4-hourly default after 28 hours."""


def watch_due(oldest_sighting: str | None, last_watch: str | None, now: datetime) -> bool:
    """Whether a source's crawl at `now` reads on to its watched reviews: one of them was last seen about
    REPLY_RECHECK ago or more (`oldest_sighting`: the earliest last sighting among them, None when none is watched;
    WATCH_SLACK early), and none of the source's crawls read on to them since (`last_watch`: when the last that did
    started, None when none did)."""
    recheck = stamp(now - REPLY_RECHECK + WATCH_SLACK)
    return oldest_sighting is not None and oldest_sighting <= recheck and (last_watch is None or last_watch <= recheck)


REPLY_DAYS = 2  # a reply dated by day only counts as "within N days" up to this many calendar days after


@dataclass(frozen=True)
class ReplyDelay:
    """How long a reply took, as precisely as its two times allow (the pair has the coarser precision).

    An exact pair gives `delta` (figures in hours use only these); a pair with day precision gives
    only `days` (0: the same day); an approximate pair gives neither. A reply dated before its review
    (a site's clock, or an offset on one side only) has an unknown delay: neither, never "within the hour"."""

    precision: str  # exact, day or approximate (repscan.core.items.PRECISIONS)
    delta: timedelta | None  # exact pairs only
    days: int | None  # calendar days in the client's zone from the review's day to the reply's; exact and day pairs

    def within_hours(self, hours: float) -> bool:
        """Answered within `hours`: only an exact pair can say so."""
        return self.delta is not None and self.delta <= timedelta(hours=hours)

    def within_days(self, days: int) -> bool:
        """A day-precision pair answered within `days` calendar days (0: the same day); exact pairs count in hours."""
        return self.precision == "day" and self.days is not None and self.days <= days

    @property
    def before_review(self) -> bool:
        """The reply is dated before its review: its delay is unknown."""
        return self.precision != "approximate" and self.days is None


def reply_delay(published_at: datetime | None, reply_at: datetime | None, *, published_precision: str | None = None,
                reply_precision: str | None = None, tz: str = "UTC") -> ReplyDelay | None:
    """The reply delay of a review; None without both times. Days are counted on the calendar the report prints
    in the client's zone `tz`: an exact time's local date against a day-precision time's own calendar date (stored
    as midnight UTC). A reply before its review has an unknown delay (no delta, no days), not 0."""
    if published_at is None or reply_at is None:
        return None
    precision = coarsest(published_precision, reply_precision)
    zone = ZoneInfo(tz)

    def day(moment: datetime, given: str | None):
        return moment.astimezone(timezone.utc if given in ("day", "approximate") else zone).date()

    delta = reply_at - published_at
    days = (day(reply_at, reply_precision) - day(published_at, published_precision)).days
    if delta < timedelta(0) and precision == "exact" or days < 0:
        return ReplyDelay(precision, None, None)
    return ReplyDelay(precision, delta if precision == "exact" else None, None if precision == "approximate" else days)


# -- answered as a report knew it ---------------------------------------------

def answered_by(reply_seen_at, cutoff) -> bool:
    """A reply the report with this cutoff knew of, so counted as answered: first seen by us (the store's
    reply_seen_at: the crawl that first read the site's reply, the review's first sighting when it came with one, or
    when repscan posted it) at or before the cutoff. Not the site's reply date: a reply dated before the cutoff but
    found later (an older page read late, a blocked stretch, `crawl --full`) was not known then, and the report
    told the client the review was waiting. Stamps or datetimes, alike on both sides."""
    return reply_seen_at is not None and reply_seen_at <= cutoff


def answered_since(first_seen_at, reply_at, reply_seen_at, cutoff) -> bool:
    """A replied review the next report lists as answered since the cutoff: one the last report did not know as
    answered (answered_by), that it could list as waiting (first seen by the cutoff) or whose reply is dated after
    it. So a review the client was told is waiting never vanishes from the next report unnamed."""
    if answered_by(reply_seen_at, cutoff):
        return False
    return first_seen_at <= cutoff or (reply_at is not None and reply_at > cutoff)


# -- open mentions ------------------------------------------------------------

MENTION_WINDOW = HISTORY_WINDOW
"""How long a negative mention (a post, comment or news item: it has no replied state on the site) stays open
without an answer: the draft window. It is listed in every report within this long after we first saw it, and
in the report that finds it, until a reply to it is posted through repscan (`repscan replies post` or `done`);
after that it is an older mention, counted, no longer listed."""

COMMENT_WINDOW = MENTION_WINDOW
"""How far back a source with comment chains (a Facebook page's posts) is read past its incremental stop: a
post published within this long may still draw a new complaint under it, and a mention that new stays open."""


def mention_open(first_seen_at: str, cutoff: str | None, now: str, posted_at: str | None = None) -> bool:
    """A negative mention still open for a report up to `now` with the given cutoff: no reply posted through
    repscan, and first seen after the cutoff (new) or within MENTION_WINDOW before `now`. ISO stamps."""
    if posted_at is not None:
        return False
    start = (datetime.fromisoformat(now.replace("Z", "+00:00")) - MENTION_WINDOW).strftime("%Y-%m-%dT%H:%M:%S")
    return first_seen_after(first_seen_at, cutoff) or first_seen_at >= start


def mention_older(first_seen_at: str, cutoff: str | None, now: str, posted_at: str | None = None) -> bool:
    """A negative mention past its window without a reply posted through repscan (counted as an older mention)."""
    return posted_at is None and not mention_open(first_seen_at, cutoff, now)


# -- suspicious ---------------------------------------------------------------

SINGLE_REVIEW = 1  # an account with this many reviews or fewer on the site


def suspicious(author_review_count: int | None) -> bool | None:
    """A review from an account with one review on the site (or none shown: 0), a hint of a throwaway or
    fake account, not proof; None when the site does not show the reviewer's count."""
    if author_review_count is None:
        return None
    return int(author_review_count) <= SINGLE_REVIEW


# -- stars --------------------------------------------------------------------

def stars(rating: float | None, rating_max: float | None) -> float | None:
    """The rating on a five-star scale (8/10 is 4.0); None when unrated or the scale is unusable."""
    if not rated(rating, rating_max):
        return None
    return float(rating) * STARS / rating_scale(rating_max)


def stars_sql(*, rating: str = "rating", rating_max: str = "rating_max") -> str:
    """stars() as an SQL expression (NULL when unrated)."""
    scale = f"COALESCE(NULLIF({rating_max}, 0), {DEFAULT_RATING_MAX})"
    return f"(CASE WHEN {scale} > 0 THEN CAST({rating} AS REAL) * {STARS} / {scale} END)"


# -- visibility ---------------------------------------------------------------

def visibility(results: list[dict]) -> float:
    """The share of searchers likely to see a complaint on this result page: the sum of CTR at
    each rank whose result is a complaint (see complaint()), each rank once, ranks past 10
    counting 0, at most 1.0.

    `results` are one page of one engine for one query, with "rank", "category" and
    "negative" (repscan.core.search.annotate()).
    """
    ranks = {result.get("rank") for result in results if complaint(result.get("category"), result.get("negative"))}
    return min(round(sum(CTR.get(rank, 0.0) for rank in ranks), 4), 1.0)


# -- spikes -------------------------------------------------------------------

SPIKE_WINDOW = timedelta(hours=24)
"""How close together a burst's negatives are. A day, not an hour: many sites date reviews by day only (stored
as that day's midnight, so a day's reviews share one instant), a daily crawl gives undated ones one first-seen
time, and a review attack runs over hours. Three 1-star reviews in an hour are a spike all the same."""
SPIKE_MINIMUM = 3  # a burst has at least this many negatives, whatever the source's history (the floor)
SPIKE_FACTOR = 5  # ... and at least this many times what the source's usual rate predicts for one window
SPIKE_BASELINE = timedelta(days=90)  # the usual rate: negatives per window over this span before the burst
SPIKE_LOOKBACK = timedelta(days=7)  # a burst starting longer ago than this is old news, never an alert


def spike_time(published_at: str | None, published_precision: str | None, first_seen_at: str, *,
               history: bool = False) -> str:
    """When a negative counts for spikes: its published time, or when we first saw it if it is undated or only
    approximately dated ("3 weeks ago"); imported history keeps an approximate date (first seen is the import)."""
    if published_at is not None and (published_precision != "approximate" or history):
        return published_at
    return first_seen_at


@dataclass(frozen=True)
class Spike:
    """A burst: `members` (indices into the candidates) within one window from `start`; `usual` is how many
    negatives the source's rate before `start` predicts for one window."""

    start: datetime
    members: tuple[int, ...]
    usual: float


def spike_told(alerted: bool, first_seen_at: str, report_cutoff: str | None) -> bool:
    """Whether the client was told of a negative already, one by one: an alert of its own was made for it, or a
    sent report covered when it was first seen (`report_cutoff`, the last sent report's end). A burst of nothing but
    such negatives is old news (spike): an upgrade, or a gap in runs, never alerts a burst the client heard of."""
    return alerted or (report_cutoff is not None and first_seen_at <= report_cutoff)


def spike(negatives: list[datetime], candidates: list[datetime], now: datetime, *, window: timedelta = SPIKE_WINDOW,
          minimum: int = SPIKE_MINIMUM, factor: float = SPIKE_FACTOR, baseline: timedelta = SPIKE_BASELINE,
          lookback: timedelta = SPIKE_LOOKBACK, told: list[bool] | None = None) -> Spike | None:
    """The biggest burst of one source's negatives that is a spike, if any.

    `negatives` are all of the source's negative reviews' times (spike_time); `candidates` those that may make a
    burst (new, not history, not in a burst already alerted). A burst is the candidates within `window` from one
    of them, starting at most `lookback` before `now`; it is a spike when it has at least `minimum` negatives and
    at least `factor` times `usual`: the source's negatives in the `baseline` span before the burst, per window
    (with no history, `usual` is 0 and the minimum alone decides). `told` (per candidate, spike_told): a burst is
    news only when at least one member was not told of yet; told members still count towards its size (two told
    one by one and a third new are a burst of three, alerted for the third)."""
    best = None
    order = sorted(range(len(candidates)), key=candidates.__getitem__)
    starts, before = [candidates[i] for i in order], sorted(negatives)
    for start in sorted(set(starts[bisect_left(starts, now - lookback):])):
        members = tuple(sorted(order[bisect_left(starts, start):bisect_left(starts, start + window)]))
        usual = (bisect_left(before, start) - bisect_left(before, start - baseline)) * (window / baseline)
        if told is not None and all(told[i] for i in members):
            continue
        if len(members) >= minimum and len(members) >= factor * usual - _SLACK \
                and (best is None or len(members) > len(best.members)):
            best = Spike(start, members, usual)
    return best


# -- stale --------------------------------------------------------------------

STALE_FACTOR = 2  # a source not read cleanly for this many of its crawl schedule's intervals is not healthy
STALE_FLOOR = timedelta(hours=24)  # ... and never sooner than this after its last clean crawl
STALE_UNKNOWN = timedelta(days=2)  # ... or for this long when the interval is unknown


def stale_after(interval: timedelta | None) -> timedelta:
    """How long after its last clean crawl a source stops counting as read: STALE_FACTOR times its crawl schedule's
    interval, at least STALE_FLOOR; STALE_UNKNOWN when the interval is unknown.

    Why a floor: on the default 4-hourly schedule twice the interval is 8 hours, and on an hourly one 2 hours, so a
    single missed run (a host rebooting, one slow crawl of another client holding the run lock) made the next report
    tell the client its page was "not read", which was untrue by the next run. A day covers a missed run or two on
    any schedule up to 12-hourly, and matches SOURCE_GRACE, the time the operator gives a failing source before being
    told. A daily or weekly schedule keeps its 2 intervals. What the floor never allows: "All quiet" over a source
    not read in the report's period (ReportData.quiet asks each source to have been read in it)."""
    return max(STALE_FACTOR * interval, STALE_FLOOR) if interval else STALE_UNKNOWN


def stale(last_read: datetime, now: datetime, interval: timedelta | None) -> bool:
    """A source read cleanly last at `last_read` is stale at `now` (stale_after)."""
    return now - last_read > stale_after(interval)


def stale_since(last_read: datetime, interval: timedelta | None) -> datetime:
    """When a source read cleanly last at `last_read` became (or becomes) stale."""
    return last_read + stale_after(interval)
