"""`repscan run` delivers on each channel it can and says which one failed: real crawls, a real webhook, real SMTP."""

from __future__ import annotations

import base64
import email
import email.policy
import json
from datetime import timedelta

import pytest

from helpers import LocalSite, Reply, report_due, run_cli
from repscan.app import configfile
from repscan.app.demo import smtp_server
from repscan.app.demo.site import Review
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store

NO_SMTP = {"REPSCAN_SMTP_URL": ""}


@pytest.fixture
def hook():
    with LocalSite(lambda path, query: Reply(200, "ok")) as site:
        yield site


def write(tmp_path, site, **client):
    """Client acme watching the Trustpilot page of `site`; `client` adds or replaces its fields."""
    return configfile.write_config(tmp_path / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out"},
        "crawl": {"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 1},
        "clients": [{"id": "acme", "name": "Acme Plumbing", "timezone": "Europe/Berlin",
                     "sources": [{"site": "trustpilot", "url": f"{site.url}/review/{site.trustpilot.slug}"}],
                     **client}],
    })


def fresh_negative(site) -> None:
    site.trustpilot.reviews.insert(0, Review(
        id="acme-fresh", author="Fresh Customer", rating=1, title="Flooded",
        text="<b>The new tap</b> flooded the kitchen & hall.", published=stamp(utcnow() - timedelta(hours=1))))


def posts(hook, path="/hook") -> list[dict]:
    return [json.loads(body) for p, body in hook.posts if p == path]


def test_an_alert_is_sent_per_channel_and_stays_pending_for_email_until_smtp_is_set(tmp_path, site, hook):
    fresh_negative(site)
    url = f"json://127.0.0.1:{hook.server.server_address[1]}/hook"
    path = write(tmp_path, site, recipients=["owner@acme.example"], apprise=[url],
                 deliver_to=str(tmp_path / "pdfs"))
    report_due(path.parent / "repscan.db")
    first = run_cli("--config", str(path), "run", env=NO_SMTP)
    assert first.returncode == 1 and "Traceback" not in first.stderr, first.stderr[-2000:]
    [line] = [line for line in first.stdout.splitlines() if " alerts " in line]
    assert "failed" in line and "email to owner@acme.example: not sent: REPSCAN_SMTP_URL is not set" in line
    [alert] = posts(hook)  # the webhook took it at once
    assert "flooded the kitchen" in alert["message"]

    again = run_cli("--config", str(path), "run", env=NO_SMTP)
    assert again.returncode == 1 and len(posts(hook)) == 1  # pending for email only: no second webhook
    store = Store(tmp_path / "repscan.db")
    try:
        [row] = store.query("SELECT sent_at FROM alerts")
        assert row["sent_at"] is None
    finally:
        store.close()

    with smtp_server(tmp_path / "inbox") as smtp:
        last = run_cli("--config", str(path), "run", env={"REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"})
    assert last.returncode == 0, last.stdout + last.stderr[-2000:]
    assert len(posts(hook)) == 1
    inbox = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in (tmp_path / "inbox").glob("*.eml")]
    [msg] = [m for m in inbox if m["Subject"].startswith("Alert for Acme Plumbing")]
    # the report, written to its folder by the first run, went by email only now (never a second PDF copy)
    # (a subject this long is folded after "Subject:"; unfolded, the space before it is no part of it)
    assert [m["Subject"].strip() for m in inbox if m is not msg] == ["Reputation report for Acme Plumbing: 1 new "
                                                                     "review, 6 open items need a reply"]
    assert "<b>The new tap</b> flooded the kitchen & hall." in msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "&lt;b&gt;The new tap&lt;/b&gt; flooded the kitchen &amp; hall." in html and "<b>The new tap" not in html
    store = Store(tmp_path / "repscan.db")
    try:
        [row] = store.query("SELECT sent_at FROM alerts")
        assert row["sent_at"] is not None
    finally:
        store.close()


def test_without_smtp_the_report_goes_to_a_folder_and_through_apprise_with_the_pdf(tmp_path, site, hook):
    url = f"json://127.0.0.1:{hook.server.server_address[1]}/reports"
    path = write(tmp_path, site, deliver_to="delivered", report_apprise=[url])  # no recipients at all
    report_due(path.parent / "repscan.db")
    result = run_cli("--config", str(path), "run", env=NO_SMTP)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    [line] = [line for line in result.stdout.splitlines() if " report " in line]
    assert "ok" in line and "written to" in line and "apprise json" in line
    [pdf] = (tmp_path / "delivered").glob("acme-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    [payload] = posts(hook, "/reports")
    assert payload["title"].startswith("Reputation report for Acme Plumbing")
    [attachment] = payload["attachments"]
    assert attachment["filename"] == pdf.name and base64.b64decode(attachment["base64"]) == pdf.read_bytes()


def test_run_without_smtp_says_so_in_a_line_never_a_traceback(tmp_path, site):
    path = write(tmp_path, site, recipients=["owner@acme.example"])
    report_due(path.parent / "repscan.db")
    result = run_cli("--config", str(path), "run", env=NO_SMTP)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    [line] = [line for line in result.stdout.splitlines() if " report " in line]
    assert "failed" in line and "REPSCAN_SMTP_URL is not set" in line


def test_a_client_whose_report_goes_nowhere_is_a_config_error(tmp_path, site):
    path = write(tmp_path, site)
    result = run_cli("--config", str(path), "config", "check", env=NO_SMTP)
    assert result.returncode == 2
    assert "clients[acme].recipients: the report has no delivery" in result.stderr
