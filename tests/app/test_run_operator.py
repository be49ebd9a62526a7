"""`repscan run` for many clients: a client's wrong line leaves out that client alone, a stuck run fails the next, and
the operator gets one email per problem a day (real CLI processes, real SQLite, real SMTP on 127.0.0.1)."""

from __future__ import annotations

import email
import email.policy
import json
import os
from datetime import timedelta

import pytest

from repscan.app import configfile
from repscan.app.cli import main
from repscan.app.demo import smtp_server
from repscan.app.jobs import run_lock
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store

WEDNESDAY = "2026-11-18T12:00:00Z"


def write(tmp_path, *, acme: dict | None = None, bolt: dict | None = None, storage: dict | None = None):
    """Clients acme and bolt (`acme`, `bolt` add or replace fields), the operator set; no test here crawls."""
    return configfile.write_config(tmp_path / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out", **(storage or {})},
        "crawl": {"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 1},
        "clients": [{"id": "acme", "name": "Acme Plumbing", "recipients": ["owner@acme.example"],
                     "sources": [{"site": "trustpilot", "url": "https://www.trustpilot.com/review/acme.example"}], **(acme or {})},
                    {"id": "bolt", "name": "Bolt Bikes", "recipients": ["owner@bolt.example"],
                     "sources": [{"site": "jsonld", "url": "https://bolt.example/reviews"}], **(bolt or {})}],
    })


