"""When a client's crawl or report is due: cron expressions in the client's timezone, missed runs caught up once."""

from __future__ import annotations

import shlex
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from croniter import croniter

JOBS = ("crawl", "report")
WAITS_FOR_SLOT = ("report",)  # never run: waits for its next slot (a first report straight after a first, maybe
# partial, crawl, at night or on a Saturday, is not the one the client was promised); a crawl runs at once


@dataclass(frozen=True)
class Due:
    client_id: str
    job: str
    slot: datetime  # the latest scheduled time at or before now (UTC)
    missed: int  # slots since the last run that were not run (caught up once, not each)
    first: bool = False  # never ran and waits (WAITS_FOR_SLOT): record `slot` as done, do nothing now


# A clock change moves local time by at most this much (DST: an hour; a few zones: two).
_SHIFT = timedelta(hours=3)


def last_slot(expression: str, tz: str, now: datetime) -> datetime:
    """The latest time at or before `now` that `expression` names, read in `tz`; returned in UTC (slots)."""
    zone = ZoneInfo(tz)
    wall_now = _wall(now, zone)
    it = croniter(expression, wall_now + _SHIFT + timedelta(seconds=1))  # walls ahead of now's, after a clock went back
    best, found_wall = None, None
    while True:
        wall = it.get_prev(datetime)
        if found_wall is not None and (wall < found_wall - _SHIFT or _steady(zone, best, now)):
            return best
        passed = [moment for moment in _moments(wall, zone, _hourly(expression)) if moment <= now]
        if passed:
            best = max(passed) if best is None else max(best, *passed)
            found_wall = found_wall or wall


def interval(expression: str, tz: str, now: datetime) -> timedelta | None:
    """The gap between the last two times `expression` names before `now` (rules.stale's yardstick); None when the
    expression or the zone cannot say."""
    try:
        last = last_slot(expression, tz, now)
        return last - last_slot(expression, tz, last - timedelta(seconds=1))
    except (ValueError, KeyError):
        return None


def slots_between(expression: str, tz: str, after: datetime, until: datetime, limit: int = 10_000) -> int:
    """How many scheduled times fall in (after, until] (slots)."""
    zone = ZoneInfo(tz)
    it = croniter(expression, _wall(after, zone) - _SHIFT)
    end, hourly, found = _wall(until, zone) + _SHIFT, _hourly(expression), set()
    while len(found) < limit:
        wall = it.get_next(datetime)
        if wall > end:
            break
        found.update(moment for moment in _moments(wall, zone, hourly) if after < moment <= until)
    return min(len(found), limit)


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The local wall-clock time of `moment` in `zone`, naive."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _hourly(expression: str) -> bool:
    """Whether the expression runs every hour (its hour field is *): it runs again in an hour a clock repeats."""
    return croniter(expression).expanded[1] == ["*"]


def _steady(zone: ZoneInfo, since: datetime, now: datetime) -> bool:
    """No clock change near the span from `since` to `now` (within a day): its wall times map to UTC in order."""
    return now - since < timedelta(days=1) and (since - _SHIFT).astimezone(zone).utcoffset() == \
        (now + _SHIFT).astimezone(zone).utcoffset()


def _moments(wall: datetime, zone: ZoneInfo, hourly: bool) -> list[datetime]:
    """The UTC moments a slot at local `wall` time runs, as cron does: a wall time the clock passes twice (the
    hour after DST ends) runs once, at its first pass, unless the job runs every hour; one the clock skips (DST
    starts) runs when the clock jumps past it."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(timezone.utc)
    if first == second:
        return [first]
    if first < second:  # passed twice
        return [first, second] if hourly else [first]
    low, high = second, first  # skipped: the jump lies between; find it to the minute
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        low, high = (low, middle) if _wall(middle, zone) >= wall else (middle, high)
    return [high.replace(second=0, microsecond=0)]


def due(client_id: str, job: str, expression: str, tz: str, last_done: datetime | None, now: datetime) -> Due | None:
    """The job is due when a scheduled time has passed since it last ran (or it never ran: a crawl at once;
    a job in WAITS_FOR_SLOT comes back `first`, to record its latest slot as done, and is due at the next)."""
    slot = last_slot(expression, tz, now)
    if last_done is None and job in WAITS_FOR_SLOT:
        return Due(client_id, job, slot, 0, first=True)
    if last_done is not None and slot <= last_done:
        return None
    missed = slots_between(expression, tz, last_done, now) - 1 if last_done is not None else 0
    return Due(client_id, job, slot, max(missed, 0))


def in_quiet_hours(quiet: str | None, tz: str, now: datetime) -> bool:
    """Whether `now` falls in a "22:00-07:00" style window in the client's timezone (may wrap midnight)."""
    if not quiet:
        return False
    start, end = parse_window(quiet)
    local = now.astimezone(ZoneInfo(tz)).time()
    return (start <= local < end) if start <= end else (local >= start or local < end)


def quiet_until(quiet: str, tz: str, now: datetime) -> datetime:
    """When the quiet window that contains `now` ends (UTC)."""
    _, end = parse_window(quiet)
    local = now.astimezone(ZoneInfo(tz))
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(timezone.utc)


def parse_window(text: str) -> tuple[time, time]:
    try:
        start, end = (part.strip() for part in text.split("-"))
        return time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        raise ValueError(f"{text!r} is not a window like 22:00-07:00") from None


def executable() -> str:
    """The repscan command of this installation (the venv's script), as a shell word sequence."""
    script = Path(sys.executable).parent / "repscan"
    if script.is_file():
        return shlex.quote(str(script))
    found = shutil.which("repscan")
    return shlex.quote(found) if found else f"{shlex.quote(sys.executable)} -m repscan.app.cli"


def crontab_line(config_path: Path, every_minutes: int = 5, command: str | None = None) -> str:
    folder = shlex.quote(str(config_path.resolve().parent))
    return (f"*/{every_minutes} * * * * cd {folder} && {command or executable()} --config "
            f"{shlex.quote(config_path.name)} run >> repscan-run.log 2>&1")


def systemd_units(config_path: Path, every_minutes: int = 5, command: str | None = None) -> dict[str, str]:
    """A oneshot service and its timer: 2 minutes after boot, then every_minutes after each run. No Persistent=: systemd
    applies it to OnCalendar= alone; a slot missed while the machine was off is caught up by the next run (due)."""
    exe = command or executable()
    folder = config_path.resolve().parent
    service = f"""[Unit]
Description=repscan: crawl, alert and report whatever is due
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory={folder}
ExecStart={exe} --config {config_path.resolve()} run
# SMTP and API secrets, one VAR=value per line, readable by this user only:
EnvironmentFile=-{folder}/repscan.env
TimeoutStartSec=2h
"""
    timer = f"""[Unit]
Description=Run repscan every {every_minutes} minutes

[Timer]
OnBootSec=2min
OnUnitActiveSec={every_minutes}min

[Install]
WantedBy=timers.target
"""
    return {"repscan.service": service, "repscan.timer": timer}
