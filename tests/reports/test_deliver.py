"""Sending through a real SMTP server on 127.0.0.1: one email per report, never twice, none skipped."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from pypdf import PdfReader

from helpers import run_cli, write_config
from repscan.core import config as config_mod
from repscan.app.demo import free_port, smtp_server
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import deliver, mail


def seed(folder, *reviews):
    store = Store(folder / "repscan.db")
    items = [{**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                     business_url="https://t.example/review/acme.example", author=author, rating=rating,
                     text=text, published_at=stamp(utcnow() - timedelta(days=2))), "sentiment": 0.0,
              "negative": rating <= 2}  # published days before it is found: new (weeks before: a backfill)
             for sid, author, rating, text in reviews]
    store.save_items("acme", items)
    store.close()


@pytest.fixture
def refuse() -> set[str]:
    """Addresses the SMTP server answers 550 (a test may change it between sends)."""
    return set()


@pytest.fixture
def server(tmp_path, refuse):
    with smtp_server(tmp_path / "received", refuse) as smtp:
        yield smtp


@pytest.fixture
def setup(tmp_path, monkeypatch, server):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    seed(tmp_path, ("r1", "Wendy Marsh", 1, "The boiler still leaks after three visits."),
         ("r2", "Tariq Aziz", 5, "Quick and tidy work."))
    monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
    yield config_mod.load(path), tmp_path / "received"


@pytest.fixture
def smtp_url():
    import os

    return os.environ["REPSCAN_SMTP_URL"]


def received(folder):
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.glob("*.eml"))]


def test_send_delivers_one_message_with_summary_and_pdf_and_records_it(setup):
    cfg, inbox = setup
    [result] = deliver.send_reports(cfg, cfg.clients)
    assert result.status == "sent" and result.new_reviews == 2 and result.new_negatives == 1
    [msg] = received(inbox)
    assert msg["To"] == "owner@acme.example, manager@acme.example"
    assert "Acme Plumbing" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    assert "New negative reviews: 1" in text and "by Wendy Marsh" in text
    assert "The boiler still leaks after three visits." in text and "Tariq" not in text
    [pdf] = [part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_content()[:5] == b"%PDF-"
    store = Store(cfg.database)
    [row] = store.reports("acme")
    store.close()
    assert row["status"] == "sent" and row["message_id"] == msg["Message-ID"]
    assert row["recipients"] == "owner@acme.example, manager@acme.example"


def test_next_report_covers_only_what_is_new_since_the_last_one(setup):
    cfg, inbox = setup
    deliver.send_reports(cfg, cfg.clients)
    seed(cfg.path.parent, ("r3", "Nadia Petrova", 2, "Arrived four hours late."))
    [result] = deliver.send_reports(cfg, cfg.clients)
    assert (result.new_reviews, result.new_negatives) == (1, 1)
    [quiet] = deliver.send_reports(cfg, cfg.clients)
    assert (quiet.new_reviews, quiet.new_negatives) == (0, 0)
    assert len(received(inbox)) == 3


def test_smtp_down_fails_loudly_and_the_rerun_sends_the_same_report_once(setup, smtp_url, monkeypatch):
    cfg, inbox = setup
    monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    [failed] = deliver.send_reports(cfg, cfg.clients)
    assert failed.failed and "Connection" in failed.detail
    store = Store(cfg.database)
    [row] = store.reports("acme")
    store.close()
    assert row["status"] == "sending" and row["error"]
    monkeypatch.setenv("REPSCAN_SMTP_URL", smtp_url)
    [result] = deliver.send_reports(cfg, cfg.clients)
    assert result.status == "sent"
    [msg] = received(inbox)
    store = Store(cfg.database)
    [row2] = store.reports("acme")
    store.close()
    assert row2["id"] == row["id"] and row2["status"] == "sent"
    assert msg["Message-ID"] == row["message_id"]  # the resend reuses the id, so mail clients de-duplicate


def test_crash_after_rendering_reuses_the_rendered_report(setup):
    cfg, inbox = setup
    store = Store(cfg.database)
    client = cfg.client("acme")
    # What a crash right after rendering leaves behind: a rendered, unsent report.
    from repscan.reports import queries, render
    from repscan.core.items import stamp, utcnow

    until = utcnow()
    data = queries.build(cfg, client, store, since=None, until=until)
    pdf = render.render_pdf(data, cfg.reports_dir / "crashed.pdf")
    report_id = store.add_report("acme", period_start=None, period_end=stamp(until), pdf_path=str(pdf),
                                 new_reviews=2, new_negatives=1)
    store.close()
    [result] = deliver.send_reports(cfg, cfg.clients)
    assert result.status == "sent" and result.pdf == pdf
    assert len(received(inbox)) == 1
    store = Store(cfg.database)
    assert [(r["id"], r["status"]) for r in store.reports("acme")] == [(report_id, "sent")]
    store.close()


def row_counts(database) -> dict[str, int]:
    store = Store(database)
    try:
        tables = [r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: store.query(f"SELECT COUNT(*) AS n FROM [{table}]")[0]["n"] for table in tables}
    finally:
        store.close()


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_dry_run_writes_eml_and_records_nothing_so_the_next_send_renders_afresh(setup, tmp_path):
    cfg, inbox = setup
    before = row_counts(cfg.database)
    [result] = deliver.send_reports(cfg, cfg.clients, dry_run=True, outbox=tmp_path / "outbox")
    assert result.status == "dry-run"
    [eml] = (tmp_path / "outbox").glob("*.eml")
    assert b"%PDF" not in eml.read_bytes()[:100] and received(inbox) == []
    assert result.pdf.parent == tmp_path / "outbox" and list(cfg.reports_dir.glob("*.pdf")) == []
    assert row_counts(cfg.database) == before  # no report row, no reply drafts, no log rows
    seed(cfg.path.parent, ("r3", "Nadia Petrova", 2, "Arrived four hours late."))
    [sent] = deliver.send_reports(cfg, cfg.clients)
    assert (sent.status, sent.new_reviews, sent.new_negatives) == ("sent", 3, 2)  # not the stale preview's 2, 1
    [msg] = received(inbox)
    assert "Nadia Petrova" in msg.get_body(("plain",)).get_content()


def test_the_report_preview_writes_nothing_to_the_store(setup, tmp_path):
    cfg, _ = setup
    before = row_counts(cfg.database)
    pdf = deliver.render_report(cfg, cfg.client("acme"), out=tmp_path / "preview.pdf")
    assert "Wendy Marsh" in pdf_text(pdf)
    assert row_counts(cfg.database) == before  # it drafted replies and logged them before


def test_a_resend_sends_the_email_rendered_with_the_pdf_not_one_from_later_data(setup, smtp_url, monkeypatch):
    """SMTP down at send time; a negative review arrives; the resend's email names what its PDF names."""
    cfg, inbox = setup
    monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    [failed] = deliver.send_reports(cfg, cfg.clients)
    assert failed.failed
    seed(cfg.path.parent, ("r3", "Nadia Petrova", 2, "Arrived four hours late."))
    monkeypatch.setenv("REPSCAN_SMTP_URL", smtp_url)
    [result] = deliver.send_reports(cfg, cfg.clients)
    assert result.status == "sent"
    [msg] = received(inbox)
    [attached] = [part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert attached.get_content() == result.pdf.read_bytes()
    text, pdf = msg.get_body(("plain",)).get_content(), pdf_text(result.pdf)
    assert "Wendy Marsh" in text and "Wendy Marsh" in pdf
    assert "Nadia Petrova" not in text and "Nadia Petrova" not in pdf  # first seen after the report's period
    assert "1 open item needs a reply" in msg["Subject"]


def test_a_refused_recipient_is_a_failed_delivery_retried_for_that_address_alone(setup, server, refuse):
    cfg, inbox = setup
    refuse.add("manager@acme.example")
    [failed] = deliver.send_reports(cfg, cfg.clients)
    assert failed.failed and "manager@acme.example" in failed.line() and "550" in failed.line()
    assert "owner@acme.example" not in failed.detail
    assert server.envelopes == [["owner@acme.example"]]
    store = Store(cfg.database)
    [row] = store.reports("acme")
    rows = {r["channel"]: r for r in store.query("SELECT * FROM deliveries WHERE kind = 'report'")}
    store.close()
    assert row["status"] == "sending" and "550" in row["error"]
    assert rows["email:owner@acme.example"]["sent_at"] and not rows["email:manager@acme.example"]["sent_at"]
    refuse.clear()
    [sent] = deliver.send_reports(cfg, cfg.clients)
    assert sent.status == "sent"
    assert server.envelopes == [["owner@acme.example"], ["manager@acme.example"]]  # never the owner twice
    first, second = received(inbox)
    assert first["Message-ID"] == second["Message-ID"] == row["message_id"]


def test_send_cli_without_smtp_settings_is_a_failed_line_naming_the_variable(setup):
    cfg, _ = setup  # email is one delivery among others (a folder, Apprise): its missing settings fail that client
    result = run_cli("--config", str(cfg.path), "send", "--client", "acme", env={"REPSCAN_SMTP_URL": ""})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "acme: failed" in result.stdout and f"{mail.URL_VAR} is not set" in result.stdout
    store = Store(cfg.database)
    assert store.last_sent_report("acme") is None
    store.close()


def test_an_address_refused_for_good_is_given_up_after_three_runs_and_the_operator_told_once(tmp_path, monkeypatch):
    """550 user unknown, run after run: after rules.REFUSED_TIMES refusals the report is no longer retried for that
    address (its delivery given up, with the server's reply), the report counts as sent to the others, and the
    operator is told once by email; a 4xx (a full mailbox) is only ever a retry."""
    from datetime import timedelta

    from repscan.core import rules
    from repscan.core.items import utcnow
    from repscan.reports import alerts

    refuse = {"manager@acme.example": "550 5.1.1 <manager@acme.example>: user unknown",
              "desk@acme.example": "452 4.2.2 <desk@acme.example>: mailbox full"}
    with smtp_server(tmp_path / "received", refuse) as server:
        path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")], agency={
            "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"})
        path.write_text(path.read_text().replace('"manager@acme.example"',
                                                 '"manager@acme.example", "desk@acme.example"'))
        seed(tmp_path, ("r1", "Wendy Marsh", 1, "The boiler still leaks after three visits."))
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        cfg = config_mod.load(path)
        assert cfg.client("acme").recipients == ["owner@acme.example", "manager@acme.example", "desk@acme.example"]
        lines = [deliver.send_reports(cfg, cfg.clients)[0].line() for _run in range(rules.REFUSED_TIMES + 1)]
        store = Store(cfg.database)
        try:
            rows = {r["channel"]: r for r in store.query("SELECT * FROM deliveries WHERE kind = 'report'")}
            manager, desk = rows["email:manager@acme.example"], rows["email:desk@acme.example"]
            assert manager["given_up_at"] and not desk["given_up_at"]
            assert manager["error"].startswith("given up after 3 permanent refusals: refused: 550 5.1.1")
            assert all("manager@acme.example" in line for line in lines[:3]) and "given up" in lines[2]
            assert "manager@acme.example" not in lines[3] and "452" in lines[3]  # the 4xx is retried, still failing
            tried = [address for envelope in server.envelopes for address in envelope]
            assert tried.count("owner@acme.example") == 1 and "manager@acme.example" not in tried
            refuse.pop("desk@acme.example")
            [sent] = deliver.send_reports(cfg, cfg.clients)
            assert sent.status == "sent" and [r["status"] for r in store.reports("acme")] == ["sent"]
            for hours in (0, 1):  # told once, however many runs follow
                now = utcnow() + timedelta(hours=hours)
                alerts.collect(cfg, store, now)
                alerts.deliver(cfg, store, now, mail.smtp_settings_from_env())
            told = [a for a in store.alerts("acme") if a["kind"] == alerts.OPERATOR_ONLY]
        finally:
            store.close()
        assert len(told) == 1
        ops = [m for m in received(tmp_path / "received") if m["To"] == "ops@agency.example"]
        assert len(ops) == 1 and ops[0]["Subject"] == "repscan: Acme Plumbing (acme): recipient refused"
        body = " ".join(ops[0].get_body(("plain",)).get_content().split())
        assert "Email to manager@acme.example for Acme Plumbing (acme) given up: refused 3 times" in body
        assert "550 5.1.1 <manager@acme.example>: user unknown" in body and "correct `recipients`" in body
