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


def last_slot(expression: str, tz: str, now: datetime) -> datetime:
    """The latest time at or before `now` that `expression` names, read in `tz`; returned in UTC."""
    local_now = now.astimezone(ZoneInfo(tz))
    it = croniter(expression, local_now + timedelta(seconds=1))
    return it.get_prev(datetime).astimezone(timezone.utc)


def interval(expression: str, tz: str, now: datetime) -> timedelta | None:
    """The gap between the last two times `expression` names before `now` (rules.stale's yardstick); None when the
    expression or the zone cannot say."""
    try:
        last = last_slot(expression, tz, now)
        return last - last_slot(expression, tz, last - timedelta(seconds=1))
    except (ValueError, KeyError):
        return None


def slots_between(expression: str, tz: str, after: datetime, until: datetime, limit: int = 10_000) -> int:
    """How many scheduled times fall in (after, until]."""
    it = croniter(expression, after.astimezone(ZoneInfo(tz)))
    count = 0
    while count < limit:
        slot = it.get_next(datetime).astimezone(timezone.utc)
        if slot > until:
            break
        count += 1
    return count


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
