"""Report delivery: SMTP settings from the environment, the report email, sending, .eml dry runs."""

from __future__ import annotations

import email.policy
import ipaddress
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from repscan.core import i18n
from repscan.core.i18n import _, ngettext
from repscan.reports.model import ReportData
from repscan.reports.render import render_template

log = logging.getLogger(__name__)

URL_VAR = "REPSCAN_SMTP_URL"
USER_VAR = "REPSCAN_SMTP_USER"
PASSWORD_VAR = "REPSCAN_SMTP_PASSWORD"
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
URL_FORMS = "smtp+starttls://user:password@host:587, smtps://user:password@host:465 or smtp://host:25"


class MailConfigError(ValueError):
    """The SMTP settings in the environment are missing or malformed."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def smtp_settings_from_env(environ=os.environ) -> SmtpSettings:
    """SMTP settings from REPSCAN_SMTP_URL (+ REPSCAN_SMTP_USER/PASSWORD); errors never echo the value."""
    raw = (environ.get(URL_VAR) or "").strip()
    if not raw:
        raise MailConfigError(f"{URL_VAR} is not set; set it to {URL_FORMS}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise MailConfigError(f"{URL_VAR} is malformed (bad host or port); expected {URL_FORMS}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise MailConfigError(
            f"{URL_VAR} must start with smtp://, smtp+starttls:// or smtps:// (got {scheme or 'no'} scheme)"
        )
    security, default_port = SCHEMES[scheme]
    if not parts.hostname:
        raise MailConfigError(f"{URL_VAR} names no host; expected {URL_FORMS}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailConfigError(f"{URL_VAR} must be scheme://[user:password@]host[:port] with nothing after the port")

    url_user = unquote(parts.username) if parts.username else None
    url_password = unquote(parts.password) if parts.password else None
    env_user = environ.get(USER_VAR) or None
    env_password = environ.get(PASSWORD_VAR) or None
    if url_user is not None and env_user is not None:
        raise MailConfigError(f"the SMTP user is set both in {URL_VAR} and in {USER_VAR}; keep one")
    if url_password is not None and env_password is not None:
        raise MailConfigError(f"the SMTP password is set both in {URL_VAR} and in {PASSWORD_VAR}; keep one")
    user = url_user if url_user is not None else env_user
    password = url_password if url_password is not None else env_password
    if password is not None and user is None:
        raise MailConfigError(f"an SMTP password is set but no user: set {USER_VAR} or user@ in {URL_VAR}")
    if user is not None and password is None:
        raise MailConfigError(f"an SMTP user is set but no password: set {PASSWORD_VAR} or user:password@ in {URL_VAR}")
    if user is not None and security == "plain" and not _is_loopback(parts.hostname):
        raise MailConfigError(
            f"{URL_VAR} would send the SMTP password unencrypted to {parts.hostname}; "
            "use smtp+starttls:// or smtps://"
        )
    return SmtpSettings(parts.hostname, port or default_port, security, user, password)


def subject_for(data: ReportData) -> str:
    """"Reputation report for Acme Plumbing: 3 new reviews, 1 open item needs a reply" (the action list's length:
    negative reviews, negative mentions and page-one complaints, not a part of the new reviews)."""
    name = " ".join(data.client_name.split())
    with i18n.language(data.language):
        new = len(data.new_reviews)
        figures = _("no new reviews") if new == 0 else ngettext("%(num)d new review", "%(num)d new reviews", new)
        waiting = len(data.actions)
        if waiting:
            figures += ngettext(", %(num)d open item needs a reply", ", %(num)d open items need a reply", waiting)
        if data.unhealthy:  # "no new reviews" alone would be a silent zero over pages we could not read
            figures += ngettext(", %(num)d source could not be read", ", %(num)d sources could not be read",
                                len(data.unhealthy))
        return _("Reputation report for %(name)s: %(figures)s", name=name, figures=figures)


@dataclass(frozen=True)
class Letter:
    """A report email's words as rendered with its PDF (stored with the report, so a resend sends the same)."""

    client_id: str
    subject: str
    text: str
    html: str


