"""A spike alert's words (what burst, how close together, the usual rate, its delivery) in the reader's language."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from repscan.core import i18n, rules
from repscan.core.config import Client
from repscan.core.i18n import _, ngettext
from repscan.core.items import parse_iso
from repscan.reports.model import format_day


def facts(alert: dict) -> dict | None:
    """What a spike alert stored to be told (count, what, span, usual: spike_facts); None for a row from before it
    stored them (its title and detail are words in the language of the day it was made)."""
    return json.loads(alert["facts"]) if alert.get("facts") else None


def spike_facts(burst: list[dict], usual: float) -> dict:
    """The facts of a burst (its rows, oldest first, each with "at", "kind" and its precision) and its source's usual
    rate per window: how many, of what, and how close together. For reviews the site dates by day only (their time
    is the date's midnight) the day itself or "within a day", never hours they do not have."""
    if any(map(day_dated, burst)):
        days = {row["at"].date() for row in burst}
        span = {"day": burst[0]["at"].date().isoformat()} if len(days) == 1 else {"days": 1}
    else:  # 1.4 h: within 2 hours
        span = {"hours": math.ceil((burst[-1]["at"] - burst[0]["at"]).total_seconds() / 3600)}
    return {"count": len(burst), "what": spiked(burst), "usual": usual, **span}


def day_dated(row: dict) -> bool:
    """A burst's review counted at a date the site gives by day only (its time is that date's midnight, UTC)."""
    return row["published_precision"] == "day" and row["at"] == parse_iso(row["published_at"])


def spiked(burst: list[dict]) -> str:
    """What a burst is made of: "review", "post" or "mixed" (an alert before posts counted lists reviews only)."""
    kinds = {entry.get("kind", "review") for entry in burst}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def title(alert: dict) -> str:
    """'3 negative reviews within the hour', '4 negative reviews on 4 Dec', in the current language."""
    found = facts(alert)
    if found is None:
        return alert["title"]
    if "day" in found:
        span = _("on %(day)s", day=format_day(datetime.fromisoformat(found["day"]), "UTC"))
    elif "days" in found:
        span = _("within a day")
    elif found["hours"] <= 1:
        span = _("within the hour")
    else:
        span = ngettext("within %(num)d hour", "within %(num)d hours", found["hours"])
    return _("%(negatives)s %(span)s", negatives=negatives(found["count"], found["what"]), span=span)


def negatives(count: int, what: str) -> str:
    """'3 negative reviews', '3 negative posts' or '3 negative reviews and posts'."""
    if what == "post":
        return ngettext("%(num)d negative post", "%(num)d negative posts", count)
    if what == "mixed":
        return ngettext("%(num)d negative review or post", "%(num)d negative reviews and posts", count)
    return ngettext("%(num)d negative review", "%(num)d negative reviews", count)


def usual(alert: dict) -> str:
    """The source's usual rate in words, per week, in the current language."""
    found = facts(alert)
    return alert["detail"] if found is None else usual_words(found["usual"])


def usual_words(per_window: float) -> str:
    per_week = round(per_window * (timedelta(days=7) / rules.SPIKE_WINDOW), 1)
    return (_("usually about %(rate)s a week", rate=i18n.number(per_week)) if per_week
            else _("none in the %(days)d days before", days=rules.SPIKE_BASELINE.days))


def has_channel(client: Client) -> bool:
    """Whether the client gets alerts at all: an alert recipient, a report recipient or an Apprise URL."""
    return bool(client.alert_recipients or client.recipients or client.apprise)


def delivery(alert: dict, client: Client, now: str, named_day: date | None = None) -> str | None:
    """What became of the alert by `now` (the report's end), as its sent_at and error say: sent at a time (the
    client's; with its day, unless that is the day the sentence already names, `named_day`, else `now`'s), held for the end of quiet hours, not delivered (every address given
    up included: never sent), not sent yet; None when the client has no alert channel (nothing was to go)."""
    if alert["sent_at"]:
        zone = ZoneInfo(client.timezone)
        local = parse_iso(alert["sent_at"]).astimezone(zone)
        if local.date() == (named_day or parse_iso(now).astimezone(zone).date()):
            return _("an alert went out at %(time)s", time=f"{local:%H:%M}")
        return _("an alert went out on %(day)s at %(time)s", day=format_day(local, client.timezone),
                 time=f"{local:%H:%M}")
    if not has_channel(client):
        return None
    if alert["error"]:
        return _("the alert could not be delivered")
    if alert["due_at"] > max(alert["created_at"], now):
        return _("an alert is waiting for the end of quiet hours")
    return _("the alert has not gone out yet")

