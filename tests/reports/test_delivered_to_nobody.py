"""An alert or report no address accepted is never "sent": the spike line of the real PDF says its alert could not
be delivered, a report refused by every recipient is failed for good; a sent alert of an earlier day names its day
(real SMTP on 127.0.0.1 answering each address its own reply, real SQLite, the PDF's text via pypdf, the HTML)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from helpers import imported, write_config
from repscan.app.demo import smtp_server
from repscan.core import i18n, rules
from repscan.core.config import load
from repscan.core.items import make, parse_iso, stamp, utcnow
from repscan.core.store import Store
from repscan.core.store.deliveries import GIVEN_UP
from repscan.reports import alerts, deliver, mail, queries, render, spikes

NOW = utcnow().replace(microsecond=0)
UNKNOWN = {"owner@acme.example": "550 5.1.1 <owner@acme.example>: user unknown",
           "manager@acme.example": "550 5.1.1 <manager@acme.example>: user unknown"}


def rated(sid, stars, published):
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", title=f"Title {sid}", rating=stars, text="Text.",
                   published_at=stamp(published)[:19] + "Z"), "sentiment": -1.0, "negative": stars <= 2}


def scene(folder):
    """A year of one negative review a week imported the day before NOW, then three 1-star reviews within the hour:
    a spike alert (and one alert per review) to send. Returns the config and the store."""
    cfg = load(write_config(folder, [("trustpilot", "https://t.example/review/acme")]))
    store = Store(cfg.database)
    imported(store, [rated(f"w{n}", 1, NOW - timedelta(days=7 * n + 20)) for n in range(52)],
             stamp(NOW - timedelta(days=1)))
    store.save_items("acme", [rated(f"a{n}", 1, NOW - timedelta(minutes=50 - 10 * n)) for n in range(3)],
                     seen_at=stamp(NOW))
    assert alerts.collect(cfg, store, NOW) == 4
    return cfg, store


@pytest.fixture
def spiked(tmp_path):
    cfg, store = scene(tmp_path)
    yield cfg, store
    store.close()


@pytest.fixture(scope="module")
def given_up(tmp_path_factory):
    """The scene's alerts sent rules.REFUSED_TIMES + 1 times to two addresses that both answer 550 user unknown.
    Yields the config, the store, each run's results and the SMTP server."""
    folder = tmp_path_factory.mktemp("given-up")
    cfg, store = scene(folder)
    with smtp_server(folder / "inbox", dict(UNKNOWN)) as server:
        smtp = mail.SmtpSettings("127.0.0.1", server.port, "plain")
        results = [alerts.deliver(cfg, store, NOW, smtp) for _run in range(rules.REFUSED_TIMES + 1)]
    yield cfg, store, results, server
    store.close()


def spike_of(store) -> dict:
    [spike] = [a for a in store.alerts("acme") if a["kind"] == "spike"]
    return spike


def pdf_text(cfg, store, until, path) -> str:
    data = queries.build(cfg, cfg.client("acme"), store, since=None, until=until)
    render.render_pdf(data, path)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_a_spike_alert_every_address_refused_for_good_is_never_sent_and_the_report_says_so(given_up):
    """Both addresses answer 550 user unknown: given up after rules.REFUSED_TIMES runs, the alerts failed for good
    (the refusals their error, no longer pending), and the run after never marks them sent."""
    cfg, store, results, server = given_up
    assert [sum(r.sent for r in run) for run in results] == [0] * (rules.REFUSED_TIMES + 1)
    assert "delivered to nobody" in results[rules.REFUSED_TIMES - 1][0].error
    assert results[rules.REFUSED_TIMES] == []  # nothing left pending: failed for good, not retried, not sent
    assert server.envelopes == []
    spike = spike_of(store)
    assert spike["sent_at"] is None and spike["channels"] == GIVEN_UP
    assert "email:owner@acme.example: given up after 3 permanent refusals" in spike["error"]
    assert "550 5.1.1 <manager@acme.example>: user unknown" in spike["error"]
    assert all(a["sent_at"] is None for a in store.alerts("acme"))
    data = queries.build(cfg, cfg.client("acme"), store, since=None, until=NOW + timedelta(hours=1))
    [line] = data.summary.spikes
    assert line.startswith("3 negative reviews within the hour on Trustpilot, ")
    assert line.endswith(" (the alert could not be delivered)") and line in render.render_html(data)