def letter_for(data: ReportData) -> Letter:
    return Letter(data.client_id, subject_for(data), render_template("email.txt", data),
                  render_template("email.html", data))


def build_message(
    data: ReportData | Letter,
    pdf_path: Path,
    sender: str,
    recipients: list[str],
    message_id: str | None = None,
) -> EmailMessage:
    """The report email: text and HTML summary, the PDF attached; pass message_id to resend as the same message."""
    if not recipients:
        raise ValueError("a report email needs at least one recipient")
    letter = data if isinstance(data, Letter) else letter_for(data)
    pdf_path = Path(pdf_path)
    if message_id is None:
        domain = parseaddr(sender)[1].rpartition("@")[2] or "repscan.invalid"
        message_id = make_msgid(idstring="repscan." + re.sub(r"[^A-Za-z0-9-]", "-", letter.client_id), domain=domain)
    msg = EmailMessage()
    msg["Subject"] = letter.subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(letter.text)
    msg.add_alternative(letter.html, subtype="html")
    msg.add_attachment(
        pdf_path.read_bytes(), maintype="application", subtype="pdf", filename=pdf_path.name
    )
    return keep_subject_spaces(msg)


class _SubjectPolicy(email.policy.EmailPolicy):
    """policy.default, but a non-ASCII subject (a client's language, a client's name) is written as encoded-words of
    at most 75 characters with its spaces inside them (RFC 2047). Python 3.11's own folding leaves the space between
    two encoded-words outside both, and readers drop it ("Plumbing:2 пункти", CPython issue 92081)."""

    def fold(self, name, value):
        if name.lower() != "subject" or str(value).isascii():
            return super().fold(name, value)
        words = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep, maxlinelen=76)
        return f"{name}: {words}{self.linesep}"

    def fold_binary(self, name, value):
        if name.lower() != "subject" or str(value).isascii():
            return super().fold_binary(name, value)
        return self.fold(name, value).encode("ascii")


SUBJECT_POLICY = _SubjectPolicy()


def keep_subject_spaces(msg: EmailMessage) -> EmailMessage:
    """`msg` written with SUBJECT_POLICY (only headers are folded by the policy; the bodies are already encoded)."""
    msg.policy = SUBJECT_POLICY
    return msg


class Refused(smtplib.SMTPRecipientsRefused):
    """The server refused some recipients (`recipients`: address -> (code, reply)); any others took the message.
    `codes`: each refused address's reply code (rules.refused_permanently tells 550 from 450)."""

    def __init__(self, recipients: dict):
        super().__init__(recipients)
        self.codes = {address: code for address, (code, _reply) in recipients.items()}
        self.reasons = {address: f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
                        for address, (code, reply) in recipients.items()}
        self.args = ("refused " + "; ".join(f"{address} ({why})" for address, why in self.reasons.items()),)


def send_message(msg: EmailMessage, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None,
                 to: list[str] | None = None) -> str:
    """Send `msg` over SMTP as `settings` say (to `to`, else its To) and return its Message-ID; a recipient the
    server refuses is Refused, raised after the others took it, never only a log line."""
    context = ssl_context or ssl.create_default_context()
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username is not None:
            client.login(settings.username, settings.password or "")
        refused = client.send_message(msg, to_addrs=to)
    except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused: nobody took it
        client.close()
        raise Refused(exc.recipients) from None
    except BaseException:
        client.close()
        raise
    # The server has accepted the message: a QUIT it answers with 421, or a dropped line, does not unsend it
    # (counting it as failed would send it again on the rerun).
    try:
        client.quit()
    except (smtplib.SMTPException, OSError) as exc:
        log.info("SMTP QUIT after %s was accepted failed (%s); the message counts as sent", msg["Message-ID"], exc)
    finally:
        client.close()
    if refused:
        raise Refused(refused)
    return msg["Message-ID"]


def write_eml(msg: EmailMessage, folder: Path) -> Path:
    """Write `msg` as an .eml file named after its Message-ID (dry runs); returns the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", (msg["Message-ID"] or "message").strip("<>")) or "message"
    path = folder / f"{stem}.eml"
    path.write_bytes(msg.as_bytes())
    return path
