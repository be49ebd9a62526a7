"""`repscan run`: what is due gets done once; overlapping runs never both work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import ROOT, report_due, run_cli, write_config
from repscan.app.demo import smtp_server
from repscan.app.jobs import Busy, run_lock
from repscan.core.store import Store

WEDNESDAY = "2026-11-18T12:00:00Z"
MONDAY = "2026-11-23T07:00:01Z"  # the next weekly report slot (08:00 Berlin)


@pytest.fixture
def setup(tmp_path, site, monkeypatch):
    path = write_config(tmp_path, [("trustpilot", f"{site.url}/review/{site.trustpilot.slug}"),
                                   ("jsonld", f"{site.url}/reviews")])
    with smtp_server(tmp_path / "inbox") as smtp:
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        yield path, tmp_path / "inbox"


def test_first_run_crawls_the_report_waits_for_its_slot_then_nothing_is_due(setup):
    path, inbox = setup
    first = run_cli("--config", str(path), "run", "--now", WEDNESDAY)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "crawl trustpilot" in first.stdout and "crawl jsonld" in first.stdout
    assert " report " not in first.stdout and list(inbox.glob("*.eml")) == []  # no report before its slot
    again = run_cli("--config", str(path), "run", "--now", "2026-11-18T12:30:00Z")
    assert again.returncode == 0 and again.stdout.strip() == "nothing due"
    store = Store(path.parent / "repscan.db")
    states = {(r["client_id"], r["job"]): r["last_slot"] for r in store.query("SELECT * FROM schedule_state")}
    store.close()
    assert states[("acme", "report")].startswith("2026-11-16T07:00:00")  # Monday 08:00 Berlin: the first sighting
    monday = run_cli("--config", str(path), "run", "--now", MONDAY)
    assert monday.returncode == 0, monday.stdout + monday.stderr[-2000:]
    assert " report " in monday.stdout and len(list(inbox.glob("*.eml"))) == 1


def test_a_failing_source_fails_the_run_but_not_the_others(setup, site):
    path, inbox = setup
    from helpers import Reply

    site.server.fail(site.tp_path(1), *[Reply(503, "down")] * 3)
    report_due(path.parent / "repscan.db")
    result = run_cli("--config", str(path), "run", "--now", WEDNESDAY)
    assert result.returncode == 1
    lines = {line.split()[2]: line for line in result.stdout.splitlines()[1:] if len(line.split()) > 3}
    assert "failed" in lines["trustpilot"] and "HTTP 503" in lines["trustpilot"]
    assert " ok " in lines["jsonld"]
    assert len(list(inbox.glob("*.eml"))) == 1  # the report still went out


def test_a_second_run_waits_then_exits_saying_why(setup):
    path, _ = setup
    with run_lock(path.parent / "repscan.db"):
        result = run_cli("--config", str(path), "run", "--wait", "0.5", "--now", WEDNESDAY)
        with pytest.raises(Busy, match="another repscan run holds"):
            with run_lock(path.parent / "repscan.db", wait=0):
                pass
    assert result.returncode == 0
    assert "another repscan run holds" in result.stderr and "pid" in result.stderr
    store = Store(path.parent / "repscan.db")
    assert store.crawls() == []  # the second run did nothing
    store.close()


def test_two_overlapping_runs_send_one_report(setup):
    path, inbox = setup
    report_due(path.parent / "repscan.db")
    command = [sys.executable, "-P", "-m", "repscan.app.cli", "--config", str(path), "run", "--wait", "60", "--now", WEDNESDAY]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(out.strip() == "nothing due" for out, _ in outputs) == [False, True]
    assert len(list(inbox.glob("*.eml"))) == 1


def test_a_report_is_recorded_sent_only_together_with_its_schedule_slot(setup, monkeypatch):
    """Sent and slot done are one commit: a batch killed between two separate commits re-emailed the client
    (the run saw the slot still due). Here the slot's write fails: the report must not stay recorded as sent."""
    path, inbox = setup

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    from repscan.app import jobs
    from repscan.core import config as config_mod
    from repscan.core.items import parse_iso

    cfg = config_mod.load(path)
    report_due(path.parent / "repscan.db")
    due = jobs.due_reports(cfg, parse_iso(WEDNESDAY))
    monkeypatch.setattr(Store, "mark_done", broken)
    [outcome] = jobs.send_due_reports(cfg, due)
    assert outcome.failed and "disk full" in outcome.detail
    store = Store(path.parent / "repscan.db")
    statuses = [r["status"] for r in store.reports()]
    store.close()
    assert len(list(inbox.glob("*.eml"))) == 1 and statuses and "sent" not in statuses
