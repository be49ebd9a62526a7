"""Immediate alerts: each new complaint and each spike of negatives once, by email and Apprise, held back during the
client's quiet hours."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from repscan.core import i18n, rules, sites
from repscan.core.config import Client, Config
from repscan.core.i18n import _, ngettext
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.mentions import written_by
from repscan.core.replies.pending import draft_open
from repscan.core.schedule import in_quiet_hours, interval, quiet_until
from repscan.core.search import configured
from repscan.core.store import Store
from repscan.core.store.deliveries import GIVEN_UP
from repscan.reports import mail, notify, spikes
from repscan.reports.locations import Locator, label
from repscan.reports.model import SourceHealth, burst_key, format_datetime
from repscan.reports.render import category_label, environment

log = logging.getLogger("repscan.alerts")


def flag_route(source: str | None) -> str | None:
    """How the business reports a review it believes fake on `source`, from each platform's help pages."""
    return {
        "google": _("on your Business Profile, Read reviews, then Report next to the review (the Reviews Management "
                    "Tool shows the report's status)"),
        "trustpilot": _("in your Trustpilot Business account, Reviews > Service reviews, the flag icon on the review, "
                        "reason “Not based on a genuine experience”"),
        "yelp": _("signed in to Yelp, Report review on the review (Yelp removes what breaks its Content Guidelines)"),
        "tripadvisor": _("in the Management Center, Reviews > Report a review > Report a problem with review, marking "
                         "it suspicious, with what you know in the comments"),
        "facebook": _("the recommendation's ⋯ menu, Find support or report recommendation"),
    }.get(source or "")


@dataclass
class AlertResult:
    client_id: str
    sent: int
    error: str | None = None
    warning: str | None = None  # worth reading, nothing lost (alerts of a client no longer configured, retired)


def next_step(kind: str, source: str | None, burst_of: str = "review") -> str:
    """What the client does about an alert (a broken source: nothing, the agency fixes it); a spike's advice follows
    what its burst holds (`burst_of`: "review", "post" or "mixed")."""
    where = sites.label(source) if source else _("the site")
    if kind == "source":
        return _("Nothing for you to do: we will tell you in your next report once it is read again.")
    if kind == "spike" and source == "feed":
        return _("These are news or web pages: they cannot be answered in place. Read each; where one says something "
                 "untrue, ask its publisher to correct it, and contact the customers it names offline.")
    if kind == "spike" and burst_of == "post":
        return _("Answer each where it was posted, calmly and the same way, then take it offline: a burst of posts "
                 "is often one incident shared, so find it and say what you are doing about it.")
    if kind == "spike":
        route = flag_route(source)
        return " ".join([
            _("Reply to each calmly, as to any complaint: readers judge the answer."),
            _("If they look fake (no visit on record, new accounts, the same wording), report each to the platform: "
              "%(route)s.", route=route) if route else
            _("If they look fake (no visit on record, new accounts, the same wording), report each to the platform "
              "with %(site)s's own report button.", site=where),
            _("A platform removes only what breaks its rules, never a review for being negative.")])
    if kind == "search":
        return _("This complaint is on page one when people search your name. Answer it where it stands if the "
                 "site allows a response, ask the customer to update it once resolved, and strengthen your own "
                 "pages for this search.")
    return _("Reply publicly on %(site)s within the hour: thank them, apologise for the experience, and say how you "
             "will fix it. Then take the conversation offline (phone or email) and resolve it.", site=where)


def collect(config: Config, store: Store, now: datetime, failures: list[AlertResult] | None = None) -> int:
    """Create an alert row for each item that needs one; due now, or when quiet hours end. A client whose rows cannot
    be made is left for the next run (an AlertResult with its error in `failures`, else a log line); the others go on."""
    added = 0
    for client in config.clients:
        try:
            added += store.add_alerts(_client_rows(config, client, store, now))
        except Exception as exc:  # noqa: BLE001 (one client's data or code path never silences the others)
            error = f"alerts not collected: {type(exc).__name__}: {exc}"
            log.warning("%s: %s", client.id, error)
            if failures is not None:
                failures.append(AlertResult(client.id, 0, error))
    return added