def run_here(capsys, *args: str) -> tuple[int, str, str]:
    """`repscan ARGS` in this process (no crawl is due: Scrapy's reactor is never started here)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def inbox_of(folder) -> list:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.glob("*.eml"))]


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    with smtp_server(tmp_path / "inbox") as server:
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        yield tmp_path / "inbox"


def test_a_clients_bad_line_leaves_it_out_the_others_run_and_the_operator_hears_once_a_day(tmp_path, smtp,
                                                                                          capsys):
    path = write(tmp_path, bolt={"timezone": "Berlin"}, acme={"crawl_schedule": "0 3 * * 1"})
    store = Store(tmp_path / "repscan.db")
    store.mark_done("acme", "crawl", "2026-11-16T03:00:00.000000Z", "ok")  # crawled on Monday: nothing to crawl now
    held = "2026-11-18T11:00:00.000000Z"  # an alert held back an hour ago (quiet hours), due now
    store.add_alerts([{"client_id": client_id, "kind": "review", "item_key": "trustpilot:a1", "created_at": held,
                       "due_at": held, "source": "trustpilot", "title": "Cold shower", "text": "It broke again.",
                       "url": None, "rating": 1, "rating_max": 5, "detail": "", "category": None}
                      for client_id in ("acme", "bolt")])
    store.close()
    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)
    assert code == 1, out
    [config_line] = [line for line in out.splitlines() if line.startswith("(config)")]
    assert "failed" in config_line and f"{path}:" in config_line and "clients[bolt].timezone" in config_line
    [alert_line] = [line for line in out.splitlines() if " alerts " in line]
    assert alert_line.split()[:3] == ["acme", "alerts", "ok"]  # acme's alert went; bolt, left out, did nothing
    [alert] = [m for m in inbox_of(smtp) if m["To"] == "owner@acme.example"]
    [msg] = [m for m in inbox_of(smtp) if m["To"] == "ops@agency.example"]
    assert "UTC" in msg["Subject"] and "clients[bolt].timezone" in msg.get_content()
    assert "REPSCAN_SMTP_URL" not in msg.get_content() and "127.0.0.1" not in msg.get_content()
    store = Store(tmp_path / "repscan.db")
    [bolts] = store.alerts("bolt")
    store.close()
    assert bolts["sent_at"] is None  # left out for a day's typo: its alert waits, never retired as offboarded

    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T16:05:00Z")
    assert code == 1 and "(config)" in out
    assert len(inbox_of(smtp)) == 2  # the same problem four hours later: no second email
    code, _out, _err = run_here(capsys, "--config", str(path), "run", "--now", "2026-11-19T12:05:00Z")
    assert code == 1 and len(inbox_of(smtp)) == 3  # a day on, it still stands: told again


def test_an_agency_wide_error_stops_the_run_and_the_operator_gets_one_short_email(tmp_path, smtp, capsys):
    path = write(tmp_path, storage={"busy_timeout": -1})
    code, _out, err = run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)
    assert code == 2 and "storage.busy_timeout" in err
    assert not (tmp_path / "repscan.db.lock").exists()  # nothing ran
    [msg] = inbox_of(smtp)
    assert msg["To"] == "ops@agency.example" and "storage.busy_timeout" in msg.get_content()
    assert run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T12:05:00Z")[0] == 2
    assert len(inbox_of(smtp)) == 1


def test_a_run_holding_the_lock_for_hours_fails_the_next_naming_it(tmp_path, smtp, capsys):
    path = write(tmp_path)
    database = tmp_path / "repscan.db"
    with run_lock(database):  # a run of another process, say, holding it since four hours
        database.with_name("repscan.db.lock").write_text(f"pid 4242 since {stamp(utcnow() - timedelta(hours=4))}")
        code, _out, err = run_here(capsys, "--config", str(path), "run", "--wait", "0.2")
        assert code == 1 and "pid 4242" in err and "stuck" in err
        database.with_name("repscan.db.lock").write_text(f"pid 4242 since {stamp(utcnow() - timedelta(hours=1))}")
        assert run_here(capsys, "--config", str(path), "run", "--wait", "0.2")[0] == 0  # an hour: working, not stuck
    [msg] = inbox_of(smtp)
    assert "pid 4242" in msg.get_content() and "held the lock since" in msg.get_content()


def test_the_digest_carries_no_credential_a_failure_line_quoted(tmp_path, smtp):
    from repscan.app.operator_mail import send_digest

    line = "acme report: apprise json://hook-user:hook-s3cret@hooks.example/acme refused: 401"
    told = send_digest(tmp_path / "repscan.db", "reports@agency.example", "ops@agency.example", [line])
    assert told == "operator ops@agency.example emailed 1 problem"
    [msg] = inbox_of(smtp)
    assert "hook-s3cret" not in msg.as_string() and "json://***@hooks.example/acme refused: 401" in msg.get_content()


def quiet(tmp_path, *client_ids: str) -> None:
    """Each client crawled on Monday (with crawl_schedule "0 3 * * 1"): no crawl is due on WEDNESDAY."""
    store = Store(tmp_path / "repscan.db")
    for client_id in client_ids:
        store.mark_done(client_id, "crawl", "2026-11-16T03:00:00.000000Z", "ok")
    store.close()


def held_alert(tmp_path, client_id: str) -> None:
    """A review alert of `client_id` held back an hour before WEDNESDAY (quiet hours), due now."""
    held = "2026-11-18T11:00:00.000000Z"
    store = Store(tmp_path / "repscan.db")
    store.add_alerts([{"client_id": client_id, "kind": "review", "item_key": "trustpilot:a1", "created_at": held,
                       "due_at": held, "source": "trustpilot", "title": "Cold shower", "text": "It broke again.",
                       "url": None, "rating": 1, "rating_max": 5, "detail": "", "category": None}])
    store.close()


WEEKLY = {"crawl_schedule": "0 3 * * 1"}


def test_a_config_toml_cannot_parse_reaches_the_operator_the_last_good_run_recorded(tmp_path, smtp, capsys,
                                                                                   monkeypatch):
    path = write(tmp_path, acme=WEEKLY, bolt=WEEKLY)
    quiet(tmp_path, "acme", "bolt")
    assert run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)[0] == 0
    store = Store(tmp_path / "repscan.db")
    recorded = json.loads(store.last_status("(operator)", "recorded operator"))
    store.close()
    port = int(os.environ["REPSCAN_SMTP_URL"].rsplit(":", 1)[1])
    assert recorded == {"operator": "ops@agency.example", "sender": "reports@agency.example", "smtp": {
        "host": "127.0.0.1", "port": port, "security": "plain", "user": None}, "password_var": "REPSCAN_SMTP_PASSWORD"}
    path.write_text(path.read_text().replace('[agency]', '[agency', 1))  # a syntax error: TOML cannot parse it
    monkeypatch.delenv("REPSCAN_SMTP_URL")  # cron's environment lost it too: the recorded server is used
    code, _out, err = run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T13:00:00Z")
    assert code == 2 and "operator ops@agency.example emailed 1 problem" in err
    [msg] = inbox_of(smtp)
    assert msg["To"] == "ops@agency.example" and msg["From"] == "reports@agency.example"
    assert msg["Subject"].startswith("repscan: 1 config problem stops every client") and str(path) in msg.get_content()
    assert run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T14:00:00Z")[0] == 2
    assert len(inbox_of(smtp)) == 1  # once a day
    assert run_here(capsys, "--config", str(path), "run", "--now", "2026-11-19T14:00:00Z")[0] == 2
    assert len(inbox_of(smtp)) == 2


def test_a_failed_prune_loses_neither_the_run_s_digest_nor_its_own_line(tmp_path, smtp, capsys):
    # keep_days that far back is before year 1: the prune's cutoff overflows, a real failure past validation
    path = write(tmp_path, acme=WEEKLY, bolt={**WEEKLY, "timezone": "Berlin"}, storage={"keep_days": 10 ** 6})
    quiet(tmp_path, "acme")
    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)
    assert code == 1, out
    [prune_line] = [line for line in out.splitlines() if line.startswith("(storage)")]
    assert prune_line.split()[1:3] == ["prune", "failed"] and "OverflowError" in prune_line
    assert "operator ops@agency.example emailed 1 problem" in out  # the bad line's digest went first
    [first] = inbox_of(smtp)
    assert "clients[bolt].timezone" in first.get_content() and "(storage)" not in first.get_content()
    run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T13:00:00Z")
    [second] = inbox_of(smtp)[1:]
    assert "(storage) prune: OverflowError" in second.get_content()


def test_a_client_left_out_for_a_bad_id_keeps_its_alerts(tmp_path, smtp, capsys):
    path = write(tmp_path, acme={**WEEKLY, "id": "Acme!"}, bolt=WEEKLY)  # acme's id line is the bad one
    quiet(tmp_path, "bolt")
    held_alert(tmp_path, "acme")
    assert run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)[0] == 1
    store = Store(tmp_path / "repscan.db")
    [alert] = store.alerts("acme")
    store.close()
    assert alert["sent_at"] is None and alert["channels"] != "none: the client is no longer in the config"


def test_an_offboarded_client_s_alerts_are_retired_at_the_run_s_time_and_the_operator_told(tmp_path, smtp, capsys):
    path = write(tmp_path, acme=WEEKLY, bolt=WEEKLY)
    quiet(tmp_path, "acme", "bolt")
    held_alert(tmp_path, "carl")  # carl left the config with an alert held
    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)
    assert code == 0, out
    store = Store(tmp_path / "repscan.db")
    [alert] = store.alerts("carl")
    store.close()
    assert alert["sent_at"] == "2026-11-18T12:00:00.000000Z"  # the run's now, not the clock's
    [msg] = inbox_of(smtp)
    assert msg["To"] == "ops@agency.example" and msg["Subject"].startswith("repscan: 1 problem in the run ")
    assert "carl alerts: 0 sent: 1 pending alert retired unsent" in msg.get_content()


def test_a_client_with_only_deliver_to_runs_with_a_warning_not_a_failure(tmp_path, smtp, capsys):
    path = write(tmp_path, acme={**WEEKLY, "recipients": [], "deliver_to": "pdfs"}, bolt=WEEKLY)
    quiet(tmp_path, "acme", "bolt")
    held_alert(tmp_path, "acme")
    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", WEDNESDAY)
    assert code == 0, out
    [line] = [line for line in out.splitlines() if line.startswith("acme") and " alerts " in line]
    assert line.split()[2] == "warning" and "no alert channel" in line
    assert not inbox_of(smtp)  # nothing for the operator: a warning, and config check says it too
    code, _out, err = run_here(capsys, "--config", str(path), "config", "check")
    assert code == 0 and "warning:" in err and "no alert channel" in err
