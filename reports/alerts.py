"""Immediate alerts: each new complaint once, by email and Apprise, held back during the client's quiet hours."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from repscan.core import sites
from repscan.core.config import Client, Config
from repscan.core.items import stamp, utcnow
from repscan.core.schedule import in_quiet_hours, quiet_until
from repscan.core.store import Store
from repscan.reports import mail

RECENT = timedelta(hours=48)  # history alerts only this fresh; and an item this much older than the cut-off is history


@dataclass
class AlertResult:
    client_id: str
    sent: int
    error: str | None = None


def next_step(kind: str, source: str | None) -> str:
    where = sites.label(source) if source else "the site"
    if kind == "search":
        return ("This complaint is on page one when people search your name. Answer it where it stands if the "
                "site allows a response, ask the customer to update it once resolved, and strengthen your own "
                "pages for this search.")
    return (f"Reply publicly on {where} within the hour: thank them, apologise for the experience, and say "
            "how you will fix it. Then take the conversation offline (phone or email) and resolve it.")


def collect(config: Config, store: Store, now: datetime) -> int:
    """Create an alert row for each item that needs one; due now, or when quiet hours end."""
    rows = []
    for client in config.clients:
        due_at = quiet_until(client.quiet_hours, client.timezone, now) \
            if in_quiet_hours(client.quiet_hours, client.timezone, now) else now
        for item in store.alert_candidates(client.id, stamp(now - RECENT), threshold=client.negative_threshold,
                                           slack_hours=RECENT.total_seconds() / 3600):
            rows.append(_row(client, item, now, due_at))
    return store.add_alerts(rows)


def _row(client: Client, item: dict, now: datetime, due_at: datetime) -> dict:
    if item["kind"] == "search":
        key = f"{item['engine']}:{item['query']}:{item['url']}"
        detail = f"#{item['rank']} on {sites.label(item['engine'])} for “{item['query']}” ({item['category']})"
        source, text, rating, rating_max = item["engine"], item["snippet"], None, None
    else:
        key = f"{item['source']}:{item['source_id']}"
        detail = f"by {item['author']}" if item.get("author") else ""
        source, text, rating, rating_max = item["source"], item["text"], item.get("rating"), item.get("rating_max")
    return {
        "client_id": client.id, "kind": item["kind"], "item_key": key, "created_at": stamp(now),
        "due_at": stamp(due_at), "source": source, "title": item.get("title"), "text": text,
        "url": item.get("url"), "rating": rating, "rating_max": rating_max, "detail": detail,
    }


def deliver(config: Config, store: Store, now: datetime, smtp: mail.SmtpSettings | None) -> list[AlertResult]:
    """Send every due alert: one email per client listing them, and one Apprise notification per alert."""
    pending = store.pending_alerts(stamp(now))
    by_client: dict[str, list[dict]] = {}
    for alert in pending:
        by_client.setdefault(alert["client_id"], []).append(alert)
    results = []
    for client_id, alerts in by_client.items():
        client = config.client(client_id)
        channels, errors = [], []
        if smtp is None and not client.apprise:
            errors.append("no alert channel: REPSCAN_SMTP_URL is not set and the client has no apprise URLs")
        if smtp is not None:
            try:
                mail.send_message(alert_message(config, client, alerts), smtp)
                channels.append("email")
            except Exception as exc:
                errors.append(f"email: {type(exc).__name__}: {exc}")
        for url in client.apprise:
            try:
                _apprise(resolve_url(url), client, alerts)
                channels.append(url if url.startswith("$") else url.split("://")[0])
            except Exception as exc:
                errors.append(f"apprise {url.split('://')[0]}: {exc}")
        ids = [a["id"] for a in alerts]
        delivered = bool(channels)
        store.mark_alerts(ids, sent_at=stamp(utcnow()) if delivered else None, channels=",".join(channels),
                          error="; ".join(errors) or None)
        results.append(AlertResult(client_id, len(ids) if delivered else 0, "; ".join(errors) or None))
    return results


def resolve_url(url: str) -> str:
    """An Apprise URL, read from the environment when written as $VARIABLE (tokens stay out of the config)."""
    if url.startswith("$"):
        value = os.environ.get(url[1:])
        if not value:
            raise ValueError(f"{url[1:]} is not set")
        return value
    return url


def _apprise(url: str, client: Client, alerts: list[dict]) -> None:
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise ValueError("not a URL Apprise understands")
    for alert in alerts:
        title = f"{client.name}: {headline(alert)}"
        body = "\n".join(filter(None, [alert["detail"], alert["title"], alert["text"], alert["url"],
                                       next_step(alert["kind"], alert["source"])]))
        if not notifier.notify(body=body, title=title):
            raise RuntimeError("the service did not accept the notification")


def headline(alert: dict) -> str:
    if alert["kind"] == "search":
        return "a complaint is on page one of your search results"
    stars = ""
    if alert["rating"] is not None:
        stars = f" ({alert['rating']:g}/{alert['rating_max'] or 5:g})"
    noun = "review" if alert["kind"] == "review" else "post"
    return f"new negative {noun} on {sites.label(alert['source'])}{stars}"


def alert_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    msg = EmailMessage()
    count = len(alerts)
    msg["Subject"] = (f"Alert for {client.name}: {headline(alerts[0])}" if count == 1
                      else f"Alert for {client.name}: {count} new complaints need a reply")
    msg["From"] = config.agency.sender
    msg["To"] = ", ".join(client.alert_recipients or client.recipients)
    msg["Message-ID"] = make_msgid(domain=config.agency.sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    parts = [f"{count} item{'s' if count != 1 else ''} for {client.name} need{'s' if count == 1 else ''} attention now.\n"]
    for alert in alerts:
        parts.append("\n".join(filter(None, [
            f"* {headline(alert)}", f"  {alert['detail']}" if alert["detail"] else None,
            f"  {alert['title']}" if alert["title"] else None,
            f"  {alert['text']}" if alert["text"] else None,
            f"  {alert['url']}" if alert["url"] else None,
            f"  Next step: {next_step(alert['kind'], alert['source'])}",
        ])))
    parts.append(f"\n-- \n{config.agency.name}")
    msg.set_content("\n\n".join(parts))
    return msg