def _client_rows(config: Config, client: Client, store: Store, now: datetime) -> list[dict]:
    """The alert rows one client's new items, spikes and (for the operator) failing sources call for."""
    rows = []
    due_at = quiet_until(client.quiet_hours, client.timezone, now) \
        if in_quiet_hours(client.quiet_hours, client.timezone, now) else now
    with i18n.language(client.language):  # the stored title and detail are words the client reads
        for item in store.alert_candidates(client.id, threshold=client.negative_threshold,
                                           fresh_since=stamp(now - rules.ALERT_FRESH),
                                           searches=configured(config.search.engines, client.queries)):
            if not (item["kind"] == "post" and written_by(item["author"], client.names)):  # its own word
                rows.append(_row(client, item, now, due_at, told=bool(config.agency.operator)))
        rows += spike_rows(client, store, now, due_at)
    if config.agency.operator:  # the client hears of neither: its report shows those pages as not read
        rows += [operator_row(client, None, item, now) for item in
                 store.failing_sources(client.id, now=now,
                                       interval=interval(client.crawl_schedule, client.timezone, now))]
        rows += [operator_row(client, rival, item, now) for rival in client.rivals
                 for item in store.broken_sources(rival.id)]
        rows += [unshown_row(client, item, now) for item in store.unshown_replies(client.id)]
        rows += [refusal_row(client, item, now) for item in store.given_up(client.id)]
    return rows


OPERATOR_ONLY = "operator"  # an alert kind for the agency's operator alone: a client's source blocked, failing or stale
# (rules.stale) for longer than rules.SOURCE_GRACE, or a competitor's source broken


def operator_row(client: Client, rival: Client | None, item: dict, now: datetime) -> dict:
    """The operator's alert for a source (store.failing_sources, or a competitor's store.broken_sources with `rival`
    from Client.rivals), keyed by its run of that status: once per run. Its title names the competitor, if any."""
    since = parse_iso(item["since"])
    return {"client_id": client.id, "kind": OPERATOR_ONLY,
            "item_key": f"{rival.id} {item['key']}" if rival else item["key"],
            "created_at": stamp(now), "due_at": stamp(now), "source": item["source"],
            "title": rival.name if rival else None, "detail": item["status"], "url": item["url"],
            "text": f"{item['error']} ({item['status']} since {format_datetime(since, 'UTC')} UTC)",
            "rating": None, "rating_max": None, "category": None}


REPLY_NOT_SHOWN = "reply not shown"  # an operator alert's detail: a review whose reply posted from repscan the site
# does not show (rules.reply_not_shown); the client's report lists the review as waiting again and says so


def unshown_row(client: Client, item: dict, now: datetime) -> dict:
    """The operator's alert for a review whose reply posted from repscan the site does not show
    (store.unshown_replies): once per posting of a reply to that review."""
    read = format_datetime(parse_iso(item["read_at"]), "UTC")
    return {"client_id": client.id, "kind": OPERATOR_ONLY,
            "item_key": f"{REPLY_NOT_SHOWN} {item['source']}:{item['source_id']} posted {item['posted_at']}",
            "created_at": stamp(now), "due_at": stamp(now), "source": item["source"], "title": None,
            "detail": REPLY_NOT_SHOWN, "url": item["url"],
            "text": f"the reply posted from repscan on {format_datetime(parse_iso(item['posted_at']), 'UTC')} UTC"
                    f" is not on the review at our crawl of {read} UTC, {rules.REPLY_SHOW_GRACE.days} days or more"
                    " later",
             "rating": None, "rating_max": None, "category": None}


REFUSED = "recipient refused"  # an operator alert's detail: a delivery given up (rules.REFUSED_TIMES)


