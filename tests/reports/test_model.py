"""The report data model: stars, reply timing, formatting helpers, branding checks."""

from datetime import datetime, timedelta, timezone

import pytest
from report_samples import NOW, review, sample_data

from repscan.reports.model import (
    Branding,
    SourceHealth,
    Summary,
    format_date,
    format_datetime,
    format_delay,
    trim_text,
)


@pytest.mark.parametrize(
    "rating, rating_max, stars",
    [
        (1, 5, "★☆☆☆☆"),
        (2, 5, "★★☆☆☆"),
        (5, 5, "★★★★★"),
        (0, 5, "☆☆☆☆☆"),
        (8, 10, "★★★★☆"),
        (2.5, 5, "★★★☆☆"),  # half up, not banker's rounding
        (7, 5, "★★★★★"),  # a bad rating_max never gives six stars
    ],
)
def test_stars_scale_to_five(rating, rating_max, stars):
    assert review(rating=rating, rating_max=rating_max).stars == stars


def test_unrated_review_has_no_stars_or_label():
    row = review(rating=None)
    assert row.stars is None
    assert row.rating_label is None
    assert review(rating=7.5, rating_max=10).rating_label == "7.5/10"


def test_reply_delay_and_waiting():
    published = NOW - timedelta(hours=10)
    answered = review(published_at=published, reply_text="Sorry!", reply_at=published + timedelta(hours=3))
    assert answered.replied
    assert answered.reply_delay == timedelta(hours=3)
    assert answered.waiting(NOW) is None

    open_one = review(published_at=published)
    assert not open_one.replied
    assert open_one.reply_delay is None
    assert open_one.waiting(NOW) == timedelta(hours=10)


def test_waiting_counts_from_first_seen_when_the_date_is_unknown():
    row = review(published_at=None, first_seen_at=NOW - timedelta(days=3))
    assert row.waiting(NOW) == timedelta(days=3)


def test_reply_without_text_still_counts_as_replied():
    row = review(reply_text=None, reply_at=NOW)
    assert row.replied


@pytest.mark.parametrize(
    "delta, text",
    [
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(minutes=59), "59 min"),
        (timedelta(hours=1, minutes=45), "1 h 45 min"),  # never "1 h": the hour is what the product measures
        (timedelta(hours=1, minutes=59, seconds=59), "1 h 59 min"),
        (timedelta(hours=9, minutes=59), "9 h 59 min"),
        (timedelta(hours=10, minutes=29), "10 h"),
        (timedelta(hours=10, minutes=30), "11 h"),  # whole hours from 10 h, rounded half up
        (timedelta(hours=26), "26 h"),
        (timedelta(hours=26, minutes=40), "27 h"),
        (timedelta(hours=47, minutes=29), "47 h"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=9, hours=23), "9 days"),
        (timedelta(hours=-2), "under a minute"),
    ],
)
def test_format_delay(delta, text):
    assert format_delay(delta) == text


def test_dates_shown_in_the_client_timezone():
    utc = datetime(2025, 3, 9, 23, 30, tzinfo=timezone.utc)
    assert format_datetime(utc, "Europe/Bucharest") == "10 Mar 2025, 01:30"
    assert format_date(utc, "America/New_York") == "9 Mar 2025"
    assert format_datetime(datetime(2025, 7, 1, 12, 0), "Asia/Tokyo") == "1 Jul 2025, 21:00"


def test_trim_text_cuts_at_a_word_and_marks_it():
    text = "word " * 400
    cut, trimmed = trim_text(text, 1200)
    assert trimmed
    assert len(cut) <= 1201
    assert cut.endswith("word…")
    assert trim_text("short", 1200) == ("short", False)
    assert trim_text(None) == ("", False)


def test_branding_accepts_only_hex_colours():
    Branding("A", primary_color="#abc", accent_color="#A1B2C3")
    with pytest.raises(ValueError, match="primary_color"):
        Branding("A", primary_color="red; background: url(http://127.0.0.1/x)")
    with pytest.raises(ValueError, match="accent_color"):
        Branding("A", accent_color="#12345")


