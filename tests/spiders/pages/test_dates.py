"""The shared date helper: relative dates against `now`, site-local formats, epochs and local zones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from repscan.core import rules
from repscan.core.items import page_zone, parse_iso
from repscan.spiders.pages.common import dates as _dates

NOW = datetime(2023, 9, 5, 14, 30, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("2 months ago", "2023-07-05T00:00:00Z"),
    ("a month ago", "2023-08-05T00:00:00Z"),
    ("a week ago", "2023-08-29T00:00:00Z"),
    ("4 weeks ago", "2023-08-08T00:00:00Z"),
    ("a year ago", "2022-09-05T00:00:00Z"),
    ("4 years ago", "2019-09-05T00:00:00Z"),
    ("29 days ago", "2023-08-07T00:00:00Z"),
    ("an hour ago", "2023-09-05T13:00:00Z"),
    ("5 minutes ago", "2023-09-05T14:25:00Z"),
    ("Edited a year ago", "2022-09-05T00:00:00Z"),
    ("Reviewed 4 days ago", "2023-09-01T00:00:00Z"),
    ("yesterday", "2023-09-04T00:00:00Z"),
    ("Reviewed today", "2023-09-05T00:00:00Z"),
    ("vor 3 Tagen", "2023-09-02T00:00:00Z"),
    ("vor einer Woche", "2023-08-29T00:00:00Z"),
    ("vor einem Monat", "2023-08-05T00:00:00Z"),
    ("vor 2 Jahren", "2021-09-05T00:00:00Z"),
    ("Gestern", "2023-09-04T00:00:00Z"),
    ("il y a 2 mois", "2023-07-05T00:00:00Z"),
    ("il y a un an", "2022-09-05T00:00:00Z"),
    ("il y a 3 jours", "2023-09-02T00:00:00Z"),
    ("hace 3 semanas", "2023-08-15T00:00:00Z"),
    ("hace un año", "2022-09-05T00:00:00Z"),
    ("2 mesi fa", "2023-07-05T00:00:00Z"),
    ("há 2 dias", "2023-09-03T00:00:00Z"),
    ("3 dagen geleden", "2023-09-02T00:00:00Z"),
])
def test_relative_dates_resolve_against_now_and_are_approximate(text, expected):
    assert _dates.parse(text, now=NOW) == (expected, True)


def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month():
    assert _dates.relative("a month ago", datetime(2023, 3, 31, 9, tzinfo=timezone.utc)) == \
        datetime(2023, 2, 28, tzinfo=timezone.utc)
    assert _dates.relative("a year ago", datetime(2024, 2, 29, tzinfo=timezone.utc)) == \
        datetime(2023, 2, 28, tzinfo=timezone.utc)


def test_a_naive_now_is_utc_and_the_default_now_is_the_current_time():
    assert _dates.relative("2 days ago", datetime(2023, 9, 5, 23, 0)) == datetime(2023, 9, 3, tzinfo=timezone.utc)
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    assert _dates.relative("today") == today


@pytest.mark.parametrize("text, expected", [
    ("6/17/2019", "2019-06-17"),
    ("11/2/2021", "2021-11-02"),
    ("6/17/19", "2019-06-17"),
    ("17.06.2019", "2019-06-17"),
    ("January 5, 2019", "2019-01-05"),
    ("Jan 5, 2019", "2019-01-05"),
    ("Sept. 21st, 2023", "2023-09-21"),
    ("Reviewed July 24, 2018", "2018-07-24"),
    ("Written November 12, 2023", "2023-11-12"),
    ("24 July 2018", "2018-07-24"),
    ("5 janv. 2019", "2019-01-05"),
    ("1er mars 2019", "2019-03-01"),
    ("5. März 2019", "2019-03-05"),
    ("5 de enero de 2019", "2019-01-05"),
    ("12 dicembre 2020", "2020-12-12"),
    ("2019-01-05", "2019-01-05"),
    ("2024-06-20T07:45:12.000Z", "2024-06-20T07:45:12Z"),
    ("2024-06-20T09:45:12+02:00", "2024-06-20T07:45:12Z"),
])
def test_absolute_dates_are_exact(text, expected):
    assert _dates.parse(text, now=NOW) == (expected, False)


def test_day_first_reads_slashed_dates_the_european_way():
    assert _dates.parse("05/01/2019", day_first=True) == ("2019-01-05", False)
    assert _dates.parse("05/01/2019") == ("2019-05-01", False)


def test_a_bare_month_is_its_first_day_and_approximate():
    assert _dates.parse("Date of experience: July 2018") == ("2018-07-01", True)
    assert _dates.parse("wrote a review Nov 2023") == ("2023-11-01", True)


@pytest.mark.parametrize("text", [None, "", "   ", "nonsense", "13/45/2019", "February 30, 2019", "5 stars"])
def test_text_without_a_date_is_none(text):
    assert _dates.parse(text, now=NOW) == (None, False)


def test_absolute_returns_a_utc_datetime():
    assert _dates.absolute("Reviewed 3/1/2018") == datetime(2018, 3, 1, tzinfo=timezone.utc)
    assert _dates.absolute("no date here") is None


@pytest.mark.parametrize("value, expected", [
    (1519954124, "2018-03-02T01:28:44Z"),              # seconds
    (1688125590509, "2023-06-30T11:46:30Z"),           # milliseconds
    (1688125590509285, "2023-06-30T11:46:30Z"),        # microseconds
    (0, None), (-5, None), (True, None), ("1519954124", None), (None, None),
])
def test_epochs_in_any_unit(value, expected):
    assert _dates.from_epoch(value) == expected


def test_local_time_of_a_site_becomes_utc_across_daylight_saving():
    assert _dates.local_to_utc("2016-08-29 00:41:13", "America/Los_Angeles") == "2016-08-29T07:41:13Z"
    assert _dates.local_to_utc("2016-12-29 00:41:13", "America/Los_Angeles") == "2016-12-29T08:41:13Z"
    assert _dates.local_to_utc("2016-12-29T00:41:13+00:00", "America/Los_Angeles") == "2016-12-29T00:41:13Z"
    assert _dates.local_to_utc("", "America/Los_Angeles") is None
    assert _dates.local_to_utc("last week", "America/Los_Angeles") is None


@pytest.mark.parametrize("text, tz, expected", [
    ("2026-12-05T08:00:00", "Asia/Tokyo", "2026-12-04T23:00:00Z"),         # 08:00 in Tokyo, where the business is
    ("2026-12-05 08:00:00", "Asia/Tokyo", "2026-12-04T23:00:00Z"),
    ("2026-12-05T08:00:00+01:00", "Asia/Tokyo", "2026-12-05T07:00:00Z"),   # an offset the page gives wins
    ("2026-12-05T08:00:00Z", "Asia/Tokyo", "2026-12-05T08:00:00Z"),
    ("2026-12-05", "Asia/Tokyo", "2026-12-05"),                            # a calendar day stays that day
    ("2026-12-05T08:00:00", None, "2026-12-05T08:00:00Z"),                 # no zone given: UTC
])
def test_a_time_without_an_offset_is_the_business_local_time(text, tz, expected):
    with page_zone(tz):
        assert _dates.when(text) == expected
        assert _dates.parse(text)[0] == expected


def test_a_reply_50_minutes_after_its_review_across_the_spring_change_is_50_minutes():
    with page_zone("America/Los_Angeles"):  # 8 Mar 2026: 02:00 PST becomes 03:00 PDT
        review, reply = _dates.when("2026-03-08T01:40:00"), _dates.when("2026-03-08T03:30:00")
    delay = rules.reply_delay(parse_iso(review), parse_iso(reply), tz="America/Los_Angeles")
    assert (delay.delta, delay.within_hours(1)) == (timedelta(minutes=50), True)


def test_a_social_time_is_read_on_the_business_clock():
    now = datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)  # 10:00 on 5 Dec in Tokyo, still 4 Dec in UTC
    with page_zone("Asia/Tokyo"):
        assert _dates.social_time("Yesterday at 20:00", now) == "2026-12-04T11:00:00Z"  # 4 Dec, 20:00 JST
        assert _dates.social_time("4 December 2026 at 20:00", None) == "2026-12-04T11:00:00Z"


def test_a_foreign_time_without_an_offset_is_the_business_local_time():
    now = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
    with page_zone("Asia/Tokyo"):
        assert _dates.parse("2026年12月5日 8:00", now=now, language="ja") == ("2026-12-04T23:00:00Z", False)
        assert _dates.parse("5 grudnia 2026", now=now, language="pl") == ("2026-12-05", False)  # a day stays its day
    assert _dates.parse("2026年12月5日 8:00", now=now, language="ja") == ("2026-12-05T08:00:00Z", False)  # cached apart
