"""Alerts for fifty clients: a pending alert of a client gone from the config is retired, one client's failure never
stops the others' (real SQLite, real SMTP on 127.0.0.1)."""

from __future__ import annotations

from datetime import timedelta

from repscan.app import configfile
from repscan.app.demo import smtp_server
from repscan.app.jobs import _alerts
from repscan.core import config
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store
from repscan.reports import alerts


def load(tmp_path):
    return config.load(configfile.write_config(tmp_path / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out"},
        "clients": [{"id": id_, "name": name, "recipients": [f"owner@{id_}.example"],
                     "sources": [{"site": "trustpilot", "url": f"https://www.trustpilot.com/review/{id_}.example"}]}
                    for id_, name in (("acme", "Acme Plumbing"), ("bolt", "Bolt Bikes"))],
    }))


def pending(client_id: str, key: str, now) -> dict:
    """An alert held back (quiet hours, a failed channel), now due."""
    return {"client_id": client_id, "kind": "review", "item_key": f"trustpilot:{key}", "created_at": stamp(now),
            "due_at": stamp(now), "source": "trustpilot", "title": "Cold shower", "text": "The boiler broke again.",
            "url": None, "rating": 1, "rating_max": 5, "detail": "by Pat Example", "category": None}


def test_a_pending_alert_of_a_client_no_longer_configured_is_retired_and_the_others_go(tmp_path, monkeypatch):
    cfg, now = load(tmp_path), utcnow()
    store = Store(cfg.database)
    store.add_alerts([pending("acme", "a1", now - timedelta(hours=1)), pending("old-client", "o1", now)])
    store.close()
    with smtp_server(tmp_path / "inbox") as smtp:
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        outcomes = {o.client_id: o for o in _alerts(cfg, now)}
        assert [envelope for envelope in smtp.envelopes] == [["owner@acme.example"]]
    assert outcomes["acme"].status == "ok" and outcomes["old-client"].status == "warning"
    assert "no longer in the config" in outcomes["old-client"].detail
    store = Store(cfg.database)
    rows = {row["client_id"]: row for row in store.alerts()}
    store.close()
    assert rows["old-client"]["channels"] == alerts.RETIRED and rows["old-client"]["sent_at"]
    assert rows["acme"]["channels"] == "email to owner@acme.example"
    again = _alerts(cfg, now + timedelta(minutes=5))
    assert again == []  # retired once: never pending again


def test_one_clients_failing_collect_is_its_own_failed_line_and_the_others_alerts_go(tmp_path, monkeypatch):
    cfg, now = load(tmp_path), utcnow()
    store = Store(cfg.database)
    store.add_alerts([pending("bolt", "b1", now)])
    store.close()
    spike_rows = alerts.spike_rows

    def broken_for_acme(client, *args):  # a fault in one client's data (fault injection: the rest is real)
        if client.id == "acme":
            raise ValueError("bad stored date")
        return spike_rows(client, *args)

    monkeypatch.setattr(alerts, "spike_rows", broken_for_acme)
    with smtp_server(tmp_path / "inbox") as smtp:
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        outcomes = {o.client_id: o for o in _alerts(cfg, now)}
        assert smtp.envelopes == [["owner@bolt.example"]]
    assert outcomes["acme"].status == "failed" and "ValueError: bad stored date" in outcomes["acme"].detail
    assert outcomes["bolt"].status == "ok" and outcomes["bolt"].detail.startswith("1 sent")