def refusal_row(client: Client, item: dict, now: datetime) -> dict:
    """The operator's alert for an address given up (store.given_up): once per report, and once a day per address
    for alerts (each alert to a dead address is given up on its own)."""
    address = item["channel"].split(":", 1)[-1]
    which = f"report {item['ref_id']}" if item["kind"] == "report" else f"alerts {item['given_up_at'][:10]}"
    return {"client_id": client.id, "kind": OPERATOR_ONLY, "item_key": f"refused {address} {which}",
            "created_at": stamp(now), "due_at": stamp(now), "source": None, "title": address, "detail": REFUSED,
            "url": None, "text": f"{item['error']} (the {which.split()[0]} to {address}, given up"
                                 f" {format_datetime(parse_iso(item['given_up_at']), 'UTC')} UTC)",
            "rating": None, "rating_max": None, "category": None}


WHOLE_CHAIN = "all locations"  # a chain's spike key for a burst over its locations together (burst_key)


def spike_rows(client: Client, store: Store, now: datetime, due_at: datetime) -> list[dict]:
    """An alert per page with a spike of negative reviews and posts (rules.spike; the client's own posts never
    count), keyed by the burst's start; a burst sharing an item with an alerted one is that burst, never alerted
    again, and a burst of nothing the client was not told of already is old news (rules.spike_told). Its text is
    the burst, as JSON. Per site and page: a client's pages of one site (its own and a shared food court's) each
    against its own usual rate, never one burst over both. For a chain, per site and location (a burst at one place
    is measured against that place's usual rate), then per site over all its locations for what no location's burst
    took."""
    since = stamp(now - rules.SPIKE_LOOKBACK - rules.SPIKE_BASELINE)
    place = _spike_place(client, store)
    cutoff = store.report_cutoff(client.id)
    by_source: dict[tuple[str, str | None], list[dict]] = {}
    for row in store.spike_negatives(client.id, threshold=client.negative_threshold, since=since):
        if row["kind"] == "post" and written_by(row["author"], client.names):
            continue
        row["at"] = parse_iso(rules.spike_time(row["published_at"], row["published_precision"], row["first_seen_at"],
                                               history=row["history"]))
        row["told"] = rules.spike_told(row["alerted"], row["first_seen_at"], cutoff)
        by_source.setdefault((row["source"], place(row["source"], row["source_id"])), []).append(row)
        if client.locations:  # the site as a whole too: an attack spread over the chain's locations
            by_source.setdefault((row["source"], WHOLE_CHAIN), []).append(row)
    out, taken = [], set()
    for (source, location), rows in sorted(by_source.items(), key=lambda group: group[0][1] == WHOLE_CHAIN):
        candidates = [row for row in rows if not row["history"] and not row["spiked"] and id(row) not in taken]
        found = rules.spike([row["at"] for row in rows], [row["at"] for row in candidates], now,
                            told=[row["told"] for row in candidates])
        if found is None:
            continue
        burst = sorted((candidates[i] for i in found.members), key=lambda row: row["at"])
        taken.update(id(row) for row in burst)  # a burst at one location is not alerted again for the chain
        facts = json.dumps(spikes.spike_facts(burst, found.usual))  # words when read, in the reader's language
        out.append({
            "client_id": client.id, "kind": "spike",
            "item_key": burst_key(source, location, stamp(found.start)),
            "created_at": stamp(now), "due_at": stamp(due_at), "source": source,
            "url": None if client.locations else location,  # which of the site's pages, when the client has several
            "rating": None, "rating_max": None, "category": None,
            "facts": facts,  # title and detail: the words in today's language, for Datasette
            "title": spikes.title({"facts": facts}), "detail": spikes.usual_words(found.usual),
            "text": json.dumps([{"key": f"{row['source']}:{row['source_id']}", "kind": row["kind"],
                                 "precision": "day" if spikes.day_dated(row) else None,
                                 "author": row["author"], "title": row["title"], "url": row["url"],
                                 "stars": rules.stars(row["rating"], row["rating_max"])} for row in burst]),
        })
    return out


