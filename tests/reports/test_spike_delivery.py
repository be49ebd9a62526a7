"""The report's spike line says what became of its alert (sent at a time, held by quiet hours, not delivered, nothing
when the client has no alert channel), and its words are the reader's language, whatever the language the alert was
made in: real SQLite, the real alert run over SMTP (aiosmtpd on 127.0.0.1), the report's PDF text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core import i18n
from repscan.core.config import load
from repscan.core.items import make, parse_iso, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail, queries
from repscan.reports.render import render_html, render_pdf

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin
OWNERS = {"owner@acme.example", "manager@acme.example"}


def rated(sid: str, published: datetime) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", title=f"Title {sid}", rating=1, text="Made-up words.",
                   published_at=stamp(published)[:19] + "Z"), "sentiment": -1.0, "negative": True}


def burst(folder, **client_fields):
    """A client (its config changed by `client_fields`) whose Trustpilot page got three 1-star reviews within the
    hour, its alerts collected at NOW; returns the config, the client and the store."""
    cfg = load(write_config(folder, [("trustpilot", "https://t.example/review/acme")]))
    client = cfg.client("acme").model_copy(update=client_fields)
    cfg = type(cfg)(path=cfg.path, settings=cfg.settings.model_copy(update={"clients": [client]}))
    store = Store(cfg.database)
    store.save_items("acme", [rated(f"a{n}", NOW - timedelta(minutes=50 - 10 * n)) for n in range(3)],
                     seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    return cfg, client, store


def spike_lines(cfg, client, store) -> tuple[str, ...]:
    return queries.build(cfg, client, store, since=stamp(NOW - timedelta(days=1)),
                         until=NOW + timedelta(hours=1)).summary.spikes


def pdf_text(cfg, client, store, path) -> str:
    data = queries.build(cfg, client, store, since=stamp(NOW - timedelta(days=1)), until=NOW + timedelta(hours=1))
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(render_pdf(data, path)).pages)


def test_a_spike_alert_the_mail_server_refused_is_not_said_to_have_gone_out(tmp_path):
    cfg, client, store = burst(tmp_path)
    try:
        with smtp_server(tmp_path / "mail", refuse=set(OWNERS)) as smtp:
            [result] = alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
        assert "mailbox unavailable" in result.error
        [spike] = [a for a in store.alerts("acme") if a["kind"] == "spike"]
        assert spike["sent_at"] is None
        text = pdf_text(cfg, client, store, tmp_path / "report.pdf")
        assert "3 negative reviews within the hour on Trustpilot" in text
        assert "the alert could not be delivered" in text and "went out" not in text
    finally:
        store.close()


def test_a_spike_alert_sent_says_when_in_the_client_s_time(tmp_path):
    cfg, client, store = burst(tmp_path)
    try:
        with smtp_server(tmp_path / "mail") as smtp:
            [result] = alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
        assert result.error is None
        [spike] = [a for a in store.alerts("acme") if a["kind"] == "spike"]
        sent = parse_iso(spike["sent_at"]).astimezone(ZoneInfo("Europe/Berlin"))
        [line] = spike_lines(cfg, client, store)
        assert line.endswith(f"(an alert went out on {sent.day} {sent:%b} at {sent:%H:%M})")  # sent now, not on NOW
    finally:
        store.close()


def test_a_spike_alert_held_by_quiet_hours_says_it_waits(tmp_path):
    cfg, client, store = burst(tmp_path, quiet_hours="12:00-16:00")  # 13:00 in Berlin: quiet past the report
    try:
        assert alerts.deliver(cfg, store, NOW, None) == []  # nothing due yet
        [line] = spike_lines(cfg, client, store)
        assert line.endswith("(an alert is waiting for the end of quiet hours)")
    finally:
        store.close()


def test_a_client_without_an_alert_channel_is_told_of_no_alert(tmp_path):
    cfg, client, store = burst(tmp_path, recipients=[], alert_recipients=[], apprise=[], deliver_to=str(tmp_path))
    try:
        alerts.deliver(cfg, store, NOW, None)
        data = queries.build(cfg, client, store, since=stamp(NOW - timedelta(days=1)), until=NOW + timedelta(hours=1))
        [line] = data.summary.spikes
        assert line.startswith("3 negative reviews within the hour on Trustpilot, ") and "alert" not in line
        assert "went out" not in render_html(data)
    finally:
        store.close()


@pytest.mark.parametrize("language, words", [("uk", "3 негативні відгуки"), ("de", "3 negative Bewertungen")])
def test_a_spike_made_in_english_reads_in_the_reader_s_language(tmp_path, language, words):
    cfg, client, store = burst(tmp_path)  # made in English
    try:
        [spike] = [a for a in store.alerts("acme") if a["kind"] == "spike"]
        assert spike["title"] == "3 negative reviews within the hour"
        reader = client.model_copy(update={"language": language})
        [line] = spike_lines(cfg, reader, store)
        assert words in line and "within the hour" not in line and " on Trustpilot" not in line
        with i18n.language(language):  # the alert's own words too (an alert delivered after the language changed)
            assert words in alerts.headline(spike)
        store._db.execute("UPDATE alerts SET facts = NULL WHERE kind = 'spike'")  # a row from before m024
        store._db.commit()
        [old] = spike_lines(cfg, reader, store)
        assert "3 negative reviews within the hour" in old  # its stored words, still shown
    finally:
        store.close()
