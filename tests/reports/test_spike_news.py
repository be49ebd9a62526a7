"""A spike alert is news: never a burst the client was told of one by one (alerted, or in a sent report) before an
upgrade or a gap in runs, and never a burst made of two pages of one site (a client's own and a shared one)."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import alerts, mail

NOW = utcnow().replace(microsecond=0)
OWN, FOOD_COURT = "https://t.example/review/acme", "https://t.example/review/harbour-food-court"


def rated(sid: str, stars: int, published) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", title=f"Title {sid}", rating=stars, text="Made-up text.",
                   published_at=stamp(published)),
            "sentiment": -1.0 if stars <= 2 else 1.0, "negative": stars <= 2}


def crawled(store: Store, url: str, at, items: list[dict]) -> None:
    """One clean crawl of `url` finished at `at` that found `items` (the page each is from: store.item_origins)."""
    crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at=stamp(at - timedelta(minutes=2)))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(at))
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=len(items), requests=1, pages=1, full=True,
                       error=None, finished_at=stamp(at))


def spikes(store: Store) -> list[dict]:
    return [a for a in store.alerts("acme") if a["kind"] == "spike"]


@pytest.fixture
def burst(tmp_path):
    """Acme's Trustpilot page, imported a month ago with one good review; then three 1-star reviews within 18 hours
    (Aiko, Ken, Yui), found by crawls of the last day."""
    cfg = load(write_config(tmp_path, [("trustpilot", OWN)]))
    store = Store(cfg.database)
    crawled(store, OWN, NOW - timedelta(days=30), [rated("old", 5, NOW - timedelta(days=40))])
    for hours, sid in ((20, "aiko"), (10, "ken"), (2, "yui")):
        crawled(store, OWN, NOW - timedelta(hours=hours) + timedelta(minutes=30),
                [rated(sid, 1, NOW - timedelta(hours=hours))])
    yield cfg, store, tmp_path
    store.close()


def alerted_by_old_code(store: Store, sids: list[str]) -> None:
    """The alert rows a version without spike alerts wrote and sent: one per review, no spike."""
    at = stamp(NOW - timedelta(hours=1))
    store.add_alerts([{"client_id": "acme", "kind": "review", "item_key": f"trustpilot:{sid}", "created_at": at,
                       "due_at": at, "sent_at": at, "channels": "email", "source": "trustpilot",
                       "title": f"Title {sid}", "text": "Made-up text.", "url": f"https://t.example/reviews/{sid}",
                       "rating": 1.0, "rating_max": 5.0, "detail": f"by Person {sid}", "category": None}
                      for sid in sids])


def delivered(cfg, store: Store, folder) -> list[email.message.EmailMessage]:
    """Collect and deliver alerts now, through a local SMTP server: the emails it received."""
    with smtp_server(folder / "inbox") as smtp:
        alerts.collect(cfg, store, NOW)
        alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted((folder / "inbox").glob("*.eml"))]


def test_a_burst_alerted_one_by_one_before_an_upgrade_is_no_spike_alert(burst):
    cfg, store, folder = burst
    alerted_by_old_code(store, ["aiko", "ken", "yui"])
    assert delivered(cfg, store, folder) == [] and spikes(store) == []  # nothing new to tell: no email at all


def test_a_burst_a_sent_report_covered_is_no_spike_alert_after_a_gap(burst):
    """No alert of their own (alerts were off, or they came before the client's alerts began), but the weekly report
    sent after they were found listed them: the next run's spike would be old news."""
    cfg, store, folder = burst
    report = store.add_report("acme", period_start=stamp(NOW - timedelta(days=7)), period_end=stamp(NOW - timedelta(minutes=5)),
                              pdf_path="/nonexistent.pdf", new_reviews=3, new_negatives=3)
    store.mark_sent(report, sent_at=stamp(NOW - timedelta(minutes=5)))
    alerts.collect(cfg, store, NOW)
    assert spikes(store) == []


def test_a_new_negative_joining_a_burst_told_one_by_one_makes_it_news(burst):
    cfg, store, folder = burst
    alerted_by_old_code(store, ["aiko", "ken"])  # Yui was not told yet: the burst of three is news
    subjects = {message["Subject"] for message in delivered(cfg, store, folder)}
    [spike] = spikes(store)
    assert sorted(r["key"] for r in alerts.burst(spike)) == ["trustpilot:aiko", "trustpilot:ken", "trustpilot:yui"]
    assert [s for s in subjects if "spike" in s] == \
        ["Alert for Acme Plumbing: spike of negative reviews on Trustpilot: 3 negative reviews within 18 hours"]
    # Yui's own alert goes in the same email, but she is one of the three: no "(and 1 more)" counting her twice


def test_a_client_s_own_page_and_a_shared_page_of_one_site_are_never_one_burst(tmp_path):
    """No locations: the client's own Trustpilot page and the food court's it shares. Two 1-star reviews on its page
    and one on the food court's within a day are no spike on either page; a third on its page is a spike of three
    there, never "4 negative reviews"."""
    cfg = load(write_config(tmp_path, [("trustpilot", OWN), ("trustpilot", FOOD_COURT)]))
    store = Store(cfg.database)
    try:
        for url in (OWN, FOOD_COURT):
            crawled(store, url, NOW - timedelta(days=30), [rated(f"old-{url[-4:]}", 5, NOW - timedelta(days=40))])
        crawled(store, FOOD_COURT, NOW - timedelta(hours=21), [rated("court", 1, NOW - timedelta(hours=22))])
        crawled(store, OWN, NOW - timedelta(hours=3), [rated(sid, 1, NOW - timedelta(hours=h))
                                                       for sid, h in (("mio", 20), ("sora", 4))])
        alerts.collect(cfg, store, NOW)
        assert spikes(store) == []
        crawled(store, OWN, NOW, [rated("hana", 2, NOW - timedelta(hours=1))])
        alerts.collect(cfg, store, NOW)
        [spike] = spikes(store)
        assert sorted(r["key"] for r in alerts.burst(spike)) == ["trustpilot:hana", "trustpilot:mio", "trustpilot:sora"]
        assert spike["title"] == "3 negative reviews within 19 hours" and spike["url"] == OWN  # the page it is on
    finally:
        store.close()