def _spike_place(client: Client, store: Store):
    """Where an item counts for spikes, from its source and id: a chain's location (Locator); for a client without
    locations, the page whose crawl first found it when the client has more than one page of that site (None: the
    site's one page, the key spike alerts always had)."""
    origins = store.item_origins(client.id)
    if client.locations:
        return Locator(client, origins).of
    pages = Counter(source.site for source in client.sources)
    return lambda source, source_id: origins.get((source, source_id)) if pages[source] > 1 else None


def burst(alert: dict) -> list[dict]:
    """A spike alert's reviews and posts: key, kind, author, title, url and stars (None when unrated)."""
    return json.loads(alert["text"] or "[]") if alert["kind"] == "spike" else []


def burst_line(review: dict) -> str:
    """One review or post of a burst in one line: its stars, author, title and link."""
    stars = f"{i18n.number(review['stars'])}/5" if review["stars"] is not None else \
        _("post") if review.get("kind") == "post" else _("unrated")
    return " — ".join(filter(None, [stars, review["author"] and _("by %(author)s", author=review["author"]),
                                    review["title"] and f"“{review['title']}”", review["url"]]))


def _row(client: Client, item: dict, now: datetime, due_at: datetime, *, told: bool) -> dict:
    if item["kind"] == "source":  # the client reads the detail, a plain sentence; the operator the text, the reason
        since = parse_iso(item["since"])
        key, source, rating, rating_max = item["key"], item["source"], None, None
        detail = SourceHealth(source, item["url"], "broken", None, 0, None, since=since, watched=told).words(
            client.timezone, missing_from=_("your alerts and reports until then"))
        with i18n.language(None):  # the operator's text, in English as the rest of the operator's email
            text = f"{item['error']} (broken since {format_datetime(since, 'UTC')} UTC)"
    elif item["kind"] == "search":
        key = item["key"]
        detail = _("#%(rank)d on %(engine)s for “%(query)s” (%(kind)s)", rank=item["rank"],
                   engine=sites.label(item["engine"]), query=item["query"], kind=category_label(item["category"]))
        source, text, rating, rating_max = item["engine"], item["snippet"], None, None
    else:
        key = f"{item['source']}:{item['source_id']}"
        detail = _("by %(author)s", author=item["author"]) if item.get("author") else ""
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
    per channel; it is sent once every channel it needs has accepted it or was given up (an address refused for good)
    and one of them accepted it; given up on all, it failed for good (never sent, the refusals its error); it stays
    pending for a channel that failed or is not set up (an error line)."""
    by_client: dict[str, list[dict]] = {}
    for alert in store.pending_alerts(stamp(now)):
        by_client.setdefault(alert["client_id"], []).append(alert)
    results = []
    clients = {client.id: client for client in config.clients}
    for client_id, alerts in by_client.items():
        client = clients.get(client_id)
        if client is None and config.skipped:  # a client table is wrong today, perhaps its id: nothing is retired
            continue
        if client is None:
            results.append(_retire(store, client_id, alerts, now))
            continue
        try:
            with i18n.language(client.language):
                results.append(_deliver_client(config, store, client, alerts, now, smtp))
        except Exception as exc:  # noqa: BLE001 (one client's alerts never stop the others'; they stay pending)
            results.append(AlertResult(client_id, 0, f"alerts not delivered: {type(exc).__name__}: {exc}"))
    return results


ANSWERED_FIRST = "none: answered before it was sent"  # an alert's channels when its item was answered while it waited
RETIRED = "none: the client is no longer in the config"  # the channels of an alert retired unsent (_retire)


RETIRED_UNSENT = "retired unsent: the client is no longer in the config"  # its warning, which the operator is told


def _retire(store: Store, client_id: str, alerts: list[dict], now: datetime) -> AlertResult:
    """The pending alerts of a client gone from the config (offboarded while one was held by quiet hours or a failed
    channel): recorded as never sent, so they block nobody and never go out."""
    store.mark_alerts([a["id"] for a in alerts], sent_at=stamp(now), channels=RETIRED, error=None)
    warning = f"{len(alerts)} pending alert{'s' if len(alerts) != 1 else ''} {RETIRED_UNSENT}"
    log.warning("%s: %s", client_id, warning)
    return AlertResult(client_id, 0, warning=warning)


def _deliver_client(config: Config, store: Store, client: Client, alerts: list[dict], now: datetime,
                    smtp: mail.SmtpSettings | None) -> AlertResult:
    """One client's due alerts on each of its channels (deliver), in the client's language."""
    answered = store.answered(client.id, [a["item_key"] for a in alerts if a["kind"] in ("review", "post")])
    if answered:  # answered while it waited (quiet hours, a failed channel): it no longer asks for anything
        done = [a["id"] for a in alerts if a["kind"] in ("review", "post") and a["item_key"] in answered]
        store.mark_alerts(done, sent_at=stamp(utcnow()), channels=ANSWERED_FIRST, error=None)
        alerts = [a for a in alerts if a["id"] not in done]
        if not alerts:
            return AlertResult(client.id, 0)
    alerts = with_locations(client, store, with_drafts(config, client, store, alerts, now))
    channels = _channels(config, client, smtp)
    done = store.delivered("alert", [a["id"] for a in alerts])
    needs = {a["id"]: {name for name, (_label, _send, wants) in channels.items() if wants(a)} for a in alerts}
    errors = []
    warning = None if all(needs.values()) else \
        "no alert channel: the client has no alert_recipients, recipients or apprise URLs (its alerts stay pending)"
    for name, (channel, send, _wants) in channels.items():
        todo = [a for a in alerts if name in needs[a["id"]] and name not in done[a["id"]]]
        for batch, error, permanent in send(todo) if todo else ():
            given_up = store.record_delivery("alert", [a["id"] for a in batch], name, error=error, permanent=permanent)
            for a in batch:
                if error is None or a["id"] in given_up:  # settled for this channel: accepted, or given up now
                    done[a["id"]].add(name)
            if error:
                errors.append(f"{channel}: {error}" + (f" (given up after {rules.REFUSED_TIMES} permanent refusals:"
                                                       " not retried for these alerts)" if given_up else ""))
    settled = {a["id"]: needs[a["id"]] for a in alerts if needs[a["id"]] and needs[a["id"]] <= done[a["id"]]}
    failed = store.failed("alert", settled)  # every channel given up, none took it: never sent
    sent = [alert_id for alert_id in settled if alert_id not in failed]
    for alert_id, refusals in failed.items():
        store.mark_alerts([alert_id], sent_at=None, channels=GIVEN_UP, error=refusals)
        errors.append(f"alert {alert_id} delivered to nobody: {refusals}")
    error = "; ".join(dict.fromkeys(errors)) or None
    names = ",".join(label for label, _send, _wants in channels.values())
    store.mark_alerts(sent, sent_at=stamp(utcnow()), channels=names, error=None)
    store.mark_alerts([a["id"] for a in alerts if a["id"] not in settled], sent_at=None, channels=names, error=error)
    return AlertResult(client.id, len(sent), error, warning)


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


def with_locations(client: Client, store: Store, alerts: list[dict]) -> list[dict]:
    """The alerts, each with the chain's location it is about ("location": a name, None without locations or when a
    spike spans several): a review's or post's from its source, a broken source's own, a spike's when its
    reviews share one (locations.Locator)."""
    locator = Locator(client, store.item_origins(client.id) if client.locations else {})

    def where(alert: dict) -> str | None:
        if alert["kind"] == "source":
            return locator.place(alert["source"], alert["url"])
        keys = [alert["item_key"]] if alert["kind"] in ("review", "post") else [r["key"] for r in burst(alert)]
        names = {locator.name(*key.split(":", 1)) for key in keys}
        return names.pop() if len(names) == 1 else None
    return [{**alert, "location": where(alert)} for alert in alerts]


def place_line(alert: dict) -> str | None:
    """The location and platform of a chain's alert, "Kyiv, Khreshchatyk — Google Maps"; None without a location."""
    location = alert.get("location")
    return label(location, sites.place(alert["source"], alert["url"])) if location and alert.get("source") else None


