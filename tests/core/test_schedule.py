"""Schedules in the client's timezone, one catch-up for missed runs, quiet hours, cron and systemd output."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from repscan.core.schedule import (crontab_line, due, in_quiet_hours, interval, last_slot, quiet_until, slots_between,
                                   systemd_units)

UTC = timezone.utc


@pytest.mark.parametrize("tz, expected_utc", [
    ("Europe/London", datetime(2026, 11, 16, 8, 0, tzinfo=UTC)),        # GMT in November
    ("America/New_York", datetime(2026, 11, 16, 13, 0, tzinfo=UTC)),    # EST, UTC-5
    ("Asia/Tokyo", datetime(2026, 11, 15, 23, 0, tzinfo=UTC)),          # JST, UTC+9: Monday 08:00 is Sunday UTC
    ("Europe/Bucharest", datetime(2026, 11, 16, 6, 0, tzinfo=UTC)),     # EET, UTC+2
])
def test_weekly_report_slot_is_monday_8am_local(tz, expected_utc):
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
    assert last_slot("0 8 * * 1", tz, now) == expected_utc


def test_summer_time_shifts_the_utc_slot():
    assert last_slot("0 8 * * *", "Europe/Berlin", datetime(2026, 7, 1, 12, tzinfo=UTC)).hour == 6
    assert last_slot("0 8 * * *", "Europe/Berlin", datetime(2026, 12, 1, 12, tzinfo=UTC)).hour == 7


def test_a_crawl_never_run_is_due_now_and_done_is_not_due_until_the_next_slot():
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    first = due("acme", "crawl", "0 8 * * 1", "UTC", None, now)
    assert first is not None and not first.first and first.slot == datetime(2026, 11, 16, 8, tzinfo=UTC)
    assert first.missed == 0
    assert due("acme", "crawl", "0 8 * * 1", "UTC", first.slot, now) is None
    assert due("acme", "crawl", "0 8 * * 1", "UTC", first.slot, datetime(2026, 11, 23, 8, 0, 1, tzinfo=UTC)) is not None


def test_a_report_never_run_waits_for_its_next_slot():
    saturday = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # a new client's first run, at night on a Saturday
    first = due("acme", "report", "0 8 * * 1", "UTC", None, saturday)
    assert first.first and first.slot == datetime(2026, 11, 16, 8, tzinfo=UTC)  # recorded as done, not sent
    assert due("acme", "report", "0 8 * * 1", "UTC", first.slot, saturday) is None
    monday = due("acme", "report", "0 8 * * 1", "UTC", first.slot, datetime(2026, 11, 23, 8, 0, 1, tzinfo=UTC))
    assert monday is not None and not monday.first and monday.slot == datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_machine_off_for_three_weeks_catches_up_once():
    last = datetime(2026, 10, 26, 8, tzinfo=UTC)
    now = datetime(2026, 11, 18, 12, tzinfo=UTC)
    caught = due("acme", "report", "0 8 * * 1", "UTC", last, now)
    assert caught.slot == datetime(2026, 11, 16, 8, tzinfo=UTC)
    assert caught.missed == 2  # Nov 2 and Nov 9 are folded into this one run
    assert due("acme", "report", "0 8 * * 1", "UTC", caught.slot, now) is None


def test_quiet_hours_wrap_midnight_in_the_clients_timezone():
    window = "22:00-07:00"
    assert in_quiet_hours(window, "Europe/London", datetime(2026, 11, 18, 23, 30, tzinfo=UTC))
    assert in_quiet_hours(window, "Europe/London", datetime(2026, 11, 18, 6, 59, tzinfo=UTC))
    assert not in_quiet_hours(window, "Europe/London", datetime(2026, 11, 18, 7, 0, tzinfo=UTC))
    assert not in_quiet_hours(None, "UTC", datetime(2026, 11, 18, 23, 0, tzinfo=UTC))
    # 23:00 UTC is 08:00 in Tokyo: not quiet there
    assert not in_quiet_hours(window, "Asia/Tokyo", datetime(2026, 11, 18, 23, 0, tzinfo=UTC))
    assert quiet_until(window, "Europe/London", datetime(2026, 11, 18, 23, 30, tzinfo=UTC)) == datetime(2026, 11, 19, 7, tzinfo=UTC)


def test_crontab_and_systemd_units_name_the_config_and_the_run_command(tmp_path):
    config = tmp_path / "repscan.toml"
    line = crontab_line(config, 5, command="/opt/repscan/.venv/bin/repscan")
    assert line == f"*/5 * * * * cd {tmp_path} && /opt/repscan/.venv/bin/repscan --config repscan.toml run >> repscan-run.log 2>&1"
    units = systemd_units(config, 10, command="/opt/repscan/.venv/bin/repscan")
    assert f"ExecStart=/opt/repscan/.venv/bin/repscan --config {config} run" in units["repscan.service"]
    timer = units["repscan.timer"]
    assert "OnBootSec=2min" in timer and "OnUnitActiveSec=10min" in timer
    # systemd applies Persistent= to OnCalendar= alone: beside these two it would promise a catch-up it never does
    # (repscan run catches up missed slots itself: schedule.due)
    assert "Persistent=" not in timer and "OnCalendar=" not in timer


def runs(expression: str, tz: str, start: datetime, hours: int = 8, job: str = "crawl") -> list[tuple[str, int]]:
    """Each time `repscan run`, called every 5 minutes from `start`, finds the job due: (UTC time, missed)."""
    last, found, now = None, [], start
    while now < start + timedelta(hours=hours):
        slot = due("acme", job, expression, tz, last, now)
        if slot is not None:
            if not slot.first:
                found.append((f"{now:%m-%d %H:%M}", slot.missed))
            last = slot.slot
        now += timedelta(minutes=5)
    return found


@pytest.mark.parametrize("expression, tz, start, expected", [
    # DST ends: 01:00-02:00 in Los Angeles (1 Nov 2026) and 03:00-04:00 in Kyiv (25 Oct 2026) pass twice
    ("30 1 * * *", "America/Los_Angeles", datetime(2026, 11, 1, 7, 0, tzinfo=UTC), [("11-01 08:30", 0)]),
    ("30 3 * * *", "Europe/Kyiv", datetime(2026, 10, 24, 23, 0, tzinfo=UTC), [("10-25 00:30", 0)]),
    ("0 * * * *", "America/Los_Angeles", datetime(2026, 11, 1, 7, 5, tzinfo=UTC),
     [("11-01 08:00", 0), ("11-01 09:00", 0), ("11-01 10:00", 0), ("11-01 11:00", 0)]),
    ("0 * * * *", "Europe/Kyiv", datetime(2026, 10, 24, 23, 5, tzinfo=UTC),
     [("10-25 00:00", 0), ("10-25 01:00", 0), ("10-25 02:00", 0), ("10-25 03:00", 0)]),
    # DST starts: 02:00-03:00 in Los Angeles (8 Mar 2026) and 03:00-04:00 in Kyiv (29 Mar 2026) never happen;
    # a slot in them runs once, when the clock jumps past it
    ("30 2 * * *", "America/Los_Angeles", datetime(2026, 3, 8, 8, 0, tzinfo=UTC), [("03-08 10:00", 0)]),
    ("30 3 * * *", "Europe/Kyiv", datetime(2026, 3, 29, 0, 0, tzinfo=UTC), [("03-29 01:00", 0)]),
    ("0 * * * *", "America/Los_Angeles", datetime(2026, 3, 8, 8, 5, tzinfo=UTC),
     [("03-08 09:00", 0), ("03-08 10:00", 0), ("03-08 11:00", 0), ("03-08 12:00", 0)]),
])
def test_a_clock_change_runs_each_slot_once(expression, tz, start, expected):
    assert runs(expression, tz, start, hours=4, job="report") == expected


def test_a_schedule_every_quarter_hour_runs_through_the_repeated_hour():
    found = runs("*/15 * * * *", "America/Los_Angeles", datetime(2026, 11, 1, 7, 50, tzinfo=UTC), hours=3, job="report")
    assert [at for at, _ in found] == [f"11-01 {h:02d}:{m:02d}" for h in (8, 9, 10) for m in (0, 15, 30, 45)]
    assert {missed for _, missed in found} == {0}


def test_slots_are_counted_once_across_both_clock_changes():
    assert slots_between("30 1 * * *", "America/Los_Angeles", datetime(2026, 10, 31, 12, tzinfo=UTC),
                         datetime(2026, 11, 2, 12, tzinfo=UTC)) == 2
    assert slots_between("0 * * * *", "America/Los_Angeles", datetime(2026, 11, 1, 7, 30, tzinfo=UTC),
                         datetime(2026, 11, 1, 10, 30, tzinfo=UTC)) == 3  # 01:00 PDT, 01:00 PST, 02:00 PST
    assert slots_between("0 * * * *", "Europe/Kyiv", datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
                         datetime(2026, 3, 29, 2, 30, tzinfo=UTC)) == 3  # 02:00 EET; 04:00 EEST (the skipped 03:00
    # runs then, once); 05:00 EEST
    assert interval("30 1 * * *", "America/Los_Angeles", datetime(2026, 11, 2, 12, tzinfo=UTC)) == timedelta(hours=25)
