"""The operator's email after `repscan run`: one digest of the run's failures, each problem at most once a day."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tomllib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.store import Store

REPEAT_AFTER = timedelta(days=1)  # the same problem is emailed again only after this long
NOTICE_ROW = "(operator)"  # schedule_state's client_id for what the operator was told: job "notice <hash>"
TOLD_ELSEWHERE = "crawl "  # a source's failed crawl reaches the operator as a source alert (rules.SOURCE_GRACE)


def worth_telling(outcome) -> bool:
    """A failed line of the run the operator hears of here: config, delivery, alerts, nodes, lock, a broken crawl
    stage; not one source's failed crawl (its own operator alert follows if it lasts). And alerts retired unsent."""
    from repscan.reports.alerts import RETIRED_UNSENT

    if outcome.status == "warning":
        return outcome.job == "alerts" and RETIRED_UNSENT in outcome.detail
    return outcome.failed and not outcome.job.startswith(TOLD_ELSEWHERE)


# A time: an ISO date or date-time, a file name's 20261205-060000, a clock's 06:00 or 06:00:12 (never an address's
# port, 127.0.0.1:25, nor a version or reply code).
_TIMES = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
                    r"|\b\d{8}-\d{6}\b|(?<![\d.:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
# A count or a duration: a number standing alone before a word ("3 new", "12 alerts", "4.2 s"), never a part of a
# name, an address or a path (shop1, store-12, 10.0.0.12), nor an SMTP reply code (550 user unknown).
_COUNTS = re.compile(r"(?<![\w.:/@-])(?![245]\d\d\b)\d+(?:\.\d+)?(?= [a-z])")


def _key(line: str) -> str:
    """A problem's identity: its client and job ("shop1 send") as they are, and its detail with only the times and
    the counts that change from run to run normalised (_TIMES, _COUNTS): another client's, address's or reply's
    problem is another problem."""
    who, colon, detail = line.partition(": ")
    detail = _COUNTS.sub("#", _TIMES.sub("<time>", detail))
    return "notice " + hashlib.sha256(f"{who}{colon}{detail}".encode()).hexdigest()[:24]