def draft_line(alert: dict) -> str | None:
    """The alert's reply draft in one line, for text channels; None without one."""
    reply = alert.get("reply")
    if not reply:
        return None
    return _("Suggested reply (draft no. %(id)s, posted once approved): %(text)s", id=reply["id"], text=reply["text"])


def _channels(config: Config, client: Client, smtp: mail.SmtpSettings | None) -> dict:
    """The alert channels: name -> (label, send(alerts) yielding (alerts, error or None, refused for good),
    wants(alert)): the client's email and Apprise URLs for every alert, the agency's operator for broken sources."""
    channels = {}
    every = lambda alert: alert["kind"] != OPERATOR_ONLY  # noqa: E731  (the client's: all but the operator's own)
    for address in client.alert_recipients or client.recipients:  # each its own: one refused is retried alone
        channels[f"email:{address}"] = (f"email to {address}", _mailer(
            smtp, lambda alerts: alert_message(config, client, alerts), to=[address]), every)
    for url in client.apprise:
        def apprise(alerts, url=url):
            for alert in alerts:
                try:
                    notify.notify(url, f"{client.name}: {headline(alert)}", "\n".join(_client_lines(alert)))
                    yield [alert], None, False
                except Exception as exc:
                    yield [alert], str(exc), False
                    return
        channels[notify.channel(url)] = (f"apprise {notify.label(url)}", apprise, every)
    if config.agency.operator:
        channels["operator"] = ("operator email", _mailer(smtp, lambda alerts: operator_message(config, client, alerts)),
                                lambda alert: alert["kind"] in ("source", OPERATOR_ONLY))
    return channels


