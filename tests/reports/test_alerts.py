"""Alerts: each new complaint once, by real SMTP and a real webhook, held through quiet hours."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import datetime, timedelta, timezone

import pytest

from helpers import write_config
from repscan.core import rules
from repscan.core.config import load
from repscan.app.demo import smtp_server
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin


def review(sid, rating, published, text="The tap still drips."):
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", rating=rating, text=text, published_at=published),
            "sentiment": -1.0, "negative": rating <= 2}


@pytest.fixture
def env(tmp_path):
    hook = LocalSite(lambda path, query: Reply(200, "ok"))
    with hook, smtp_server(tmp_path / "inbox") as smtp:
        path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
        text = path.read_text().replace('timezone = "Europe/Berlin"',
                                        f'timezone = "Europe/Berlin"\nquiet_hours = "22:00-07:00"\n'
                                        f'apprise = ["json://127.0.0.1:{hook.server.server_address[1]}/hook"]')
        path.write_text(text)
        cfg = load(path)
        store = Store(cfg.database)
        # The first crawl imported history two days ago (alerts were not collected since: within rules.ALERT_FRESH).
        crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme",
                                  started_at=stamp(NOW - timedelta(days=2)))
        store.finish_crawl(crawl, status="ok", items=2, new_items=2, requests=2, pages=1, full=True, error=None,
                           finished_at=stamp(NOW - timedelta(days=2)))
        store.save_items("acme", [review("old-bad", 1, "2025-01-01T00:00:00Z"),
                                  review("recent-bad", 2, stamp(NOW - timedelta(days=2, hours=5)))],
                         crawl_id=crawl, seen_at=stamp(NOW - timedelta(days=2)))
        settings = mail.SmtpSettings("127.0.0.1", smtp.port, "plain")
        yield cfg, store, settings, hook, tmp_path / "inbox"
        store.close()


def inbox_messages(folder):
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.glob("*.eml"))]


def test_new_negative_alerts_once_by_email_and_webhook(env):
    cfg, store, smtp, hook, inbox = env
    store.save_items("acme", [review("fresh-bad", 1, stamp(NOW - timedelta(hours=1)), text="Flooded my hallway!"),
                              review("fresh-good", 5, stamp(NOW - timedelta(hours=1)))], seen_at=stamp(NOW))
    assert alerts.collect(cfg, store, NOW) == 2  # fresh-bad, and recent-bad from the history import
    [result] = alerts.deliver(cfg, store, NOW, smtp)
    assert result.sent == 2 and result.error is None
    msg, copy = inbox_messages(inbox)  # one a recipient: each recorded apart, so a refused one is retried alone
    body = msg.get_body(("plain",)).get_content()
    assert copy.get_body(("plain",)).get_content() == body
    assert "Flooded my hallway!" in body and "https://t.example/reviews/fresh-bad" in body
    assert "Reply publicly on Trustpilot within the hour" in body and "take the conversation offline" in body
    assert "old-bad" not in body  # a 2025 review found by the first crawl is history, not news
    payloads = [json.loads(body) for path, body in hook.posts if path == "/hook"]
    assert len(payloads) == 2 and any("Flooded my hallway!" in p["message"] for p in payloads)
    assert all(p["title"].startswith("Acme Plumbing: new negative review on Trustpilot") for p in payloads)

    assert alerts.collect(cfg, store, NOW) == 0  # once per item
    assert alerts.deliver(cfg, store, NOW, smtp) == []
    assert len(inbox_messages(inbox)) == 2


def test_quiet_hours_hold_alerts_until_they_end(env):
    cfg, store, smtp, hook, inbox = env
    night = datetime(2026, 11, 18, 22, 30, tzinfo=timezone.utc)  # 23:30 in Berlin
    store.save_items("acme", [review("night-bad", 1, stamp(night))], seen_at=stamp(night))
    assert alerts.collect(cfg, store, night) == 2
    assert alerts.deliver(cfg, store, night, smtp) == []
    assert inbox_messages(inbox) == [] and hook.posts == []
    morning = datetime(2026, 11, 19, 6, 0, 1, tzinfo=timezone.utc)  # 07:00:01 in Berlin
    [result] = alerts.deliver(cfg, store, morning, smtp)
    assert result.sent == 2 and len(inbox_messages(inbox)) == 2  # one a recipient


def searching(cfg, query: str):
    """The env's config with one query searched (on the default engine)."""
    cfg.path.write_text(cfg.path.read_text().replace("quiet_hours", f"queries = [{query!r}]\nquiet_hours"))
    return load(cfg.path)