def test_source_status_is_checked():
    with pytest.raises(ValueError, match="status"):
        SourceHealth("yelp", None, "fine", None, 0, None)


def test_unknown_timezone_fails_early():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        sample_data(timezone="Mars/Olympus")


def test_summary_change_and_awaiting_order():
    assert Summary(1, 0, 3.6, 3.9, 0, 1).avg_rating_change == pytest.approx(-0.3)
    assert Summary(1, 0, 3.6, None, 0, 1).avg_rating_change is None
    data = sample_data()
    waiting = data.awaiting_reply
    assert [r.author for r in waiting] == ["Ștefan Țurcanu", "Dana Whitfield"]


@pytest.mark.parametrize("source, url, where", [
    ("reddit", "https://www.reddit.com/r/x/comments/1", "Answer on Reddit, in the same thread"),
    ("feed", "https://www.reddit.com/r/x/comments/1", "Answer on Reddit, in the same thread"),
    ("feed", "https://www.southseanews.example/2026/bakery-fined", "Read it on www.southseanews.example: answer in its comments"),
])
def test_a_mention_is_answered_in_its_thread_only_where_it_has_one(source, url, where):
    from repscan.reports.actions import mention_action
    from repscan.reports.model import PostRow

    post = PostRow(source, url, None, "Someone", "Bakery fined", "Fined after a hygiene inspection.", "en", None,
                   datetime(2026, 12, 1, tzinfo=timezone.utc), True, "1")
    assert mention_action(post).where.startswith(where)


@pytest.mark.parametrize("watched, promise", [(True, True), (False, False)])
def test_we_are_fixing_it_only_when_someone_at_the_agency_is_told(watched, promise):
    from repscan.reports.model import SourceHealth

    health = SourceHealth("tripadvisor", "https://www.tripadvisor.com/x", "broken", NOW, 0, "layout changed: …",
                          since=NOW, watched=watched)
    words = health.words("UTC")
    assert words.startswith("We could not read your Tripadvisor page since") and "layout" not in words
    assert ("we are fixing it" in words) is promise and words.endswith("may be missing from this report.")


def test_a_review_from_any_sites_markup_is_placed_at_the_sites_domain_not_at_our_parser():
    from repscan.reports.actions import place

    assert place("jsonld", "https://www.bakery.co.uk/reviews?page=2") == "bakery.co.uk"
    assert place("trustpilot", "https://uk.trustpilot.com/review/x") == "Trustpilot"
    assert place("feed", "https://www.trustpilot.com/review/x") == "Trustpilot"


def test_a_broken_search_crawl_is_named_for_its_engine_not_for_the_site_its_url_is_on():
    """Google's results page is on www.google.com, which is Google Maps' host: the client read "your Google Maps page
    could not be read" about a search."""
    from repscan.core.sites import place
    from repscan.reports.alerts import headline

    assert place("google", "https://www.google.com/search?q=acme") == "Google"
    alert = {"kind": "source", "source": "google", "url": "https://www.google.com/search?q=acme", "category": None,
             "rating": None, "rating_max": None, "title": None}
    assert headline(alert) == "your Google page could not be read"


@pytest.mark.parametrize("zone, today, waited", [("America/Los_Angeles", "9 Mar 2025", "1 day"),
                                                  ("Pacific/Auckland", "10 Mar 2025", "2 days")])
def test_a_day_precision_date_is_its_calendar_day_in_every_zone(zone, today, waited):
    from repscan.reports.model import format_day, waited as waited_for

    day = datetime(2025, 3, 8, tzinfo=timezone.utc)  # a site's "8 Mar 2025", stored as its midnight UTC
    assert format_date(day, zone, "day") == "8 Mar 2025" and format_day(day, zone, "day") == "8 Mar"
    assert format_datetime(day, zone, "day") == "8 Mar 2025"  # no made-up time
    now = NOW - timedelta(hours=2)  # 9 Mar 22:00 in Los Angeles, 10 Mar 18:00 in Auckland
    assert format_date(now, zone) == today  # an exact time stays in the client's zone
    assert waited_for(day, "day", now, zone) == waited  # calendar days to the client's today, never hours
    assert review(published_at=day, published_precision="day").waiting(NOW) is None
