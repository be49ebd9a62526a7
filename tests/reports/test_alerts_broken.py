"""A broken source alerts once: when it breaks, not on every crawl while it stays broken, and again only after it
has recovered and broken anew; the client reads a plain sentence, the agency's operator the technical reason
(real SQLite, a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin, outside any quiet hours
URL = "https://www.tripadvisor.com/Hotel_Review-g9999001-d5555555-Reviews-Harbour_Lane_Hotel-Fernbridge_Wessex.html"
CHANGED = f"layout changed: expected a review count of 128, found none at {URL}"


@pytest.fixture
def env(tmp_path):
    with smtp_server(tmp_path / "inbox") as smtp:
        cfg = load(write_config(tmp_path, [("tripadvisor", URL)], agency={
            "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"}))
        store = Store(cfg.database)
        yield cfg, store, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"), tmp_path / "inbox"
        store.close()


def crawled(store: Store, status: str, hours: float, items: int = 0, error: str | None = None) -> None:
    at = stamp(NOW + timedelta(hours=hours))
    crawl = store.start_crawl("acme", "tripadvisor", "TripadvisorSpider", URL, started_at=at)
    store.finish_crawl(crawl, status=status, items=items, new_items=0, requests=1, pages=1, full=False, error=error,
                       finished_at=at)


def source_alerts(cfg, store: Store, hours: float) -> int:
    """Collect at that hour; how many source alerts were added."""
    before = len([a for a in store.alerts("acme") if a["kind"] == "source"])
    alerts.collect(cfg, store, NOW + timedelta(hours=hours))
    return len([a for a in store.alerts("acme") if a["kind"] == "source"]) - before


def test_a_broken_source_alerts_once_per_broken_run(env):
    cfg, store, smtp, inbox = env
    crawled(store, "ok", 0, items=10)
    assert source_alerts(cfg, store, 0) == 0
    crawled(store, "broken", 1, error=CHANGED)
    assert source_alerts(cfg, store, 1) == 1
    [result] = alerts.deliver(cfg, store, NOW + timedelta(hours=1), smtp)
    assert result.sent == 1 and result.error is None
    messages = {m["To"]: m for m in (email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                                     for path in sorted(inbox.glob("*.eml")))}
    client, operator = messages["owner@acme.example, manager@acme.example"], messages["ops@agency.example"]
    assert client["Subject"] == "Alert for Acme Plumbing: your Tripadvisor page could not be read"
    for body in (client.get_body(("plain",)).get_content(), client.get_body(("html",)).get_content()):
        assert "We could not read your Tripadvisor page since 18 Nov; we are fixing it." in body  # the client's day
        assert "layout" not in body and "expected" not in body and "repscan" not in body  # no operator words
    assert operator["Subject"] == "repscan: Acme Plumbing (acme): Tripadvisor broken"
    body = operator.get_body(("plain",)).get_content()
    assert CHANGED in body and "a list or search page is not" in body and URL in body
    assert "broken since 18 Nov 2026, 13:00 UTC" in body  # the first broken crawl
    # Broken again, then blocked, then broken: the same run, no second alert.
    crawled(store, "broken", 2, error=CHANGED)
    assert source_alerts(cfg, store, 2) == 0
    crawled(store, "blocked", 3, error="blocked: DataDome at " + URL)
    crawled(store, "broken", 4, error=CHANGED)
    assert source_alerts(cfg, store, 4) == 0
    assert alerts.deliver(cfg, store, NOW + timedelta(hours=4), smtp) == []
    # Recovered, then broken anew: alerted again.
    crawled(store, "ok", 5, items=10)
    assert source_alerts(cfg, store, 5) == 0
    crawled(store, "broken", 6, error=CHANGED)
    assert source_alerts(cfg, store, 6) == 1


def test_a_source_that_fell_silent_is_broken_and_alerts_once(env):
    cfg, store, smtp, inbox = env
    crawled(store, "empty", 0)  # nothing yet, and it never found anything: a genuine zero
    assert source_alerts(cfg, store, 0) == 0
    crawled(store, "ok", 1, items=6)
    crawled(store, "empty", 2)  # it used to find items and finds none
    assert source_alerts(cfg, store, 2) == 1
    crawled(store, "empty", 3)
    assert source_alerts(cfg, store, 3) == 0
    [alert] = [a for a in store.alerts("acme") if a["kind"] == "source"]
    assert "the page layout may have changed" in alert["text"]


def test_a_mention_search_or_feed_that_goes_quiet_is_not_broken():
    # X's recent search finds nothing in a quiet week, a niche query nothing at all: no alert, no "broken" in the report.
    from repscan.core.store.crawls import source_states

    def row(i, status, items, source):
        return {"id": i, "source": source, "url": "u", "status": status, "items": items, "error": None}

    # Nor a search engine whose results page reads as "no results" (a page it no longer reads is recorded broken).
    for source, quiet in (("twitter", True), ("reddit", True), ("feed", True), ("duckduckgo", True),
                          ("tripadvisor", False)):
        states = source_states([row(1, "ok", 5, source), row(2, "empty", 0, source)])
        assert (states[(source, "u")].status == "empty") is quiet, source


def test_without_a_client_channel_only_the_operator_s_alert_goes_and_a_complaint_waits(tmp_path):
    with smtp_server(tmp_path / "inbox") as smtp:
        cfg = load(write_config(tmp_path, [("tripadvisor", URL)], agency={
            "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"}))
        text = cfg.path.read_text().replace('recipients = ["owner@acme.example", "manager@acme.example"]',
                                            'deliver_to = "out"')
        cfg.path.write_text(text)
        cfg = load(cfg.path)
        store = Store(cfg.database)
        try:
            crawled(store, "ok", 0, items=10)
            store.save_items("acme", [{**make("review", source="tripadvisor", source_id="bad", url=URL, rating=1,
                                              text="Cold room.", published_at=stamp(NOW)), "negative": True}],
                             seen_at=stamp(NOW + timedelta(hours=0.5)))
            crawled(store, "broken", 1, error=CHANGED)
            alerts.collect(cfg, store, NOW + timedelta(hours=1))
            [result] = alerts.deliver(cfg, store, NOW + timedelta(hours=1), mail.SmtpSettings("127.0.0.1", smtp.port,
                                                                                               "plain"))
            assert result.sent == 1 and result.error is None and "no alert channel" in result.warning
            assert {a["kind"]: a["sent_at"] is not None for a in store.alerts("acme")} == {"source": True,
                                                                                         "review": False}
        finally:
            store.close()
    [message] = sorted((tmp_path / "inbox").glob("*.eml"))
    assert b"To: ops@agency.example" in message.read_bytes()


def test_a_competitor_s_broken_source_reaches_the_operator_only_once_per_run(tmp_path):
    """The client is never alerted about a competitor; the operator is, or the competitor's section would stay
    unread for weeks with nobody told."""
    rival_url = "https://www.tripadvisor.com/Hotel_Review-g9999001-d7777777-Reviews-Quay_Inn-Fernbridge_Wessex.html"
    with smtp_server(tmp_path / "inbox") as smtp:
        path = write_config(tmp_path, [("tripadvisor", URL)], agency={
            "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"})
        text = path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\n\n'
                                        '[[clients.competitors]]\nid = "quay"\nname = "Quay Inn"\n\n'
                                        f'[[clients.competitors.sources]]\nsite = "tripadvisor"\nurl = "{rival_url}"\n')
        path.write_text(text)
        cfg = load(path)
        [rival] = cfg.client("acme").rivals
        store = Store(cfg.database)
        try:
            for hours, status in ((0, "ok"), (1, "broken"), (2, "broken")):
                at = stamp(NOW + timedelta(hours=hours))
                crawl = store.start_crawl(rival.id, "tripadvisor", "TripadvisorSpider", rival_url, started_at=at)
                store.finish_crawl(crawl, status=status, items=5 if status == "ok" else 0, new_items=0, requests=1,
                                   pages=1, full=False, error=None if status == "ok" else CHANGED, finished_at=at)
                alerts.collect(cfg, store, NOW + timedelta(hours=hours))
                results = alerts.deliver(cfg, store, NOW + timedelta(hours=hours),
                                         mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
                assert all(result.error is None for result in results)
        finally:
            store.close()
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted((tmp_path / "inbox").glob("*.eml"))]
    assert [m["To"] for m in messages] == ["ops@agency.example"]
    body = messages[0].get_body(("plain",)).get_content()
    assert "Tripadvisor of competitor Quay Inn for Acme Plumbing (acme) is broken" in body
    assert CHANGED in body and rival_url in body and "The client was told: nothing" in body