def test_complaint_on_page_one_alerts_once(env):
    cfg, store, smtp, hook, inbox = env
    cfg = searching(cfg, "Acme Plumbing")
    results = [
        {**make("search_result", engine="duckduckgo", query="Acme Plumbing", rank=1, url="https://acme.example/",
                title="Acme Plumbing", snippet="Plumbers in Berlin"), "category": "own", "negative": False},
        {**make("search_result", engine="duckduckgo", query="Acme Plumbing", rank=2,
                url="https://www.ripoffreport.com/r/acme-plumbing", title="Acme Plumbing ripped me off",
                snippet="Avoid"), "category": "complaint", "negative": True},
    ]
    store.save_items("acme", results, crawl_id=99, seen_at=stamp(NOW))
    store.add_alerts([{"client_id": "acme", "kind": "review", "item_key": "trustpilot:recent-bad",
                       "created_at": stamp(NOW), "due_at": stamp(NOW), "sent_at": stamp(NOW)}])
    assert alerts.collect(cfg, store, NOW) == 1
    [alert] = [a for a in store.alerts("acme") if a["kind"] == "search"]
    assert alert["item_key"] == "https://www.ripoffreport.com/r/acme-plumbing"  # once per URL, whatever the query
    assert alert["detail"].startswith("#2 on DuckDuckGo")
    alerts.deliver(cfg, store, NOW, smtp)
    msg, _copy = inbox_messages(inbox)
    assert "page one" in msg["Subject"] and "ripped me off" in msg.get_body(("plain",)).get_content()
    store.save_items("acme", results, crawl_id=100, seen_at=stamp(NOW + timedelta(hours=4)))
    assert alerts.collect(cfg, store, NOW + timedelta(hours=4)) == 0


def test_a_complaint_of_a_query_no_longer_searched_does_not_alert(env):
    cfg, store, smtp, hook, inbox = env
    cfg = searching(cfg, "Acme Plumbing Berlin")  # the config moved on from "Acme Plumbing"
    store.save_items("acme", [
        {**make("search_result", engine="duckduckgo", query="Acme Plumbing", rank=1,
                url="https://www.ripoffreport.com/r/acme-plumbing", title="Acme Plumbing ripped me off",
                snippet="Kept the deposit"), "category": "complaint", "negative": True}], crawl_id=99,
        seen_at=stamp(NOW))
    store.add_alerts([{"client_id": "acme", "kind": "review", "item_key": "trustpilot:recent-bad",
                       "created_at": stamp(NOW), "due_at": stamp(NOW), "sent_at": stamp(NOW)}])
    alerts.collect(cfg, store, NOW)
    assert not [a for a in store.alerts("acme") if a["kind"] == "search"]


def test_without_any_channel_alerts_stay_pending_and_say_why(env):
    cfg, store, smtp, hook, inbox = env
    hookless = cfg.settings.model_copy(update={"clients": [cfg.clients[0].model_copy(update={"apprise": []})]})
    cfg2 = type(cfg)(path=cfg.path, settings=hookless)
    assert alerts.collect(cfg2, store, NOW) == 1
    [result] = alerts.deliver(cfg2, store, NOW, None)
    assert result.sent == 0 and "REPSCAN_SMTP_URL is not set" in result.error
    [pending] = store.pending_alerts(stamp(NOW))
    assert pending["error"] and pending["sent_at"] is None
    [result] = alerts.deliver(cfg2, store, NOW, smtp)
    assert result.sent == 1 and store.pending_alerts(stamp(NOW)) == []