@pytest.mark.drill  # a PDF rendered: about 3 s
def test_the_pdf_says_the_spike_alert_could_not_be_delivered(given_up, tmp_path):
    cfg, store, _results, _server = given_up
    text = pdf_text(cfg, store, NOW + timedelta(hours=1), tmp_path / "report.pdf")
    assert "3 negative reviews within the hour on Trustpilot" in text
    assert "the alert could not be delivered" in text and "an alert went out" not in text


def test_an_alert_one_address_took_is_sent_though_the_other_was_given_up(spiked, tmp_path):
    cfg, store = spiked
    with smtp_server(tmp_path / "inbox", {"manager@acme.example": UNKNOWN["manager@acme.example"]}) as server:
        smtp = mail.SmtpSettings("127.0.0.1", server.port, "plain")
        results = [alerts.deliver(cfg, store, NOW, smtp) for _run in range(rules.REFUSED_TIMES)]
    assert [sum(r.sent for r in run) for run in results] == [0, 0, 4]  # sent once the refused address is given up
    assert spike_of(store)["sent_at"] and spike_of(store)["error"] is None


def test_a_spike_alert_sent_on_the_spike_s_day_reads_with_that_day_in_a_weekly_report(spiked, tmp_path):
    cfg, store = spiked
    with smtp_server(tmp_path / "inbox") as server:
        [sent] = alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", server.port, "plain"))
    assert sent.sent == 4
    client, went = cfg.client("acme"), parse_iso(spike_of(store)["sent_at"])
    local = went.astimezone(ZoneInfo(client.timezone))
    same_day = queries.build(cfg, client, store, since=None, until=went)
    assert f"(an alert went out at {local:%H:%M})" in same_day.summary.spikes[0]
    week = render.render_html(queries.build(cfg, client, store, since=None, until=went + timedelta(days=3)))
    assert f"{local.day} {local:%b} (an alert went out at {local:%H:%M})" in week  # the spike's day, named once
    with i18n.language("de"):
        german = spikes.delivery(spike_of(store), client, stamp(went + timedelta(days=3)))
    assert german.startswith(f"eine Warnung ging am {local.day}.") and german.endswith(f"um {local:%H:%M} hinaus")


def test_a_spike_alert_sent_days_after_the_spike_names_its_own_day_even_in_a_report_ending_that_day(spiked, tmp_path):
    """The line names the spike's day ("…, 1 Dec"); an alert that went out four days later must say its day, or the
    client reads that it went out on the spike's day."""
    cfg, store = spiked
    with smtp_server(tmp_path / "inbox") as server:
        [sent] = alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", server.port, "plain"))
    assert sent.sent == 4
    later = parse_iso(spike_of(store)["sent_at"]) + timedelta(days=4)
    store._db.execute("UPDATE alerts SET sent_at = ? WHERE kind = 'spike'", [stamp(later)])
    client = cfg.client("acme")
    local = later.astimezone(ZoneInfo(client.timezone))
    [line] = queries.build(cfg, client, store, since=None, until=later).summary.spikes
    assert line.endswith(f"(an alert went out on {local.day} {local:%b} at {local:%H:%M})"), line


def test_a_report_every_recipient_refused_for_good_is_failed_never_sent(tmp_path, monkeypatch):
    """Each recipient answers 550, run after run: once both are given up the report is failed (the refusals its
    error, its slot done), never "sent"; the next report covers its period again."""
    with smtp_server(tmp_path / "received", dict(UNKNOWN)) as server:
        path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
        store = Store(tmp_path / "repscan.db")
        store.save_items("acme", [rated("r1", 1, utcnow() - timedelta(days=2))])
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        cfg = load(path)
        try:
            results = [deliver.send_reports(cfg, cfg.clients)[0] for _run in range(rules.REFUSED_TIMES + 1)]
            reports = store.reports("acme")
        finally:
            store.close()
    assert [r.status for r in results] == ["failed"] * (rules.REFUSED_TIMES + 1)
    assert "delivered to nobody" not in results[0].detail and "refused: 550" in results[0].detail
    assert [r["status"] for r in reports] == ["failed", "sending"]  # the next is a new report, tried afresh
    assert reports[0]["error"].startswith("delivered to nobody: email:manager@acme.example: given up after 3")
    assert reports[1]["period_start"] == reports[0]["period_start"]  # nothing sent: its period is told again
    assert server.envelopes == []