def _mailer(smtp: mail.SmtpSettings | None, message, to: list[str] | None = None):
    """send(alerts) for an email channel: one message built by `message(alerts)`, to `to` (else its To), yielding
    (alerts, error or None, whether the server refused the address for good: rules.refused_permanently)."""
    def send(alerts):
        if smtp is None:
            yield alerts, f"not sent: {mail.URL_VAR} is not set (the alert stays pending for email)", False
            return
        try:
            mail.send_message(message(alerts), smtp, to=to)
            yield alerts, None, False
        except mail.Refused as exc:
            yield alerts, f"{type(exc).__name__}: {exc}", all(map(rules.refused_permanently, exc.codes.values()))
        except Exception as exc:
            yield alerts, f"{type(exc).__name__}: {exc}", False
    return send


def operator_step(source: str | None, status: str | None = None) -> str:
    """What the operator does about a broken source, or one not crawled for too long (stale)."""
    where = sites.label(source) if source else "the site"
    if status == REFUSED:
        return ("Check the address with the client and correct `recipients` (or `alert_recipients`) in the config: "
                "the mail server refuses it for good, and repscan no longer retries it for that report or alert.")
    if status == "stale":
        return (f"No crawl of this {where} source has finished since. Check that `repscan run` runs (its cron line or "
                "systemd timer, `repscan schedule`), that no run holds the lock for hours, and the run log; then run "
                "`repscan crawl` for the client.")
    return (f"Until it is fixed, new items on {where} are not seen. Check that the source URL is the business's "
            "own review page (a list or search page is not); if it is, the site changed its layout: "
            "update repscan or hand in the page (`repscan extract --save-case`).")


def unshown_step() -> str:
    """What the operator does about a reply posted from repscan that the site does not show."""
    return ("Open the review. If the reply is not there (the platform dropped the post, a moderator removed it, or "
            "the wrong review was marked done), post it on the site again: the review counts as answered once a crawl "
            "sees a reply. If it is there, the page module misses replies: hand in the page "
            "(`repscan extract --save-case`).")


