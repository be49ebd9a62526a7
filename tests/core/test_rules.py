"""The business rules, once each: new, negative, complaint, replied, reply delay, stars, visibility;
the SQL the rules generate agrees with the Python, and a stored review is judged at the current threshold."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repscan.app.cli import build_parser
from repscan.core import classify, rules
from repscan.core.config import Client
from repscan.core.items import make, stamp
from repscan.core.store import Store

T = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)


def sql(expression: str, params=(), **columns):
    """The value of an SQL expression over one row of `columns` (in-memory SQLite)."""
    with sqlite3.connect(":memory:") as db:
        names = list(columns) or ["unused"]
        db.execute(f"CREATE TABLE t ({', '.join(names)})")
        db.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(names))})", list(columns.values()) or [None])
        return db.execute(f"SELECT {expression} FROM t", params).fetchone()[0]


def test_the_default_threshold_is_defined_once_and_used_everywhere():
    assert rules.DEFAULT_THRESHOLD == 0.4
    assert Client.model_fields["negative_threshold"].default == rules.DEFAULT_THRESHOLD
    args = build_parser().parse_args(["classify"])
    assert args.threshold == rules.DEFAULT_THRESHOLD
    assert classify.classify({"rating": 2, "rating_max": 5})["negative"] is True  # 2/5 = 0.4: at the default


@pytest.mark.parametrize("rating, rating_max, threshold, text_negative, expected", [
    (2, 5, 0.4, False, True),  # at the threshold: negative
    (3, 5, 0.4, True, False),  # a rating decides, whatever the text says
    (1, 5, 0.4, False, True),
    (4, 10, 0.4, False, True),  # 4/10 on a ten-point scale
    (5, 10, 0.4, False, False),
    (7.5, 10, 0.8, False, True),
    (3, 5, 0.6, False, True),  # a client's own threshold
    (2, 5, 0.2, False, False),
    (2, None, 0.4, False, True),  # no scale: out of 5
    (2, 0, 0.4, False, True),  # a zero scale: out of 5
    (None, 5, 0.4, True, True),  # unrated: the text's verdict
    (None, 5, 0.4, False, False),
    (None, None, 0.4, None, False),
    (1, -5, 0.4, False, False),  # an unusable scale: the text decides
])
def test_negative(rating, rating_max, threshold, text_negative, expected):
    assert rules.negative(rating, rating_max, threshold, text_negative=text_negative) is expected
    got = sql(rules.negative_sql("?"), [threshold], rating=rating, rating_max=rating_max,
              negative=None if text_negative is None else int(text_negative))
    assert got == int(expected)


def test_negative_in_python_and_sql_agree_on_every_rating():
    for rating_max in (5, 10, 100, 3):
        for step in range(0, 4 * rating_max + 1):
            rating = step / 4
            for threshold in (0.2, 0.4, 0.5, 0.6):
                expected = rules.negative(rating, rating_max, threshold)
                got = sql(rules.negative_sql("?"), [threshold], rating=rating, rating_max=rating_max, negative=0)
                assert got == int(expected), (rating, rating_max, threshold)
                assert classify.classify({"rating": rating, "rating_max": rating_max}, threshold)["negative"] is expected


def test_thresholds_per_client_in_sql():
    expression = rules.thresholds_sql({"acme": 0.6, "o'brien": 0.2})
    assert sql(expression, client_id="acme") == 0.6
    assert sql(expression, client_id="o'brien") == 0.2
    assert sql(expression, client_id="zed") == rules.DEFAULT_THRESHOLD
    assert sql(rules.thresholds_sql({}), client_id="zed") == rules.DEFAULT_THRESHOLD


@pytest.mark.parametrize("values", [(0.2, 0.4, 0.6), tuple(n / 1000 for n in range(300))])
def test_thresholds_in_sql_for_many_clients_few_or_many_thresholds(values):
    thresholds = {f"client-{n}": values[n % len(values)] for n in range(300)} | {"o'brien": 0.3, "zoë": 0.7}
    expression = rules.thresholds_sql(thresholds)
    depth = deepest = 0
    for token in re.findall(r"\(CASE|END\)", expression):
        depth += 1 if token == "(CASE" else -1
        deepest = max(deepest, depth)
    assert deepest <= 7  # a binary search over ids: a row meets a few comparisons, not an arm per client
    for client_id in [*thresholds, "nobody", "", "client-", "zzz"]:
        assert sql(expression, client_id=client_id) == thresholds.get(client_id, rules.DEFAULT_THRESHOLD), client_id


@pytest.mark.parametrize("rating, rating_max, expected", [
    (8, 10, 4.0), (2, 5, 2.0), (5, 5, 5.0), (0, 5, 0.0), (3, None, 3.0), (3, 0, 3.0), (70, 100, 3.5),
    (None, 5, None), (1, -5, None),
])
def test_stars(rating, rating_max, expected):
    assert rules.stars(rating, rating_max) == expected
    assert sql(rules.stars_sql(), rating=rating, rating_max=rating_max) == expected


@pytest.mark.parametrize("reply_text, reply_at, expected", [
    ("Sorry!", "2026-11-01T11:00:00Z", True), ("Sorry!", None, True), (None, "2026-11-01T11:00:00Z", True),
    (None, None, False),
])
def test_replied(reply_text, reply_at, expected):
    assert rules.replied(reply_text, reply_at) is expected
    assert sql(rules.replied_sql(), reply_text=reply_text, reply_at=reply_at) == int(expected)


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize("rating, reply_text, reply_at, removed_at, first_seen, expected", [
    (1, None, None, None, T - 90 * DAY, True),  # negative, unanswered, first seen at the watch window's start
    (2, None, None, None, T - DAY, True),  # 2 of 5: at the threshold
    (3, None, None, None, T - DAY, False),  # not negative at 0.4
    (1, "Sorry!", None, None, T - DAY, False),  # answered
    (1, None, "2026-10-01T10:00:00Z", None, T - DAY, False),  # answered (a reply time only)
    (1, None, None, "2026-10-31T10:00:00Z", T - DAY, False),  # gone from the site
    (1, None, None, None, T - 90 * DAY - timedelta(microseconds=1), False),  # first seen before the watch window
])
def test_watched_in_python_and_sql(rating, reply_text, reply_at, removed_at, first_seen, expected):
    negative = rules.negative(rating, 5)
    assert rules.watched(negative, reply_text, reply_at, removed_at, stamp(first_seen), T) is expected
    assert sql(rules.watched_sql(), [0.4, rules.watch_from(T)], rating=rating, rating_max=5, negative=0,
               reply_text=reply_text, reply_at=reply_at, removed_at=removed_at,
               first_seen_at=stamp(first_seen)) == int(expected)


@pytest.mark.parametrize("oldest_sighting, last_watch, expected", [
    (T - DAY, None, True),  # a watched review unseen for a day, never read on to
    (T - 20 * HOUR, None, False),  # every watched review seen within the day (the first crawl, hours ago)
    (None, None, False),  # nothing watched
    (T - 30 * DAY, T - DAY, True),  # one not found by the last watch read, a day ago: read on again
    (T - 30 * DAY, T - HOUR, False),  # ... but only once a day
    # a daily run: yesterday's read started at T - 1 day and saw the review 30 s later; today's run starts 20 s late
    (T - DAY + timedelta(seconds=30 - 20), T - DAY - timedelta(seconds=20), True),
    (T - DAY + 5 * timedelta(minutes=1), T - DAY, True),  # the 4-hourly default: due at the day, not 28 hours
    (T - DAY + 2 * HOUR, T - DAY + 2 * HOUR, False),  # two hours short of a day: not yet
])
def test_a_watch_read_is_due_once_a_recheck(oldest_sighting, last_watch, expected):
    assert rules.watch_due(oldest_sighting and stamp(oldest_sighting), last_watch and stamp(last_watch), T) is expected


POSTED = "2026-11-03T10:00:00.123456Z"


@pytest.mark.parametrize("reply_text, reply_at, read_at, shows, expected", [
    (None, None, "2026-11-05T10:00:00.000000Z", 1, True),  # read cleanly the moment the grace ends, no reply
    (None, None, "2026-11-05T09:59:59.999999Z", 1, False),  # within the grace
    (None, None, None, 1, False),  # no clean read since
    (None, None, "2026-11-09T10:00:00.000000Z", 0, False),  # a site that shows no replies
    ("Thanks, Maren.", None, "2026-11-09T10:00:00.000000Z", 1, False),  # the site shows a reply
    (None, "2026-11-03T10:05:00Z", "2026-11-09T10:00:00.000000Z", 1, False),  # ... or its time
])
def test_a_posted_reply_is_not_shown_only_after_a_clean_read_past_the_grace(reply_text, reply_at, read_at, shows,
                                                                            expected):
    columns = {"posted_at": POSTED, "reply_text": reply_text, "reply_at": reply_at, "read_at": read_at,
               "shows_replies": shows}
    assert rules.reply_not_shown(POSTED, reply_text, reply_at, read_at, bool(shows)) is expected
    assert sql(rules.reply_not_shown_sql(**{name: name for name in columns}), **columns) == int(expected)
    counted = None if expected else POSTED
    assert rules.posted_reply(POSTED, reply_text, reply_at, read_at, bool(shows)) == counted
    assert sql(rules.posted_reply_sql(**{name: name for name in columns}), **columns) == counted
    assert rules.replied(reply_text, reply_at, counted) is not expected
    assert rules.reply_not_shown(None, None, None, read_at, True) is False  # nothing posted, nothing to reconcile


@pytest.mark.parametrize("read_at, expected", [("2026-11-05T10:00:00", True), ("2026-11-05T09:59:59", False)])
def test_a_naive_posted_at_is_utc_in_python_as_in_sql(monkeypatch, read_at, expected):
    monkeypatch.setenv("TZ", "America/New_York")  # the machine's local time is not UTC; naive stamps still are
    time.tzset()
    try:
        columns = {"posted_at": "2026-11-03T10:00:00", "reply_text": None, "reply_at": None, "read_at": read_at,
                   "shows_replies": 1}
        assert rules.reply_not_shown(columns["posted_at"], None, None, read_at, True) is expected
        assert sql(rules.reply_not_shown_sql(**{name: name for name in columns}), **columns) == int(expected)
    finally:
        monkeypatch.undo()
        time.tzset()


DAY = datetime(2026, 11, 1, tzinfo=timezone.utc)  # a calendar day, stored as midnight UTC


def test_a_reply_before_its_review_has_an_unknown_delay_never_within_the_hour():
    assert rules.reply_delay(T, T + timedelta(hours=3)).delta == timedelta(hours=3)
    before = rules.reply_delay(T, T - timedelta(hours=2))  # an offset on one side only, or a site's clock
    assert (before.delta, before.days, before.within_hours(1), before.before_review) == (None, None, False, True)
    day_before = rules.reply_delay(DAY, DAY - timedelta(days=1), published_precision="day", reply_precision="day")
    assert (day_before.days, day_before.within_days(0), day_before.before_review) == (None, False, True)
    assert not rules.reply_delay(T, T + timedelta(hours=3)).before_review
    assert rules.reply_delay(None, T) is None
    assert rules.reply_delay(T, None) is None


@pytest.mark.parametrize("reply, tz, days", [
    # a review dated "4 Dec"; the reply printed "4 Dec 2026, 20:00" in Los Angeles is 5 Dec in UTC: the same day
    (datetime(2026, 12, 5, 4, 0, tzinfo=timezone.utc), "America/Los_Angeles", 0),
    (datetime(2026, 12, 5, 4, 0, tzinfo=timezone.utc), "UTC", 1),
    # the reply printed "5 Dec, 00:20" in Kyiv is still 4 Dec in UTC: the next day, not the same
    (datetime(2026, 12, 4, 22, 20, tzinfo=timezone.utc), "Europe/Kyiv", 1),
    (datetime(2026, 12, 4, 22, 20, tzinfo=timezone.utc), "UTC", 0),
])
def test_reply_days_are_counted_on_the_clients_calendar(reply, tz, days):
    review_day = datetime(2026, 12, 4, tzinfo=timezone.utc)  # "4 Dec", a calendar day stored as midnight UTC
    delay = rules.reply_delay(review_day, reply, published_precision="day", reply_precision="exact", tz=tz)
    assert (delay.precision, delay.days, delay.within_days(0)) == ("day", days, days == 0)
    flipped = rules.reply_delay(reply - timedelta(days=3), datetime(2026, 12, 4, tzinfo=timezone.utc) + timedelta(days=1),
                                published_precision="exact", reply_precision="day", tz=tz)
    assert flipped.days == 4 - days  # the exact side is the review: its local date against the reply's calendar day


@pytest.mark.parametrize("published, reply, precisions, expected", [
    # exact pairs: hours, and the calendar days between them
    (T, T + timedelta(minutes=30), ("exact", "exact"), ("exact", timedelta(minutes=30), 0, True, False)),
    # a reply dated by day only: never "within the hour", though midnight lies before the review
    (T, DAY, ("exact", "day"), ("day", None, 0, False, True)),
    (DAY, T + timedelta(days=1, hours=5), ("day", "exact"), ("day", None, 1, False, False)),
    (DAY, DAY + timedelta(days=2), ("day", "day"), ("day", None, 2, False, False)),
    # "2 months ago" tells neither hours nor days
    (DAY, T, ("approximate", "exact"), ("approximate", None, None, False, False)),
    (DAY, T, (None, None), ("exact", timedelta(hours=10), 0, False, False)),  # unknown: the times as they are
])
def test_reply_delay_uses_the_pair_precision(published, reply, precisions, expected):
    delay = rules.reply_delay(published, reply, published_precision=precisions[0], reply_precision=precisions[1])
    assert (delay.precision, delay.delta, delay.days, delay.within_hours(1), delay.within_days(0)) == expected
    assert delay.within_days(rules.REPLY_DAYS) is (delay.precision == "day")


@pytest.mark.parametrize("first_seen_at, negative_since, cutoff, expected", [
    ("2026-11-02", None, "2026-11-01", True),  # first seen after the cutoff
    ("2026-10-01", "2026-11-02", "2026-11-01", True),  # turned negative after it
    ("2026-10-01", "2026-10-15", "2026-11-01", False),
    ("2026-10-01", None, "2026-11-01", False),
    ("2026-11-01", None, "2026-11-01", False),  # at the cutoff: in the last report
    ("2026-10-01", None, None, True),  # no report sent yet: everything
])
def test_new(first_seen_at, negative_since, cutoff, expected):
    assert rules.new(first_seen_at, negative_since, cutoff) is expected
    assert rules.first_seen_after(first_seen_at, cutoff) is (cutoff is None or first_seen_at > cutoff)
    if cutoff is not None:
        assert sql(rules.new_sql("?"), [cutoff], first_seen_at=first_seen_at, negative_since=negative_since) == int(expected)


END = "2026-11-18T12:00:00Z"  # the end of a source URL's history import


@pytest.mark.parametrize("first_seen_at, negative_since, published_at, end, expected", [
    ("2026-11-18T11:59:00Z", None, "2026-10-01T10:00:00Z", END, True),  # imported, weeks old
    ("2026-11-18T11:59:00Z", None, None, END, True),  # imported, undated: nothing says it is recent
    ("2026-11-18T11:59:00Z", None, "2026-11-10T10:00:00Z", END, False),  # imported, but within the window
    ("2026-11-18T11:59:00Z", None, "2026-11-04T12:00:00Z", END, False),  # exactly HISTORY_WINDOW before: recent
    ("2026-11-18T11:59:00Z", None, "2026-11-04T11:59:59Z", END, True),
    ("2026-11-18T12:00:00Z", "2026-11-18T12:00:00Z", None, END, True),  # found negative at the cut-off
    ("2026-11-18T11:59:00Z", "2026-11-19T08:00:00Z", "2026-10-01T10:00:00Z", END, False),  # turned negative later
    ("2026-11-19T08:00:00Z", None, None, END, False),  # found later, undated: new
    ("2026-11-19T08:00:00Z", None, "2026-10-01T10:00:00Z", END, True),  # found later, weeks old: backfill
    ("2026-12-02T08:00:00Z", None, "2026-11-19T00:00:00Z", END, False),  # found later, within the window: new
    ("2026-12-02T08:00:00Z", None, "2026-11-18T07:59:00Z", END, True),  # found later, just past the window
    ("2026-12-02T08:00:00Z", "2026-12-03T08:00:00Z", "2026-06-01T00:00:00Z", END, False),  # backfill turned negative
    ("2026-11-18T11:59:00Z", None, None, None, False),  # found outside a crawl, undated: new
    ("2026-11-18T11:59:00Z", None, "2023-06-01T00:00:00Z", None, True),  # a late feed's old review: backfill
    ("2026-11-18T11:59:00Z", None, "2026-11-17T00:00:00Z", None, False),  # a feed's recent review: new
    ("2026-11-18T11:59:00Z", None, "2026-10-01T10:00:00Z", "9999-12-31T00:00:00Z", True),  # first crawl running
])
def test_history_in_python_and_sql(first_seen_at, negative_since, published_at, end, expected):
    assert_history(first_seen_at, negative_since, published_at, end and rules.Cutoff(end, None), expected)


READ = "2026-11-16T06:00:00Z"  # the previous clean read of the source URL, 16 days before the item was found
FOUND = "2026-12-02T08:00:00Z"


@pytest.mark.parametrize("published_at, previous_read, mention, expected", [
    ("2026-11-17T00:00:00Z", READ, False, False),  # published after the last clean read: news, however late
    ("2026-11-16T00:00:00Z", READ, False, False),  # the read's own day (a day-precision date): news
    ("2026-11-15T23:59:59Z", READ, False, True),  # the day before the read, and past the window: backfill
    ("2026-11-15T00:00:00Z", None, False, True),  # no clean read before it: the window alone
    ("2026-11-19T00:00:00Z", READ, False, False),  # within the window: news
    ("2026-11-12T00:00:00Z", "2026-12-01T06:00:00Z", True, False),  # a mention first surfaced today: news
    ("2026-11-12T00:00:00Z", "2026-12-01T06:00:00Z", False, True),  # a review: backfill
])
def test_history_after_the_previous_read(published_at, previous_read, mention, expected):
    assert_history(FOUND, None, published_at, rules.Cutoff(END, previous_read, mention), expected)


def test_a_mention_the_import_found_is_still_history():
    assert_history("2026-11-18T11:59:00Z", None, "2026-10-01T10:00:00Z", rules.Cutoff(END, None, True), True)


def assert_history(first_seen_at, negative_since, published_at, cutoff, expected):
    """rules.history and rules.history_sql agree, and say `expected`."""
    assert rules.history(first_seen_at, negative_since, published_at, cutoff) is expected
    end, previous, mention = cutoff if cutoff is not None else (None, None, None)
    assert sql(rules.history_sql("t"), first_seen_at=first_seen_at, negative_since=negative_since,
               published_at=published_at, cutoff=end, previous_read=previous,
               mention=None if mention is None else int(mention)) == int(expected)


@given(first=st.integers(0, 40), published=st.one_of(st.none(), st.integers(-60, 40)),
       negative=st.one_of(st.none(), st.integers(0, 60)), end=st.one_of(st.none(), st.integers(0, 40)),
       previous=st.one_of(st.none(), st.integers(-40, 40)), mention=st.booleans())
def test_history_python_and_sql_agree(first, published, negative, end, previous, mention):
    day = datetime(2026, 11, 1, 6, 0, tzinfo=timezone.utc)

    def at(days):
        return None if days is None else (day + timedelta(days=days, hours=days % 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cutoff = None if end is None else rules.Cutoff(at(end), at(previous), mention)
    expected = rules.history(at(first), at(negative), at(published), cutoff)
    assert_history(at(first), at(negative), at(published), cutoff, expected)


@pytest.mark.parametrize("category, negative, expected", [
    ("complaint", False, True), ("complaint", True, True), ("review", True, True), ("news", True, True),
    ("other", True, True), ("review", False, False), ("own", True, False), ("own", False, False),
])
def test_complaint(category, negative, expected):
    assert rules.complaint(category, negative) is expected
    assert sql(rules.complaint_sql(), category=category, negative=int(negative)) == int(expected)


@pytest.mark.parametrize("rank, expected", [(1, True), (10, True), (11, False), (0, False), (None, False)])
def test_on_page_one(rank, expected):
    assert rules.on_page_one(rank) is expected
    assert bool(sql(rules.on_page_one_sql(), rank=rank)) is expected


def test_ctr_is_the_published_curve():
    assert rules.CTR == {1: 0.285, 2: 0.157, 3: 0.110, 4: 0.080, 5: 0.072, 6: 0.051, 7: 0.040, 8: 0.032,
                         9: 0.028, 10: 0.025}


def r(rank, category="other", negative=False, url=None):
    return {"rank": rank, "url": url or f"https://site{rank}.example/", "category": category, "negative": negative}


@pytest.mark.parametrize("results, expected", [
    ([], 0.0),
    ([r(1, "own"), r(2, "review"), r(3, "social")], 0.0),
    ([r(2, "complaint")], 0.157),
    # complaint at 2 + negative review at 5; a negative own page and a complaint at 11 do not count
    ([r(1, "own", True), r(2, "complaint"), r(4, "review"), r(5, "review", True), r(11, "complaint")], 0.229),
    ([r(1, "complaint", True), r(10, "news", True)], 0.31),
    ([r(rank, "complaint") for rank in range(1, 21)], 0.88),
    # the same rank twice (a duplicate row) counts once
    ([r(3, "complaint"), r(3, "complaint", True, url="https://other.example/")], 0.11),
    ([{"rank": None, "category": "complaint", "url": "https://x.example/"}], 0.0),
])
def test_visibility(results, expected):
    assert rules.visibility(results) == expected


def test_visibility_is_capped_at_one(monkeypatch):
    monkeypatch.setattr(rules, "CTR", {1: 0.7, 2: 0.6})
    assert rules.visibility([r(1, "complaint"), r(2, "complaint")]) == 1.0


def test_a_threshold_change_rejudges_a_stored_review_in_the_report_query(tmp_path):
    store = Store(tmp_path / "a.db")
    item = make("review", source="trustpilot", source_id="r3", url="https://t.example/r/r3", rating=3, text="Meh.",
                published_at="2026-11-01T10:00:00Z")
    store.save_items("acme", [{**item, **classify.classify(item, 0.4)}], seen_at="2026-11-02T00:00:00.000000Z")
    assert store.query("SELECT negative FROM reviews") == [{"negative": 0}]  # the crawl's verdict at 0.4
    for threshold, negative in ((0.4, 0), (0.6, 1), (0.2, 0)):
        [row] = store.reviews_since("acme", None, threshold=threshold)
        assert row["negative"] == negative
        assert len(store.unanswered_negatives("acme", threshold=threshold)) == negative
        assert store.review_stats("acme", threshold=threshold)["unanswered"] == negative
        assert [r["negative"] for r in store.trend_rows("acme", "2026-01-01", threshold=threshold)] == [negative]
    store.close()


@pytest.mark.parametrize("count, expected", [(None, None), (0, True), (1, True), (2, False), (458, False)])
def test_suspicious_is_a_single_review_account_and_unknown_where_the_site_does_not_say(count, expected):
    assert rules.suspicious(count) is expected


def test_a_source_is_stale_after_twice_its_interval_at_least_a_day_or_two_days_when_unknown():
    read = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    four_hours, day, week = timedelta(hours=4), timedelta(days=1), timedelta(days=7)
    assert not rules.stale(read, read + 3 * four_hours, four_hours)  # a missed 4-hourly run (a reboot) or two
    assert not rules.stale(read, read + day, four_hours)
    assert rules.stale(read, read + day + timedelta(minutes=1), four_hours)
    assert not rules.stale(read, read + timedelta(hours=3), timedelta(hours=1))  # one missed hourly run: no news
    assert not rules.stale(read, read + 2 * day, day) and rules.stale(read, read + 2 * day + timedelta(minutes=1), day)
    assert not rules.stale(read, read + 2 * week, week) and rules.stale(read, read + 2 * week + timedelta(seconds=1),
                                                                         week)
    assert not rules.stale(read, read + timedelta(days=2), None)
    assert rules.stale(read, read + timedelta(days=2, minutes=1), None)
    assert rules.stale_since(read, four_hours) == read + rules.STALE_FLOOR


def test_a_review_the_site_removed_is_not_tracked():
    assert rules.tracked(None) and not rules.tracked("2026-12-01T08:00:00Z")
    rows = sqlite3.connect(":memory:").execute(
        f"SELECT {rules.tracked_sql('x')} FROM (SELECT NULL AS x UNION ALL SELECT '2026-12-01T08:00:00Z')").fetchall()
    assert [bool(value) for value, in rows] == [rules.tracked(None), rules.tracked("2026-12-01T08:00:00Z")]


@pytest.mark.parametrize("first_seen, cutoff, posted, is_open, older", [
    ("2026-11-10T09:00:00.000000Z", "2026-11-15T00:00:00.000000Z", None, True, False),  # within the window
    ("2026-11-01T09:00:00.000000Z", "2026-11-15T00:00:00.000000Z", None, False, True),  # past it: an older one
    ("2026-11-01T09:00:00.000000Z", None, None, True, False),  # the report that finds it lists it, whatever its age
    ("2026-11-10T09:00:00.000000Z", None, "2026-11-11T10:00:00.000000Z", False, False),  # answered through repscan
])
def test_a_negative_mention_is_open_until_answered_or_its_window_passes(first_seen, cutoff, posted, is_open, older):
    now = "2026-11-20T12:00:00.000000Z"
    assert rules.mention_open(first_seen, cutoff, now, posted) is is_open
    assert rules.mention_older(first_seen, cutoff, now, posted) is older
