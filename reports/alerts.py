"""Immediate alerts: each new complaint once, by email and Apprise, held back during the client's quiet hours."""

from __future__ import annotations

import logging

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from repscan.core import sites
from repscan.core.config import Client, Config
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.mentions import written_by
from repscan.core.replies.pending import draft_open
from repscan.core.schedule import in_quiet_hours, quiet_until
from repscan.core.store import Store
from repscan.reports import mail, notify
from repscan.reports.model import SourceHealth, format_datetime
from repscan.reports.render import environment

log = logging.getLogger("repscan.alerts")



@dataclass
class AlertResult:
    client_id: str
    sent: int
    error: str | None = None


def next_step(kind: str, source: str | None) -> str:
    """What the client does about an alert (a broken source: nothing, the agency fixes it)."""
    where = sites.label(source) if source else "the site"
    if kind == "source":
        return "Nothing for you to do: we will tell you in your next report once it is read again."
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
        for item in store.alert_candidates(client.id, threshold=client.negative_threshold):
            if not (item["kind"] == "post" and written_by(item["author"], client.names)):  # its own word
                rows.append(_row(client, item, now, due_at, told=bool(config.agency.operator)))
    return store.add_alerts(rows)


def _row(client: Client, item: dict, now: datetime, due_at: datetime, *, told: bool) -> dict:
    if item["kind"] == "source":  # the client reads the detail, a plain sentence; the operator the text, the reason
        since = parse_iso(item["since"])
        key, source, rating, rating_max = item["key"], item["source"], None, None
        detail = SourceHealth(source, item["url"], "broken", None, 0, None, since=since, watched=told).words(
            client.timezone, missing_from="your alerts and reports until then")
        text = f"{item['error']} (broken since {format_datetime(since, 'UTC')} UTC)"
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
    """Send every due alert on each of its channels: the client's (one email listing them, one Apprise notification
    per alert and URL) and, for a broken source, the agency's operator (the technical reason). An alert is recorded
    per channel; it is sent once every channel it needs has accepted it, and stays pending for a channel that failed
    or is not set up (an error line)."""
    by_client: dict[str, list[dict]] = {}
    for alert in store.pending_alerts(stamp(now)):
        by_client.setdefault(alert["client_id"], []).append(alert)
    results = []
    for client_id, alerts in by_client.items():
        client = config.client(client_id)
        alerts = with_drafts(config, client, store, alerts, now)
        channels = _channels(config, client, smtp)
        done = store.delivered("alert", [a["id"] for a in alerts])
        errors = [] if set(channels) - {"operator"} else \
            ["no alert channel: the client has no alert_recipients, recipients or apprise URLs"]
        needs = {a["id"]: {name for name, (_, _, wants) in channels.items() if wants(a)} for a in alerts}
        for name, (label, send, _) in channels.items():
            todo = [a for a in alerts if name in needs[a["id"]] and name not in done[a["id"]]]
            for batch, error in send(todo) if todo else ():
                store.record_delivery("alert", [a["id"] for a in batch], name, error=error)
                for a in batch if error is None else ():
                    done[a["id"]].add(name)
                if error:
                    errors.append(f"{label}: {error}")
        sent = [a["id"] for a in alerts if needs[a["id"]] and needs[a["id"]] <= done[a["id"]]]
        error = "; ".join(dict.fromkeys(errors)) or None
        names = ",".join(label for label, _, _ in channels.values())
        store.mark_alerts(sent, sent_at=stamp(utcnow()), channels=names, error=None)
        store.mark_alerts([a["id"] for a in alerts if a["id"] not in sent], sent_at=None, channels=names, error=error)
        results.append(AlertResult(client_id, len(sent), error))
    return results


def with_drafts(config: Config, client: Client, store: Store, alerts: list[dict], now: datetime) -> list[dict]:
    """The alerts, each review or post alert with its item's reply draft ("reply": a store.replies row), drafted now
    where it has none. Drafting never stops an alert: whatever fails, the alerts go (without a draft)."""
    try:
        draft_open(config, client, store, now)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: no reply drafts for these alerts: %s: %s", client.id, type(exc).__name__, exc)
    replies = store.replies_by_item(client.id)
    return [{**a, "reply": replies.get(tuple(a["item_key"].split(":", 1))) if a["kind"] in ("review", "post") else None}
            for a in alerts]


def draft_line(alert: dict) -> str | None:
    """The alert's reply draft in one line, for text channels; None without one."""
    reply = alert.get("reply")
    if not reply:
        return None
    return f"Suggested reply (draft no. {reply['id']}, posted once approved): {reply['text']}"