def headline(alert: dict) -> str:
    site = sites.place(alert["source"], alert["url"]) if alert["source"] else _("the site")
    if alert["kind"] == "source":
        return _("your %(site)s page could not be read", site=site)
    if alert["kind"] == "search":  # rules.complaint: on a complaint site, or a negative result elsewhere
        if alert.get("category") in ("complaint", None):
            return _("a complaint is on page one of your search results")
        return _("a negative %(kind)s result is on page one of your search results",
                 kind=category_label(alert["category"]))
    if alert["kind"] == "spike":
        return _spike_text(alert, 0)
    stars = ""
    if alert["rating"] is not None:
        stars = f" ({i18n.number(alert['rating'])}/{i18n.number(alert['rating_max'] or 5)})"
    if alert["kind"] == "review":
        return _("new negative review on %(site)s", site=site) + stars
    return _("new negative post on %(site)s", site=site) + stars


def _client_lines(alert: dict) -> list[str]:
    """What the client reads of an alert: for a broken source a plain sentence (its detail), never the raw error."""
    step = _("Next step: %(step)s", step=next_step(alert["kind"], alert["source"], spikes.spiked(burst(alert))))
    if alert["kind"] == "spike":
        return [line for line in (place_line(alert), spikes.usual(alert)) if line] + [*map(burst_line, burst(alert)), step]
    text = None if alert["kind"] == "source" else alert["text"]
    return [line for line in (place_line(alert), alert["detail"], alert["title"], text, alert["url"], step,
                              draft_line(alert)) if line]


def _intro(client: Client, alerts: list[dict]) -> str:
    """The email's first line: how many complaints need a reply now, and how many pages could not be read."""
    complaints = sum(a["kind"] not in ("source", "spike") for a in alerts)
    broken, spikes = sum(a["kind"] == "source" for a in alerts), [a for a in alerts if a["kind"] == "spike"]
    parts = [_spike_text(a, 1) for a in spikes]
    if complaints:
        parts.append(ngettext("%(num)d new complaint for %(client)s needs a reply now.",
                              "%(num)d new complaints for %(client)s need a reply now.", complaints, client=client.name))
    if broken:
        parts.append(ngettext("One of your pages could not be read: we are fixing it.",
                              "%(num)d of your pages could not be read: we are fixing it.", broken))
    return " ".join(parts)


def N_(message: str) -> str:
    """Marks a text for the catalogs (Babel's N_ keyword); it is translated where it is used."""
    return message


_SPIKE_TEXTS = {  # what a burst is made of: (its headline, its sentence atop the email)
    "review": (N_("spike of negative reviews on %(site)s: %(title)s"),
               N_("A sudden burst of negative reviews on %(site)s: %(title)s, %(usual)s.")),
    "post": (N_("spike of negative posts on %(site)s: %(title)s"),
             N_("A sudden burst of negative posts on %(site)s: %(title)s, %(usual)s.")),
    "mixed": (N_("spike of negative reviews and posts on %(site)s: %(title)s"),
              N_("A sudden burst of negative reviews and posts on %(site)s: %(title)s, %(usual)s.")),
}


def _spike_text(alert: dict, which: int) -> str:
    """A spike alert's headline (0) or the email's sentence on it (1), in the words of what its burst holds."""
    words = {"site": sites.label(alert["source"]), "title": spikes.title(alert), "usual": spikes.usual(alert)}
    return _(_SPIKE_TEXTS[spikes.spiked(burst(alert))][which]) % words