def _redacted(text: str, secrets: list[str]) -> str:
    """No password or token in the operator's email: a URL's user:password, and each known secret value."""
    text = re.sub(r"(\w+://)[^/@\s]+@", r"\1***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


RUN_SUBJECT = ("problem in the run", "problems in the run")
CONFIG_SUBJECT = ("config problem stops every client in the run", "config problems stop every client in the run")


def send_digest(database: Path, sender: str, operator: str | None, lines: list[str], *, now: datetime | None = None,
                busy_timeout: float = 30.0, subject: tuple[str, str] = RUN_SUBJECT, smtp=None) -> str | None:
    """Email the operator the lines not already told within REPEAT_AFTER, record them told; what to print about it
    (None when nothing was new or there is no operator). SMTP from the environment, else `smtp` (the settings
    recorded by the last good run). Never raises for a mail problem: it says so instead."""
    from repscan.reports import mail

    if not operator or not lines:
        return None
    now = now or utcnow()
    try:
        smtp = mail.smtp_settings_from_env()
    except mail.MailConfigError as exc:
        if smtp is None:
            return f"operator not emailed: {exc}"
    store = Store(database, busy_timeout=busy_timeout)
    try:
        lines = [_redacted(line, [smtp.password or ""]) for line in dict.fromkeys(lines)]
        new = [line for line in lines if not _told(store, _key(line), now)]
        if not new:
            return f"operator already told of {len(lines)} problem{'s' if len(lines) != 1 else ''} within a day"
        msg = _message(sender, operator, new, len(lines) - len(new), now, subject)
        try:
            mail.send_message(msg, smtp)
        except Exception as exc:  # noqa: BLE001 (the run's own lines still say everything)
            return f"operator not emailed: {type(exc).__name__}: {_redacted(str(exc), [smtp.password or ''])}"
        for line in new:
            store.mark_done(NOTICE_ROW, _key(line), stamp(now), "sent")
    finally:
        store.close()
    return f"operator {operator} emailed {len(new)} problem{'s' if len(new) != 1 else ''}"


def _told(store: Store, key: str, now: datetime) -> bool:
    last = parse_iso(store.last_done(NOTICE_ROW, key))
    return last is not None and timedelta(0) <= now - last < REPEAT_AFTER


def _message(sender: str, operator: str, lines: list[str], repeats: int, now: datetime,
             subject: tuple[str, str]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"repscan: {len(lines)} {subject[len(lines) != 1]} of {now:%Y-%m-%d %H:%M} UTC"
    msg["From"] = sender
    msg["To"] = operator
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    body = [f"repscan run at {now:%Y-%m-%d %H:%M} UTC:", "", *(f"* {line}" for line in lines), ""]
    if repeats:
        body.append(f"{repeats} more, emailed within the last day, still stand (see the run's log).")
    body.append("Each problem is emailed once a day while it lasts; a failed line keeps the run's exit code 1 until it"
                " is fixed.")
    msg.set_content("\n".join(body) + "\n")
    return msg


OPERATOR_JOB = "recorded operator"  # schedule_state's (NOTICE_ROW, this) row: the last good config's operator


def record_operator(database: Path, operator: str | None, sender: str, *, busy_timeout: float = 30.0) -> str | None:
    """After a good load, keep who the operator is and how mail reached them (SMTP host, port, security, user and the
    password variable's name, never a password), for the run whose config cannot be parsed (config_unreadable);
    what went wrong (the run goes on), or None."""
    from repscan.reports import mail

    try:
        smtp = mail.smtp_settings_from_env()
        server = {"host": smtp.host, "port": smtp.port, "security": smtp.security, "user": smtp.username}
    except mail.MailConfigError:
        server = None
    record = json.dumps({"operator": operator, "sender": sender, "smtp": server, "password_var": mail.PASSWORD_VAR})
    try:
        store = Store(database, busy_timeout=busy_timeout)
        try:
            if store.last_status(NOTICE_ROW, OPERATOR_JOB) != record:
                store.mark_done(NOTICE_ROW, OPERATOR_JOB, stamp(utcnow()), record)
        finally:
            store.close()
    except sqlite3.Error as exc:
        return f"the operator is not recorded for a config that cannot be parsed: {type(exc).__name__}: {exc}"
    return None


def _recorded(database: Path):
    """(operator, sender, SMTP settings or None) as the last good run recorded them, or None."""
    from repscan.reports import mail

    if not database.is_file():
        return None
    try:
        store = Store(database)
        try:
            record = json.loads(store.last_status(NOTICE_ROW, OPERATOR_JOB) or "null")
        finally:
            store.close()
    except (sqlite3.Error, ValueError):  # not a database, or locked: the run's own output still says it
        return None
    if not isinstance(record, dict):
        return None
    server = record.get("smtp")
    smtp = server and mail.SmtpSettings(server["host"], server["port"], server["security"], server["user"],
                                        os.environ.get(record["password_var"]) or None)
    return record.get("operator"), record.get("sender"), smtp


# The [storage] database line of a file TOML cannot parse (its other lines may be what is broken).
_DATABASE_LINE = re.compile(r"""^[ \t]*database[ \t]*=[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')""", re.MULTILINE)


def config_unreadable(path: Path | None, problems: list[str], *, now: datetime | None = None) -> str | None:
    """The config cannot be loaded: email its problems to the [agency] operator, the one the file still names or,
    when it cannot be parsed, the one the last good run recorded in the database (record_operator); what to print
    about it, or None."""
    from repscan.core.config import DEFAULT_PATH, EMAIL

    path = Path(path) if path else DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        data = None
    storage = data.get("storage") if data and isinstance(data.get("storage"), dict) else {}
    database = storage.get("database") if data else next(
        (m.group(1) or m.group(2) for m in _DATABASE_LINE.finditer(text)), None)
    database = Path(database if isinstance(database, str) else "repscan.db")
    database = database if database.is_absolute() else path.parent / database
    if not database.parent.is_dir():
        return None
    smtp = None
    if data is None:
        recorded = _recorded(database)
        if recorded is None:
            return None
        operator, sender, smtp = recorded
    else:
        agency = data.get("agency") if isinstance(data.get("agency"), dict) else {}
        operator, sender = agency.get("operator"), agency.get("sender")
    if not all(isinstance(value, str) and EMAIL.fullmatch(value) for value in (operator, sender)):
        return None
    return send_digest(database, sender, operator, [f"config {path}: {problem}" for problem in problems], now=now,
                       subject=CONFIG_SUBJECT, smtp=smtp)