def _channels(config: Config, client: Client, smtp: mail.SmtpSettings | None) -> dict:
    """The alert channels: name -> (label, send(alerts) yielding (alerts, error or None), wants(alert)): the
    client's email and Apprise URLs for every alert, the agency's operator for broken sources."""
    channels = {}
    every = lambda alert: True  # noqa: E731
    if client.alert_recipients or client.recipients:
        channels["email"] = ("email", _mailer(smtp, lambda alerts: alert_message(config, client, alerts)), every)
    for url in client.apprise:
        def apprise(alerts, url=url):
            for alert in alerts:
                try:
                    notify.notify(url, f"{client.name}: {headline(alert)}", "\n".join(_client_lines(alert)))
                    yield [alert], None
                except Exception as exc:
                    yield [alert], str(exc)
                    return
        channels[notify.channel(url)] = (f"apprise {notify.label(url)}", apprise, every)
    if config.agency.operator:
        channels["operator"] = ("operator email", _mailer(smtp, lambda alerts: operator_message(config, client, alerts)),
                                lambda alert: alert["kind"] == "source")
    return channels


def _mailer(smtp: mail.SmtpSettings | None, message):
    """send(alerts) for an email channel: one message built by `message(alerts)`."""
    def send(alerts):
        if smtp is None:
            yield alerts, f"not sent: {mail.URL_VAR} is not set (the alert stays pending for email)"
            return
        try:
            mail.send_message(message(alerts), smtp)
            yield alerts, None
        except Exception as exc:
            yield alerts, f"{type(exc).__name__}: {exc}"
    return send


def operator_step(source: str | None) -> str:
    """What the operator does about a broken source."""
    where = sites.label(source) if source else "the site"
    return (f"Until it is fixed, new items on {where} are not seen. Check that the source URL is the business's "
            "own review page (a list or search page is not); if it is, the site changed its layout: "
            "update repscan or hand in the page (`repscan extract --save-case`).")


def headline(alert: dict) -> str:
    if alert["kind"] == "source":
        return f"your {sites.label(alert['source'])} page could not be read"
    if alert["kind"] == "search":  # rules.complaint: on a complaint site, or a negative result elsewhere
        what = "a complaint" if alert.get("category") in ("complaint", None) else f"a negative {alert['category']} result"
        return f"{what} is on page one of your search results"
    stars = ""
    if alert["rating"] is not None:
        stars = f" ({alert['rating']:g}/{alert['rating_max'] or 5:g})"
    noun = "review" if alert["kind"] == "review" else "post"
    return f"new negative {noun} on {sites.label(alert['source'])}{stars}"


def _client_lines(alert: dict) -> list[str]:
    """What the client reads of an alert: for a broken source a plain sentence (its detail), never the raw error."""
    text = None if alert["kind"] == "source" else alert["text"]
    return [line for line in (alert["detail"], alert["title"], text, alert["url"],
                              f"Next step: {next_step(alert['kind'], alert['source'])}", draft_line(alert)) if line]


def _intro(client: Client, alerts: list[dict]) -> str:
    """The email's first line: how many complaints need a reply now, and how many pages could not be read."""
    complaints, broken = sum(a["kind"] != "source" for a in alerts), sum(a["kind"] == "source" for a in alerts)
    parts = []
    if complaints:
        parts.append(f"{complaints} new complaint{'s' if complaints != 1 else ''} for {client.name} "
                     f"need{'s' if complaints == 1 else ''} a reply now.")
    if broken:
        parts.append(f"{broken} of your pages could not be read: we are fixing it." if broken != 1
                     else "One of your pages could not be read: we are fixing it.")
    return " ".join(parts)


def alert_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    """The client's alert email: plain words only (a broken source's reason goes to the operator)."""
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
    intro = _intro(client, alerts)
    parts = [f"{intro}\n", *("\n".join([f"* {headline(a)}", *(f"  {line}" for line in _client_lines(a))])
                             for a in alerts), f"\n-- \n{config.agency.name}"]
    msg.set_content("\n\n".join(parts))
    entries = [{**alert, "headline": headline(alert), "next_step": next_step(alert["kind"], alert["source"]),
                "text": None if alert["kind"] == "source" else alert["text"], "reply": alert.get("reply")}
               for alert in alerts]
    msg.add_alternative(environment().get_template("alert.html").render(
        client=client, agency=config.agency, intro=intro, alerts=entries), subtype="html")
    return msg


def operator_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    """The agency operator's email about broken sources: the technical reason, the URL and what to do."""
    msg = EmailMessage()
    names = ", ".join(dict.fromkeys(sites.label(a["source"]) for a in alerts))
    msg["Subject"] = f"repscan: {client.name} ({client.id}): {names} broken"
    msg["From"] = config.agency.sender
    msg["To"] = config.agency.operator
    msg["Message-ID"] = make_msgid(domain=config.agency.sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n\n".join(
        "\n".join(filter(None, [f"* {sites.label(a['source'])} for {client.name} ({client.id}) is broken",
                                 f"  URL: {a['url']}" if a["url"] else None, f"  Reason: {a['text']}",
                                 f"  The client was told: {a['detail']}", f"  Next step: {operator_step(a['source'])}"]))
        for a in alerts) + "\n")
    return msg
