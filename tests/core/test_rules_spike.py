"""The spike rule at its edges: the minimum, the factor over the usual rate, the window, the baseline span, the lookback."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from repscan.core import rules

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def weekly(weeks: int, before: datetime = NOW) -> list[datetime]:
    """One negative a week for `weeks` weeks before `before` (the issue's quiet place)."""
    return [before - timedelta(days=7 * n + 3) for n in range(weeks)]


def burst(count: int, start: datetime = NOW - 2 * HOUR, step: timedelta = 10 * timedelta(minutes=1)) -> list[datetime]:
    return [start + i * step for i in range(count)]


def test_three_in_an_hour_on_a_place_that_gets_one_a_week_is_a_spike():
    new = burst(3)
    found = rules.spike(weekly(13) + new, new, NOW)
    assert found is not None and found.members == (0, 1, 2) and found.start == new[0]
    assert found.usual == pytest.approx(13 / 90)  # negatives per day over the 90 days before


def test_two_are_never_a_spike_even_with_no_history():
    new = burst(2)
    assert rules.spike(new, new, NOW) is None
    new = burst(3)
    found = rules.spike(new, new, NOW)  # no history: the minimum alone decides
    assert found is not None and found.usual == 0


def test_the_factor_over_the_usual_rate_decides_for_a_busy_source():
    # One negative a day for 90 days predicts 1 a window: a spike needs 5 (SPIKE_FACTOR), 4 is an ordinary bad day.
    daily = [NOW - timedelta(days=n, hours=3) for n in range(1, 91)]
    assert rules.spike(daily + burst(4), burst(4), NOW) is None
    found = rules.spike(daily + burst(5), burst(5), NOW)
    assert found is not None and len(found.members) == 5 and found.usual == pytest.approx(1.0, rel=0.02)


def test_the_window_is_a_day_from_the_burst_s_first_negative():
    spread = [NOW - 30 * HOUR, NOW - 20 * HOUR, NOW - 6 * HOUR]  # the first and last 24 h apart
    assert rules.spike(spread, spread, NOW) is None
    within = [NOW - 23 * HOUR, NOW - 20 * HOUR, NOW - 6 * HOUR]
    assert rules.spike(within, within, NOW).members == (0, 1, 2)


def test_the_biggest_burst_wins_and_history_outside_the_baseline_does_not_count():
    old = [NOW - timedelta(days=200) + timedelta(minutes=i) for i in range(50)]  # a flood long ago
    new = burst(3, NOW - 3 * DAY) + burst(4)
    found = rules.spike(old + new, new, NOW)
    assert found is not None and found.members == (3, 4, 5, 6)
    assert found.usual == pytest.approx(3 / 90)  # the earlier burst is in its baseline; the flood is not


def test_the_burst_itself_is_not_its_own_baseline():
    new = burst(3)
    assert rules.spike(new + new, new, NOW).usual == 0


def test_an_old_burst_is_not_news():
    new = burst(3, NOW - rules.SPIKE_LOOKBACK - HOUR)
    assert rules.spike(new, new, NOW) is None


@pytest.mark.parametrize("published, precision, history, expected", [
    ("2026-11-18T09:00:00Z", "exact", False, "2026-11-18T09:00:00Z"),
    ("2026-11-18T00:00:00Z", "day", False, "2026-11-18T00:00:00Z"),
    ("2026-11-01T00:00:00Z", "approximate", False, "SEEN"),  # "3 weeks ago": when we saw it is closer
    ("2026-11-01T00:00:00Z", "approximate", True, "2026-11-01T00:00:00Z"),  # history: seen is only the import
    (None, None, False, "SEEN"),
    (None, None, True, "SEEN"),
])
def test_spike_time(published, precision, history, expected):
    assert rules.spike_time(published, precision, "SEEN", history=history) == expected


def test_a_burst_the_client_was_told_of_one_by_one_is_no_spike_but_one_new_member_makes_it_news():
    new = burst(3)
    assert rules.spike(new, new, NOW, told=[True, True, True]) is None
    found = rules.spike(new, new, NOW, told=[True, True, False])
    assert found is not None and found.members == (0, 1, 2)  # the told ones still count towards its size
    assert rules.spike_told(False, "2026-11-18T10:00:00Z", "2026-11-18T11:00:00Z")  # a sent report covered it
    assert not rules.spike_told(False, "2026-11-18T10:00:00Z", "2026-11-18T09:00:00Z")
    assert rules.spike_told(True, "2026-11-18T10:00:00Z", None)  # an alert of its own