def test_the_client_s_own_negative_post_never_alerts(env):
    # A post on the client's own page, by the client ("Closed today: a burst pipe flooded the shop"), is its own
    # word, not a complaint about it (mentions.written_by, the report's rule for mentions too).
    cfg, store, smtp, hook, inbox = env
    post = lambda sid, author: {**make("post", source="facebook", source_id=sid, url=f"https://f.example/{sid}",  # noqa: E731
                                       author=author, text="Closed today: a burst pipe flooded the shop."),
                                "sentiment": -0.8, "negative": True}
    store.save_items("acme", [post("own", "ACME  plumbing"), post("theirs", "Person theirs")], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    assert sorted(a["item_key"] for a in store.alerts("acme") if a["kind"] == "post") == ["facebook:theirs"]


def test_an_answered_review_never_asks_for_a_reply(env):
    """An alert asks for a reply within the hour: a review the business has answered already (on the site, or from
    repscan) is not alerted, and one answered while its alert waited for quiet hours to end is not sent."""
    cfg, store, smtp, hook, inbox = env
    answered = {**review("answered-bad", 1, stamp(NOW - timedelta(hours=2))), "reply_text": "So sorry, on our way.",
                "reply_at": stamp(NOW - timedelta(hours=1))}
    store.save_items("acme", [answered], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    assert "trustpilot:answered-bad" not in {a["item_key"] for a in store.alerts("acme")}

    night = datetime(2026, 11, 18, 22, 30, tzinfo=timezone.utc)  # 23:30 in Berlin: held until 07:00
    store.save_items("acme", [review("night-bad", 1, stamp(night))], seen_at=stamp(night))
    alerts.collect(cfg, store, night)
    assert "trustpilot:night-bad" in {a["item_key"] for a in store.pending_alerts(stamp(night + timedelta(hours=9)))}
    store.save_items("acme", [{**review("night-bad", 1, stamp(night)), "reply_text": "Called you this morning.",
                               "reply_at": stamp(night + timedelta(hours=7))}], seen_at=stamp(night + timedelta(hours=7)))
    morning = datetime(2026, 11, 19, 6, 0, 1, tzinfo=timezone.utc)
    alerts.deliver(cfg, store, morning, smtp)
    bodies = [m.get_body(("plain",)).get_content() for m in inbox_messages(inbox)]
    assert not any("night-bad" in body for body in bodies)
    [held] = [a for a in store.alerts("acme") if a["item_key"] == "trustpilot:night-bad"]
    assert held["sent_at"] is not None and held["channels"] == alerts.ANSWERED_FIRST


def operator_runs(tmp_path, plan) -> list[int]:
    """Runs of a client with an operator, each at NOW + hours after a crawl with its status (None: no crawl): the
    operator-only alerts there are after each (delivered by email to tmp_path / "inbox")."""
    url = "https://t.example/review/acme"
    with smtp_server(tmp_path / "inbox") as smtp:
        cfg = load(write_config(tmp_path, [("trustpilot", url)], agency={
            "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"}))
        settings = mail.SmtpSettings("127.0.0.1", smtp.port, "plain")
        store = Store(cfg.database)
        told = []
        try:
            for hours, status in plan:
                at = NOW + timedelta(hours=hours)
                if status is not None:
                    crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at=stamp(at))
                    store.finish_crawl(crawl, status=status, items=3 if status == "ok" else 0, new_items=0,
                                       requests=1, pages=1, full=False, finished_at=stamp(at),
                                       error=None if status == "ok" else "blocked: captcha at " + url)
                alerts.collect(cfg, store, at)
                alerts.deliver(cfg, store, at, settings)
                told.append(len([a for a in store.alerts("acme") if a["kind"] == alerts.OPERATOR_ONLY]))
        finally:
            store.close()
    return told


def test_a_source_blocked_for_a_day_reaches_the_operator_once(tmp_path):
    """A captcha wall or weeks of timeouts must reach the agency (the client's report says it cannot read the page):
    after rules.SOURCE_GRACE of one run of blocked (or error) crawls the operator is told, once for that run."""
    told = operator_runs(tmp_path, [(0, "ok"), (1, "blocked"), (13, "blocked"), (26, "blocked"), (38, "blocked")])
    assert told == [0, 0, 0, 1, 1]
    [msg] = inbox_messages(tmp_path / "inbox")
    assert msg["To"] == "ops@agency.example" and msg["Subject"] == "repscan: Acme Plumbing (acme): Trustpilot blocked"
    body = msg.get_body(("plain",)).get_content()
    assert "Trustpilot for Acme Plumbing (acme) is blocked" in body and "blocked: captcha" in body
    assert "blocked since 18 Nov 2026, 13:00 UTC" in body


def test_a_source_failing_from_its_first_crawl_reaches_the_operator_at_once(tmp_path):
    """A source never read cleanly (a wrong URL, a page that needs a look from the start): its client's report already
    says it could not be read, so the operator hears at its first failed crawl, once for that run, not a day later."""
    assert operator_runs(tmp_path, [(0, "error"), (1, "error"), (30, "error")]) == [1, 1, 1]
    [msg] = inbox_messages(tmp_path / "inbox")
    assert msg["To"] == "ops@agency.example" and msg["Subject"] == "repscan: Acme Plumbing (acme): Trustpilot error"


def test_a_source_stale_for_a_day_reaches_the_operator_once_a_spell(tmp_path):
    """Crawls that stopped (a dead timer, a lock held for days) leave a source's last crawl clean: the report says
    "not read since", and the operator is told once it has been stale (rules.stale) for rules.SOURCE_GRACE, once a
    stale spell; a clean crawl ends the spell, and a new one is told anew."""
    told = operator_runs(tmp_path, [(0, "ok"), (20, None), (47, None), (49, None), (70, None), (71, "ok"),
                                    (100, None), (120, None)])
    # 4-hourly: stale a day after the last clean crawl (rules.STALE_FLOOR), told to the operator a day after that
    assert told == [0, 0, 0, 1, 1, 1, 1, 2]
    first, second = inbox_messages(tmp_path / "inbox")
    assert first["To"] == "ops@agency.example" and first["Subject"] == "repscan: Acme Plumbing (acme): Trustpilot stale"
    body = " ".join(first.get_body(("plain",)).get_content().split())
    assert "Trustpilot for Acme Plumbing (acme) is stale" in body and "no clean crawl since 2026-11-18T12:00:00" in body
    assert "stale since 19 Nov 2026, 12:00 UTC" in body and "`repscan run` runs" in body


def test_a_refused_recipient_fails_for_that_address_and_is_retried_for_it_alone(env, tmp_path):
    cfg, store, _smtp, hook, _inbox = env
    refuse = {"manager@acme.example"}
    with smtp_server(tmp_path / "refusing", refuse) as server:
        smtp = mail.SmtpSettings("127.0.0.1", server.port, "plain")
        store.save_items("acme", [review("fresh-bad", 1, stamp(NOW - timedelta(hours=1)))], seen_at=stamp(NOW))
        assert alerts.collect(cfg, store, NOW) == 2
        [failed] = alerts.deliver(cfg, store, NOW, smtp)
        assert failed.sent == 0 and "email to manager@acme.example" in failed.error and "550" in failed.error
        assert "owner@acme.example" not in failed.error and server.envelopes == [["owner@acme.example"]]
        refuse.clear()
        [result] = alerts.deliver(cfg, store, NOW, smtp)
        assert result.sent == 2 and result.error is None
        assert server.envelopes == [["owner@acme.example"], ["manager@acme.example"]]  # never the owner twice


def test_an_alert_to_an_address_refused_for_good_is_given_up_and_a_full_mailbox_retried(env, tmp_path):
    """550 three runs running: the alert is given up for that address (rules.REFUSED_TIMES); a 452 (mailbox full) to
    another is retried however often it comes back, and the alert is sent once that one takes it."""
    cfg, store, _smtp, _hook, _inbox = env
    refuse = {"manager@acme.example": "550 5.1.1 <manager@acme.example>: user unknown",
              "owner@acme.example": "452 4.2.2 <owner@acme.example>: mailbox full"}
    with smtp_server(tmp_path / "refusing", refuse) as server:
        smtp = mail.SmtpSettings("127.0.0.1", server.port, "plain")
        store.save_items("acme", [review("fresh-bad", 1, stamp(NOW - timedelta(hours=1)))], seen_at=stamp(NOW))
        assert alerts.collect(cfg, store, NOW) == 2
        results = [alerts.deliver(cfg, store, NOW, smtp)[0] for _run in range(rules.REFUSED_TIMES + 1)]
        assert [r.sent for r in results] == [0, 0, 0, 0] and "given up after 3 permanent refusals" in results[2].error
        assert "manager@acme.example" not in results[3].error and "owner@acme.example (452 4.2.2" in results[3].error
        rows = store.query("SELECT channel, refusals, given_up_at FROM deliveries WHERE kind = 'alert'"
                           " AND channel LIKE 'email:%'")
        assert {(r["channel"], r["refusals"], r["given_up_at"] is not None) for r in rows} == {
            ("email:manager@acme.example", 3, True), ("email:owner@acme.example", 0, False)}
        del refuse["owner@acme.example"]
        [done] = alerts.deliver(cfg, store, NOW, smtp)
        assert done.sent == 2 and done.error is None
        assert server.envelopes == [["owner@acme.example"]]  # never the address given up
