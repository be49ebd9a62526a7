"""Render and send reports, recording each in the store so a rerun never sends one twice."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repscan.core.config import Client, Config
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.processes import die_with_parent
from repscan.core.store import Store
from repscan.reports import queries, render

if TYPE_CHECKING:  # imported where the pool is made: a report process that sends one client never needs it
    from concurrent.futures import ProcessPoolExecutor
# mail, notify and the process pool are imported where they are used: `repscan report` needs none of them


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
            since = store.report_cutoff(client.id)
        now = utcnow()
        data = queries.build(config, client, store, since=since, until=now, preview=True)
    finally:
        store.close()
    path = out or default_path(config, client, now, ".html" if html else ".pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    if html:
        path.write_text(render.render_html(data), encoding="utf-8")
        return path
    return render.render_pdf(data, path)


def send_reports(config: Config, clients: list[Client], *, dry_run: bool = False, outbox: Path | None = None,
                 workers: int | None = None, progress: bool = False, on_done=None,
                 slots: dict[str, str] | None = None) -> list[SendResult]:
    """Each client's report: reuse one rendered but unsent, else render (in parallel); then email and record.

    Sending and recording happen in this process, one client at a time, so a crash at any
    point leaves each client either sent (recorded) or rendered/unrendered: a rerun sends
    what is missing and nothing twice. `on_done(client_id, result)` runs after each client. `slots`: the
    schedule slot (client id -> slot) each sent report fulfils, recorded in the same transaction as "sent".
    """
    from repscan.reports import mail

    settings: mail.SmtpSettings | str | None = None  # or why email cannot be sent (a line per client that needs it)
    if not dry_run:
        try:
            settings = mail.smtp_settings_from_env()
        except mail.MailConfigError as exc:
            settings = str(exc)
    outbox = outbox or config.reports_dir / "outbox"
    store = Store(config.database)
    results: dict[str, SendResult] = {}
    todo: list[tuple[Client, dict | None, tuple | None]] = []
    try:
        for client in clients:
            pending = store.pending_report(client.id)
            if pending and Path(pending["pdf_path"]).is_file():
                todo.append((client, pending, None))
            else:
                since, until = store.report_cutoff(client.id), utcnow()
                pdf = default_path(config, client, until, ".pdf")
                pdf = outbox / pdf.name if dry_run else pdf  # a preview stays beside its .eml
                todo.append((client, None, (str(config.path), client.id, since, stamp(until), str(pdf), dry_run)))
    finally:
        store.close()

    bar = _progress(len(todo), progress)
    tasks = [task for _, _, task in todo if task]
    rendered = _render_all(tasks, workers)
    store = Store(config.database)
    try:
        for client, pending, task in todo:
            try:
                outcome = rendered.get(client.id) if task else None
                if isinstance(outcome, BaseException):
                    raise outcome
                results[client.id] = _send_one(config, store, client, pending, outcome, settings, dry_run, outbox,
                                               (slots or {}).get(client.id))
            except Exception as exc:  # one client's failure never stops the others
                results[client.id] = SendResult(client.id, "failed", detail=f"{type(exc).__name__}: {exc}")
            if on_done:
                on_done(client.id, results[client.id])
            bar.update(1)
    finally:
        bar.close()
        store.close()
    return [results[client.id] for client, _, _ in todo]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="client", desc="reports", disable=not enabled or None, file=sys.stderr)


def _render_task(config_path: str, client_id: str, since: str | None, until: str, pdf_path: str, preview: bool):
    """In a worker process: build one client's report and render its PDF and its email from that one build;
    returns (data, letter, pdf path, since, until). A `preview` (a dry run) writes nothing to the store."""
    from repscan.core import config as config_mod
    from repscan.reports import mail

    config = config_mod.load(config_path, skip_bad_clients=True)  # as the command did: another client's typo
    store = Store(config.database)
    try:
        data = queries.build(config, config.client(client_id), store, since=since, until=parse_iso(until),
                             preview=preview)
    finally:
        store.close()
    return data, mail.letter_for(data), render.render_pdf(data, Path(pdf_path)), since, until


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for CPU-bound work, each a fresh interpreter (no inherited SQLite handles) that dies with this one."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent,
                               initargs=(os.getpid(),))


def _render_all(tasks: list[tuple], workers: int | None) -> dict[str, object]:
    """Render on all cores (WeasyPrint is CPU-bound); results or exceptions by client id."""
    from concurrent.futures import as_completed

    workers = min(workers or os.cpu_count() or 1, len(tasks))
    out: dict[str, object] = {}
    if workers <= 1:
        for task in tasks:
            try:
                out[task[1]] = _render_task(*task)
            except Exception as exc:
                out[task[1]] = exc
        return out
    with worker_pool(workers) as pool:
        futures = {pool.submit(_render_task, *task): task[1] for task in tasks}
        for future in as_completed(futures):
            try:
                out[futures[future]] = future.result()
            except Exception as exc:
                out[futures[future]] = exc
    return out


def _send_one(config: Config, store: Store, client: Client, pending: dict | None, rendered, settings,
              dry_run: bool, outbox: Path, slot: str | None = None) -> SendResult:
    from email.utils import make_msgid

    from repscan.reports import mail

    if pending:
        report_id, pdf = pending["id"], Path(pending["pdf_path"])
        letter = _stored_letter(config, client, store, pending)
        figures = pending["new_reviews"], pending["new_negatives"]
        message_id = pending["message_id"] or make_msgid(domain=_domain(config.agency.sender))
    else:
        data, letter, pdf, since, until = rendered
        figures = data.summary.new_reviews, data.summary.new_negatives
        report_id = None if dry_run else store.add_report(
            client.id, period_start=since, period_end=until, pdf_path=str(pdf), new_reviews=figures[0],
            new_negatives=figures[1], letter=letter, figures=queries.sent_figures(data))
        message_id = make_msgid(domain=_domain(config.agency.sender))
    result = SendResult(client.id, "sent", pdf, new_reviews=figures[0], new_negatives=figures[1])
    msg = mail.build_message(letter, pdf, config.agency.sender, client.recipients, message_id=message_id) \
        if client.recipients else None
    if dry_run:  # a preview in the outbox: no report row, so the next real send renders afresh
        result.status, result.detail = "dry-run", str(mail.write_eml(msg, outbox)) if msg else "no email recipients"
        return result
    channels = _channels(config, client, letter, pdf, msg, settings)
    done = store.delivered("report", [report_id])[report_id]
    errors = []
    for name, (label, send) in channels.items():
        if name == "email":
            errors += _email(store, report_id, client.recipients, message_id, send, done)
            continue
        if name in done:
            continue
        try:
            send()
        except Exception as exc:  # this channel failed; the others still deliver, the rerun retries it alone
            error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, mail.MailConfigError) else str(exc)
            store.record_delivery("report", [report_id], name, error=error)
            errors.append(f"{label}: {error}")
            continue
        store.record_delivery("report", [report_id], name)
    needs = {f"email:{r}" for r in client.recipients if msg is not None} | {n for n in channels if n != "email"}
    refusals = store.failed("report", {report_id: needs}).get(report_id)
    if refusals:  # every channel given up, none took it: failed for good, its period left to the next report
        with store.transaction():
            store.mark_report_failed(report_id, f"delivered to nobody: {refusals}")
            if slot is not None:
                store.mark_done(client.id, "report", slot, "failed")
        raise DeliveryError("; ".join(errors) or f"delivered to nobody: {refusals}")
    if errors:
        store.mark_report_error(report_id, "; ".join(errors))
        raise DeliveryError("; ".join(errors))
    with store.transaction():  # one commit: killed after it, a rerun finds the client sent and its slot done
        store.mark_sent(report_id)
        if slot is not None:
            store.mark_done(client.id, "report", slot, "ok")
    result.detail = ", ".join(label for label, _ in channels.values())
    return result


def _stored_letter(config: Config, client: Client, store: Store, pending: dict):
    """The email rendered with a pending report's PDF; a report rendered before letters were stored is rebuilt for
    its period (every read bounded by its end)."""
    from repscan.reports import mail

    if pending.get("mail_subject") is not None:
        return mail.Letter(client.id, pending["mail_subject"], pending["mail_text"], pending["mail_html"])
    return mail.letter_for(queries.build(config, client, store, since=pending["period_start"],
                                         until=parse_iso(pending["period_end"]), preview=True))


def _email(store: Store, report_id: int, recipients: list[str], message_id: str, send, done: set[str]) -> list[str]:
    """Email the report to each recipient that has not taken it, each recorded apart ("email:ADDRESS"): one the
    server refused is a failed delivery, with its code, that the rerun retries for that recipient alone; refused
    for good (5xx) rules.REFUSED_TIMES times, it is given up for this report (store.given_up tells the operator)."""
    from repscan.core import rules
    from repscan.reports import mail

    todo = [r for r in recipients if "email" not in done and f"email:{r}" not in done]
    if not todo:
        return []
    store.mark_sending(report_id, recipients, message_id)
    refused: dict[str, str] = {}
    codes: dict[str, int] = {}
    try:
        send(todo)
    except mail.Refused as exc:
        refused = {address: f"refused: {why}" for address, why in exc.reasons.items()}
        codes = exc.codes
    except Exception as exc:  # nobody took it: each is retried
        error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, mail.MailConfigError) else str(exc)
        for address in todo:
            store.record_delivery("report", [report_id], f"email:{address}", error=error)
        return [f"to {', '.join(todo)}: {error}"]
    for address in todo:
        if store.record_delivery("report", [report_id], f"email:{address}", error=refused.get(address),
                                 permanent=rules.refused_permanently(codes.get(address))):
            refused[address] += f" (given up after {rules.REFUSED_TIMES} refusals: not retried for this report)"
    return [f"to {address}: {why}" for address, why in refused.items()]


class DeliveryError(RuntimeError):
    """A report channel did not take the report (the others did; a rerun retries the failed ones)."""


def _channels(config: Config, client: Client, letter, pdf: Path, msg, settings) -> dict:
    """The client's report deliveries: name -> (label, send()); email (send(recipients)), a folder, Apprise with
    the PDF."""
    from repscan.reports import mail, notify

    channels = {}
    if msg is not None:
        def email(recipients):
            if not isinstance(settings, mail.SmtpSettings):
                raise mail.MailConfigError(settings or f"{mail.URL_VAR} is not set")
            mail.send_message(msg, settings, to=recipients)
        channels["email"] = (f"to {', '.join(client.recipients)}", email)
    folder = config.deliver_to(client)
    if folder is not None:
        def write():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, folder / pdf.name)
        channels[f"folder:{folder}"] = (f"written to {folder}", write)
    for url in client.report_apprise:
        def post(url=url):
            notify.notify(url, letter.subject, letter.text, attach=pdf)
        channels[notify.channel(url)] = (f"apprise {notify.label(url)}", post)
    return channels


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1]
