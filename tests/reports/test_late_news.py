"""A late-found complaint is news: a review published after a source's last clean read (the source then blocked for
16 days) and a Reddit post first surfaced 20 days after it was posted are new, alerted by real SMTP and in the report's
new figures (real SQLite, the PDF's text), while a true backfill stays history (rules.history)."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, normalise, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail, queries
from repscan.reports.render import render_pdf

REVIEWS = "https://t.example/review/acme"
SEARCH = "https://www.reddit.com/search.json?q=acme+plumbing"
IMPORT = datetime(2026, 10, 20, 6, 0, tzinfo=timezone.utc)  # both sources' first crawl: their history import
LAST_READ = datetime(2026, 11, 15, 6, 0, tzinfo=timezone.utc)  # Trustpilot's last clean read before the block
READ = LAST_READ + timedelta(days=16)  # 1 Dec: blocked every day since, read at last
REPORTED = READ - timedelta(days=3)  # the last report's cutoff


def review(sid: str, stars: int, published: datetime) -> dict:
    return {**normalise(make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                             author=f"Person {sid}", rating=stars, title=f"Title {sid}", text="Made-up words.",
                             published_at=stamp(published))), "sentiment": -1.0 if stars <= 2 else 0.8,
            "negative": stars <= 2}


def post(sid: str, published: datetime) -> dict:
    return {**normalise(make("post", source="reddit", source_id=sid, url=f"https://www.reddit.com/r/x/{sid}",
                             author=f"user_{sid}", title=f"Acme Plumbing flooded us {sid}",
                             text="Made-up: Acme Plumbing never came back.", published_at=stamp(published))),
            "sentiment": -0.9, "negative": True}


def crawl(store: Store, source: str, url: str, at: datetime, items: list[dict], status: str = "ok") -> None:
    crawl_id = store.start_crawl("acme", source, source.title() + "Spider", url, started_at=stamp(at))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(at + timedelta(minutes=5)))
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=len(items), requests=1, pages=1,
                       full=True, error="captcha" if status == "blocked" else None,
                       finished_at=stamp(at + timedelta(minutes=10)))


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Trustpilot: imported, read cleanly on 15 Nov, blocked daily for 16 days, read on 1 Dec: it finds a 1-star
    review published 15 days before (news) and a 2023 one (a backfill: history). Reddit: imported, searched cleanly
    every few days; on 1 Dec it surfaces a complaint posted 20 days before. Alerts go out by SMTP; then the report."""
    folder = tmp_path_factory.mktemp("late")
    cfg = load(write_config(folder, [("trustpilot", REVIEWS), ("reddit", SEARCH)]))
    store = Store(cfg.database)
    crawl(store, "trustpilot", REVIEWS, IMPORT, [review("imported", 4, IMPORT - timedelta(days=40))])
    crawl(store, "reddit", SEARCH, IMPORT, [post("imported", IMPORT - timedelta(days=30))])
    crawl(store, "trustpilot", REVIEWS, LAST_READ, [])
    for day in range(1, 16):
        crawl(store, "trustpilot", REVIEWS, LAST_READ + timedelta(days=day), [], status="blocked")
    for day in range(0, 40, 4):
        crawl(store, "reddit", SEARCH, IMPORT + timedelta(days=day + 1), [], status="empty")
    crawl(store, "trustpilot", REVIEWS, READ, [review("missed-bad", 1, READ - timedelta(days=15)),
                                               review("old-bad", 1, datetime(2023, 6, 1, tzinfo=timezone.utc))])
    crawl(store, "reddit", SEARCH, READ, [post("surfaced", READ - timedelta(days=20))])
    with smtp_server(folder / "inbox") as smtp:
        collected = alerts.collect(cfg, store, READ + timedelta(hours=1))
        alerts.deliver(cfg, store, READ + timedelta(hours=1), mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in sorted((folder / "inbox").glob("*.eml"))]
    client = cfg.client("acme")
    data = queries.build(cfg, client, store, since=stamp(REPORTED), until=READ + timedelta(days=1))
    pdf = render_pdf(data, folder / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    yield store, collected, mails, data, text
    store.close()


def test_a_review_missed_while_the_source_was_blocked_is_alerted(scene):
    store, collected, mails, _data, _text = scene
    keys = sorted(a["item_key"] for a in store.alerts("acme") if a["kind"] in ("review", "post"))
    assert keys == ["reddit:surfaced", "trustpilot:missed-bad"] and collected == 2
    assert mails, "no alert email"
    body = mails[0].get_body(("plain",)).get_content()
    assert "https://t.example/reviews/missed-bad" in body and "https://www.reddit.com/r/x/surfaced" in body
    assert "old-bad" not in body  # published before the last clean read and long before found: a backfill


def test_the_report_counts_the_late_found_complaints_as_new(scene):
    _store, _collected, _mails, data, text = scene
    assert [r.source_id for r in data.new_reviews] == ["missed-bad"] and data.summary.new_reviews == 1
    assert [r.source_id for r in data.negatives] == ["missed-bad"]
    assert [p.source_id for p in data.posts] == ["surfaced"]
    assert data.summary.history == 1  # old-bad
    assert "Title missed-bad" in text and "Acme Plumbing flooded us surfaced" in text
