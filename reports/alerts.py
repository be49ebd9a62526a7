"""Immediate alerts: each new complaint once, by email and Apprise, held back during the client's quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from repscan.core import sites
from repscan.core.config import Client, Config
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.replies.pending import draft_open
from repscan.core.schedule import in_quiet_hours, quiet_until
from repscan.core.store import Store
from repscan.reports import mail, notify
from repscan.reports.model import format_datetime
from repscan.reports.render import environment

RECENT = timedelta(hours=48)  # history alerts only this fresh; and an item this much older than the cut-off is history


@dataclass
class AlertResult:
    client_id: str
    sent: int
    error: str | None = None


def next_step(kind: str, source: str | None) -> str:
    where = sites.label(source) if source else "the site"
    if kind == "source":
        return (f"Until it is fixed, new reviews on {where} are not seen. Check that the source URL is the business's "
                "own review page (a list or search page is not); if it is, the site changed its layout: "
                "update repscan or hand in the page (`repscan extract --save-case`).")
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
    if item["kind"] == "source":
        key, detail = item["key"], f"broken since {format_datetime(parse_iso(item['since']), client.timezone)}"
        source, text, rating, rating_max = item["source"], item["error"], None, None
    elif item["kind"] == "search":
        key = item["key"]
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
        "category": item.get("category"),
    }


def deliver(config: Config, store: Store, now: datetime, smtp: mail.SmtpSettings | None) -> list[AlertResult]:
    """Send every due alert on each of the client's channels: one email listing them, one Apprise
    notification per alert and URL. An alert is recorded per channel; it is sent once every channel
    has accepted it, and stays pending for a channel that failed or is not set up (an error line)."""
    by_client: dict[str, list[dict]] = {}
    for alert in store.pending_alerts(stamp(now)):
        by_client.setdefault(alert["client_id"], []).append(alert)
    results = []
    for client_id, alerts in by_client.items():
        client = config.client(client_id)
        alerts = with_drafts(config, client, store, alerts, now)
        channels = _channels(config, client, smtp)
        done = store.delivered("alert", [a["id"] for a in alerts])
        errors = [] if channels else ["no alert channel: the client has no alert_recipients, recipients or apprise URLs"]
        for name, (label, send) in channels.items():
            todo = [a for a in alerts if name not in done[a["id"]]]
            for batch, error in send(todo) if todo else ():
                store.record_delivery("alert", [a["id"] for a in batch], name, error=error)
                for a in batch if error is None else ():
                    done[a["id"]].add(name)
                if error:
                    errors.append(f"{label}: {error}")
        sent = [a["id"] for a in alerts if channels and set(channels) <= done[a["id"]]]
        error = "; ".join(dict.fromkeys(errors)) or None
        names = ",".join(label for label, _ in channels.values())
        store.mark_alerts(sent, sent_at=stamp(utcnow()), channels=names, error=None)
        store.mark_alerts([a["id"] for a in alerts if a["id"] not in sent], sent_at=None, channels=names, error=error)
        results.append(AlertResult(client_id, len(sent), error))
    return results


def with_drafts(config: Config, client: Client, store: Store, alerts: list[dict], now: datetime) -> list[dict]:
    """The alerts, each review or post alert with its item's reply draft ("reply": a store.replies row), drafted now
    where it has none."""
    draft_open(config, client, store, now)
    replies = store.replies_by_item(client.id)
    return [{**a, "reply": replies.get(tuple(a["item_key"].split(":", 1))) if a["kind"] in ("review", "post") else None}
            for a in alerts]


def draft_line(alert: dict) -> str | None:
    """The alert's reply draft in one line, for text channels; None without one."""
    reply = alert.get("reply")
    if not reply:
        return None
    return f"Draft reply (approve with `repscan replies approve {reply['id']}`): {reply['text']}"


def _channels(config: Config, client: Client, smtp: mail.SmtpSettings | None) -> dict:
    """The client's alert channels: name -> (label, send(alerts) yielding (alerts, error or None))."""
    channels = {}
    if client.alert_recipients or client.recipients:
        def email(alerts):
            if smtp is None:
                yield alerts, f"not sent: {mail.URL_VAR} is not set (the alert stays pending for email)"
                return
            try:
                mail.send_message(alert_message(config, client, alerts), smtp)
                yield alerts, None
            except Exception as exc:
                yield alerts, f"{type(exc).__name__}: {exc}"
        channels["email"] = ("email", email)
    for url in client.apprise:
        def apprise(alerts, url=url):
            for alert in alerts:
                try:
                    notify.notify(url, f"{client.name}: {headline(alert)}", "\n".join(filter(None, [
                        alert["detail"], alert["title"], alert["text"], alert["url"],
                        next_step(alert["kind"], alert["source"]), draft_line(alert)])))
                    yield [alert], None
                except Exception as exc:
                    yield [alert], str(exc)
                    return
        channels[notify.channel(url)] = (f"apprise {notify.label(url)}", apprise)
    return channels


def headline(alert: dict) -> str:
    if alert["kind"] == "source":
        return f"{sites.label(alert['source'])} can no longer be read: the source is broken"
    if alert["kind"] == "search":  # rules.complaint: on a complaint site, or a negative result elsewhere
        what = "a complaint" if alert.get("category") in ("complaint", None) else f"a negative {alert['category']} result"
        return f"{what} is on page one of your search results"
    stars = ""
    if alert["rating"] is not None:
        stars = f" ({alert['rating']:g}/{alert['rating_max'] or 5:g})"
    noun = "review" if alert["kind"] == "review" else "post"
    return f"new negative {noun} on {sites.label(alert['source'])}{stars}"


def alert_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    msg = EmailMessage()
    count = len(alerts)
    complaints = all(a["kind"] != "source" for a in alerts)
    msg["Subject"] = (f"Alert for {client.name}: {headline(alerts[0])}" if count == 1
                      else f"Alert for {client.name}: {count} new complaints need a reply" if complaints
                      else f"Alert for {client.name}: {count} items need attention")
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
            f"  {draft_line(alert)}" if draft_line(alert) else None,
        ])))
    parts.append(f"\n-- \n{config.agency.name}")
    msg.set_content("\n\n".join(parts))
    entries = [{**alert, "headline": headline(alert), "next_step": next_step(alert["kind"], alert["source"]),
                "reply": alert.get("reply")}
               for alert in alerts]
    msg.add_alternative(environment().get_template("alert.html").render(
        client=client, agency=config.agency, intro=parts[0].strip(), alerts=entries), subtype="html")
    return msg
