"""Render and send reports, recording each in the store so a rerun never sends one twice."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from repscan.config import Client, Config
from repscan.items import parse_iso, stamp, utcnow
from repscan.store import Store
from reports import mail, queries, render


@dataclass
class SendResult:
    client_id: str
    status: str  # sent, dry-run, failed
    pdf: Path | None = None
    detail: str = ""
    new_reviews: int = 0
    new_negatives: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        figures = f"{self.new_reviews} new, {self.new_negatives} negative"
        return f"{self.client_id}: {self.status} ({figures}) {self.pdf or ''} {self.detail}".rstrip()


def _since(store: Store, client: Client) -> str | None:
    last = store.last_sent_report(client.id)
    return last["period_end"] if last else None


def default_path(config: Config, client: Client, when, suffix: str) -> Path:
    return config.reports_dir / f"{client.id}-{when:%Y%m%d-%H%M%S}{suffix}"


def render_report(config: Config, client: Client, *, since: str | None = None, last: bool = True,
                  out: Path | None = None, html: bool = False) -> Path:
    """A preview report (not recorded, not sent) since an ISO time or the last sent report."""
    store = Store(config.database)
    try:
        if not last and since is not None:
            try:
                since = stamp(parse_iso(since))
            except ValueError:
                raise ValueError(f"--since {since!r} is not an ISO 8601 time") from None
        else:
            since = _since(store, client)
        now = utcnow()
        data = queries.build(config, client, store, since=since, until=now)
    finally:
        store.close()
    path = out or default_path(config, client, now, ".html" if html else ".pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    if html:
        path.write_text(render.render_html(data), encoding="utf-8")
        return path
    return render.render_pdf(data, path)


def send_reports(config: Config, clients: list[Client], *, dry_run: bool = False,
                 outbox: Path | None = None) -> list[SendResult]:
    """Each client's due report: reuse one rendered but unsent, else render; then email and record."""
    settings = None if dry_run else mail.smtp_settings_from_env()
    outbox = outbox or config.reports_dir / "outbox"
    results = []
    store = Store(config.database)
    try:
        for client in clients:
            try:
                results.append(_send_one(config, store, client, settings, dry_run, outbox))
            except Exception as exc:  # one client's failure never stops the others
                results.append(SendResult(client.id, "failed", detail=f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()
    return results


def _send_one(config: Config, store: Store, client: Client, settings, dry_run: bool, outbox: Path) -> SendResult:
    pending = store.pending_report(client.id)
    if pending and Path(pending["pdf_path"]).is_file():
        report_id, since = pending["id"], pending["period_start"]
        until = parse_iso(pending["period_end"])
        data = queries.build(config, client, store, since=since, until=until)
        pdf = Path(pending["pdf_path"])
        message_id = pending["message_id"] or make_msgid(domain=_domain(config.agency.sender))
    else:
        since, until = _since(store, client), utcnow()
        data = queries.build(config, client, store, since=since, until=until)
        pdf = render.render_pdf(data, default_path(config, client, until, ".pdf"))
        report_id = store.add_report(client.id, period_start=since, period_end=stamp(until), pdf_path=str(pdf),
                                     new_reviews=data.summary.new_reviews, new_negatives=data.summary.new_negatives)
        message_id = make_msgid(domain=_domain(config.agency.sender))
    msg = mail.build_message(data, pdf, config.agency.sender, client.recipients, message_id=message_id)
    result = SendResult(client.id, "sent", pdf, new_reviews=data.summary.new_reviews,
                        new_negatives=data.summary.new_negatives)
    if dry_run:
        result.status, result.detail = "dry-run", str(mail.write_eml(msg, outbox))
        return result
    store.mark_sending(report_id, client.recipients, message_id)
    try:
        mail.send_message(msg, settings)
    except Exception as exc:
        store.mark_report_error(report_id, f"{type(exc).__name__}: {exc}")
        raise
    store.mark_sent(report_id)
    result.detail = f"to {', '.join(client.recipients)}"
    return result


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1]