def alert_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    """The client's alert email: plain words only (a broken source's reason goes to the operator)."""
    msg = EmailMessage()
    alerts = sorted(alerts, key=lambda a: a["kind"] != "spike")  # a spike first: it explains the complaints after it
    count = len(alerts)
    complaints = all(a["kind"] != "source" for a in alerts)
    # the spike's own reviews, alerted one by one beside it, are not "more" than the spike
    others = len([a for a in alerts[1:] if a.get("item_key") not in {e.get("key") for e in burst(alerts[0])}]) \
        if alerts[0]["kind"] == "spike" else count - 1
    what = (headline(alerts[0]) if count == 1 or (alerts[0]["kind"] == "spike" and not others)
            else ngettext("%(what)s (and %(num)d more)", "%(what)s (and %(num)d more)", others,
                          what=headline(alerts[0])) if alerts[0]["kind"] == "spike"
            else ngettext("%(num)d new complaint needs a reply", "%(num)d new complaints need a reply", count)
            if complaints else ngettext("%(num)d item needs attention", "%(num)d items need attention", count))
    msg["Subject"] = _("Alert for %(client)s: %(what)s", client=client.name, what=what)
    msg["From"] = config.agency.sender
    msg["To"] = ", ".join(client.alert_recipients or client.recipients)
    msg["Message-ID"] = make_msgid(domain=config.agency.sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    intro = _intro(client, alerts)
    parts = [f"{intro}\n", *("\n".join([f"* {headline(a)}", *(f"  {line}" for line in _client_lines(a))])
                             for a in alerts), f"\n-- \n{config.agency.name}"]
    msg.set_content("\n\n".join(parts))
    entries = [{**alert, "headline": headline(alert),
                "next_step": next_step(alert["kind"], alert["source"], spikes.spiked(burst(alert))),
                "text": None if alert["kind"] in ("source", "spike") else alert["text"], "reply": alert.get("reply"),
                "burst": burst(alert), "title": None if alert["kind"] == "spike" else alert["title"],  # in its headline
                "detail": spikes.usual(alert) if alert["kind"] == "spike" else alert["detail"],
                "at": place_line(alert)}
               for alert in alerts]
    msg.add_alternative(environment().get_template("alert.html").render(
        client=client, agency=config.agency, intro=intro, alerts=entries, lang=i18n.current()), subtype="html")
    return mail.keep_subject_spaces(msg)


def _operator_headline(client: Client, alert: dict) -> str:
    """"Trustpilot for Acme Plumbing (acme) is broken", "... is blocked", "Trustpilot of competitor Quay Inn for ..."."""
    site, whose = sites.label(alert["source"]), f"for {client.name} ({client.id})"
    if alert["detail"] == REFUSED:
        return f"Email to {alert['title']} {whose} given up: refused {rules.REFUSED_TIMES} times"
    if alert["kind"] == "source":
        return f"{site} {whose} is broken"
    if alert["title"]:
        return f"{site} of competitor {alert['title']} {whose} is broken"
    if alert["detail"] == REPLY_NOT_SHOWN:
        return f"{site} {whose}: a reply posted from repscan is not shown"
    return f"{site} {whose} is {alert['detail']}"


def _told(alert: dict) -> str:
    """What the client heard of an operator's alert."""
    if alert["kind"] == "source":
        return alert["detail"]
    if alert["detail"] == REFUSED:
        return "nothing"
    if alert["title"]:
        return "nothing; the report's Competitors section shows this source as not read"
    if alert["detail"] == REPLY_NOT_SHOWN:
        return "nothing by alert; its report lists the review as waiting again, saying our reply is not shown"
    return "nothing by alert; its report says this page could not be read"


def _operator_next(alert: dict) -> str:
    return unshown_step() if alert["detail"] == REPLY_NOT_SHOWN else operator_step(alert["source"], alert["detail"])


def operator_message(config: Config, client: Client, alerts: list[dict]) -> EmailMessage:
    """The agency operator's email about broken sources and replies the site does not show: the technical reason, the
    URL and what to do."""
    msg = EmailMessage()
    names = ", ".join(dict.fromkeys(sites.label(a["source"]) for a in alerts if a["source"]))
    states = sorted({a["detail"] if a["detail"] == REFUSED else "broken" if a["kind"] == "source" or a["title"]
                     else a["detail"] for a in alerts})
    msg["Subject"] = " ".join(filter(None, [f"repscan: {client.name} ({client.id}):", names, " or ".join(states)]))
    msg["From"] = config.agency.sender
    msg["To"] = config.agency.operator
    msg["Message-ID"] = make_msgid(domain=config.agency.sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n\n".join("\n".join(filter(None, [
        f"* {_operator_headline(client, a)}", f"  URL: {a['url']}" if a["url"] else None, f"  Reason: {a['text']}",
        f"  The client was told: {_told(a)}", f"  Next step: {_operator_next(a)}"])) for a in alerts) + "\n")
    return mail.keep_subject_spaces(msg)
