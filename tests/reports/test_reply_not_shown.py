"""A reply posted from repscan counts as the business's answer only until a clean crawl, REPLY_SHOW_GRACE after the
post, reads the review without it: then the review waits again in the report (its PDF), Datasette and the alerts, its
line says our reply is not shown, and the operator hears of it (real SQLite, the real PDF's text, real SMTP).

Two pages of one client: A, read cleanly three days after our posts, where the reply to "gone" is not shown and
"other" shows the site's own reply (so the site shows replies); B, the page each test varies."""

from __future__ import annotations

import email
import email.policy
import sqlite3
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.app import export
from repscan.app.demo import smtp_server
from repscan.core import rules
from repscan.core.config import load
from repscan.core.items import make
from repscan.core.store import Store
from repscan.core.store.queries import canned_queries
from repscan.reports import alerts, mail, queries
from repscan.reports.render import render_html, render_pdf

PAGE_A = "https://www.trustpilot.com/review/acme.example"
PAGE_B = "https://www.trustpilot.com/review/acme-north.example"
NO_REPLIES = "https://api.yelp.com/v3/businesses/acme-plumbing/reviews"  # the Yelp API carries no replies
FIRST = "2026-11-02T09:00:00.000000Z"  # both pages read, before any reply of ours
POSTED = "2026-11-03T10:00:00.000000Z"  # our replies to "gone" and "late"
AFTER_GRACE = "2026-11-06T09:00:00.000000Z"  # 2 days 23 hours after the post
WITHIN_GRACE = "2026-11-04T09:00:00.000000Z"  # 23 hours after it
UNTIL = datetime(2026, 11, 7, 12, tzinfo=timezone.utc)
PUBLISHED = {"gone": "2026-10-27T08:00:00Z", "other": "2026-10-29T08:00:00Z", "late": "2026-11-01T08:00:00Z"}  # no spike
NOT_SHOWN = "The reply we posted on 3 Nov 2026 is not shown on Trustpilot: please check it."


def review(sid: str, rating: int, url: str, site: str = "trustpilot", **reply) -> dict:
    return {**make("review", source=site, source_id=sid, url=f"{url}#{sid}", rating=rating, author=f"Person {sid}",
                   title=f"Title {sid}", text="The plumber never came.", published_at=PUBLISHED[sid],
                   business_url=url, **reply),
            "negative": int(rating <= 2), "sentiment": -0.9}


def crawl(store: Store, url: str, at: str, items: list[dict], status: str = "ok", site: str = "trustpilot",
          error: str | None = None) -> None:
    """One crawl of a page at `at`: its items saved as the pipeline saves them, then its outcome."""
    crawl_id = store.start_crawl("acme", site, "SourceSpider", url, started_at=at)
    if items:
        store.save_items("acme", items, crawl_id=crawl_id, seen_at=at)
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=0, requests=1, pages=1, full=False,
                       error=error or (None if status == "ok" else f"{status} at {url}"), finished_at=at)


def post_reply(store: Store, database, sid: str, url: str, site: str = "trustpilot") -> None:
    """A reply to `sid` drafted, approved and posted through repscan; posted at POSTED (mark_posted stamps the
    clock: the scenario's clock is set in the row it wrote)."""
    rid = store.add_draft({"client_id": "acme", "source": site, "source_id": sid, "kind": "review",
                           "url": f"{url}#{sid}", "language": "en", "situation": "general",
                           "text": f"Sorry, {sid}: we will call you today."}, actor="ann")
    store.approve_reply(rid, actor="ann")
    store.mark_posted(rid, platform_reply_id=None, answer="pasted by hand", actor="ann")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE replies SET posted_at = ? WHERE id = ?", [POSTED, rid])


@pytest.fixture
def scene(tmp_path):
    """The store after the first reads and our posts, and page A read cleanly after the grace; `run` recrawls
    page B as a test says and returns the report data."""
    inbox = tmp_path / "inbox"
    with smtp_server(inbox) as smtp:
        def run(b_site: str, b_url: str, b_after):
            cfg = load(write_config(tmp_path, [("trustpilot", PAGE_A), (b_site, b_url)], agency={
                "name": "Test Agency", "sender": "reports@agency.example", "operator": "ops@agency.example"}))
            store = Store(cfg.database)
            crawl(store, PAGE_A, FIRST, [review("gone", 1, PAGE_A), review(
                "other", 2, PAGE_A, reply_text="We are sorry.", reply_at="2026-11-01T12:00:00Z")])
            crawl(store, b_url, FIRST, [review("late", 1, b_url, b_site)], site=b_site)
            post_reply(store, cfg.database, "gone", PAGE_A)
            post_reply(store, cfg.database, "late", b_url, b_site)
            crawl(store, PAGE_A, AFTER_GRACE, [review("gone", 1, PAGE_A), review("other", 2, PAGE_A)])
            b_after(store)
            data = queries.build(cfg, cfg.client("acme"), store, since=None, until=UNTIL)
            return cfg, store, data
        yield run, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"), inbox


def waiting(data) -> list[str]:
    return sorted(a.title for a in data.actions if a.kind == "review")


def lines(data) -> str:
    return " ".join(render_html(data).split())


def test_a_posted_reply_the_site_does_not_show_after_the_grace_waits_again(scene, tmp_path):
    run, smtp, inbox = scene
    cfg, store, data = run("trustpilot", PAGE_B, lambda store: crawl(store, PAGE_B, AFTER_GRACE,
                                                                      [review("late", 1, PAGE_B)]))
    assert waiting(data) == ["Title gone", "Title late"]
    assert (data.summary.unanswered_negatives, data.summary.negatives_replied) == (2, 1)  # "other": the site's reply
    assert rules.REPLY_SHOW_GRACE.days == 2  # AFTER_GRACE is past it, WITHIN_GRACE is not
    pdf = render_pdf(data, tmp_path / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert text.count(NOT_SHOWN) == 2 and text.count(NOT_SHOWN + " Waiting ") == 2  # not "No reply yet" alone

    with sqlite3.connect(cfg.database) as db:  # Datasette's canned query, on the same file
        db.row_factory = sqlite3.Row
        rows = db.execute(canned_queries()["unanswered"]["sql"], {"client_id": "acme", "location": ""}).fetchall()
    assert sorted(row["title"] for row in rows) == ["Title gone", "Title late"]
    with export.connect(cfg.database) as db:  # the export keeps that we posted, says it is not shown, not replied
        _, exported = export.rows(db, export.TABLES["reviews"], "acme", None, 2.0)
        unshown = [row for row in exported if row["reply_not_shown"]]
    assert sorted(row["title"] for row in unshown) == ["Title gone", "Title late"]
    assert all(row["reply_posted_from_repscan_at"] and row["replied"] is False for row in unshown)

    assert alerts.collect(cfg, store, UNTIL) == 4  # each review alerts as a waiting one would; the operator hears twice
    assert alerts.collect(cfg, store, UNTIL) == 0  # once per posting
    alerts.deliver(cfg, store, UNTIL, smtp)
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(inbox.glob("*.eml"))]
    [operator] = [m for m in messages if m["To"] == "ops@agency.example"]
    body = " ".join(operator.get_body(("plain",)).get_content().split())
    assert operator["Subject"] == "repscan: Acme Plumbing (acme): Trustpilot reply not shown"
    assert body.count("Trustpilot for Acme Plumbing (acme): a reply posted from repscan is not shown") == 2
    assert f"URL: {PAGE_B}#late" in body and "not on the review at our crawl of 6 Nov 2026, 09:00 UTC" in body
    clients = [m for m in messages if m["To"] != "ops@agency.example"]
    assert clients and all("not shown" not in m.get_body(("plain",)).get_content() for m in clients)
    store.close()


def test_a_posted_reply_the_site_shows_is_answered_by_the_sites_own_time(scene):
    run, _smtp, _inbox = scene
    cfg, store, data = run("trustpilot", PAGE_B, lambda store: crawl(store, PAGE_B, AFTER_GRACE, [review(
        "late", 1, PAGE_B, reply_text="Sorry, late: we will call you today.", reply_at="2026-11-03T10:20:00Z")]))
    assert waiting(data) == ["Title gone"]
    assert (data.summary.unanswered_negatives, data.summary.negatives_replied) == (1, 2)
    [late] = [r for r in store.reviews_since("acme", None, threshold=0.4) if r["source_id"] == "late"]
    assert late["reply_at"] == "2026-11-03T10:20:00Z" and late["reply_not_shown"] is None
    assert lines(data).count(NOT_SHOWN) == 1
    store.close()


@pytest.mark.parametrize("b_after", [
    pytest.param(lambda store: None, id="no-recrawl-yet"),
    pytest.param(lambda store: crawl(store, PAGE_B, WITHIN_GRACE, [review("late", 1, PAGE_B)]), id="within-grace"),
    pytest.param(lambda store: crawl(store, PAGE_B, AFTER_GRACE, [], status="blocked"), id="blocked-since"),
    pytest.param(lambda store: crawl(store, PAGE_B, AFTER_GRACE, [review("late", 1, PAGE_B)], status="broken"),
                 id="broken-since"),
    pytest.param(lambda store: crawl(store, PAGE_B, AFTER_GRACE, [review("late", 1, PAGE_B)], error=(
        f"not read: replies: trustpilot: {PAGE_B} gives 1 of its 1 reviews only as JSON-LD (no usable __NEXT_DATA__,"
        " no review card), which carries no replies")), id="read-without-its-replies"),
])
def test_a_posted_reply_counts_until_a_clean_read_after_the_grace(scene, b_after):
    run, _smtp, _inbox = scene
    cfg, store, data = run("trustpilot", PAGE_B, b_after)
    assert waiting(data) == ["Title gone"]
    assert (data.summary.unanswered_negatives, data.summary.negatives_replied) == (1, 2)
    assert [row["source_id"] for row in store.unshown_replies("acme")] == ["gone"]
    store.close()


def test_a_site_that_never_shows_replies_never_flips(scene):
    run, _smtp, _inbox = scene
    cfg, store, data = run("yelp-api", NO_REPLIES, lambda store: crawl(
        store, NO_REPLIES, AFTER_GRACE, [review("late", 1, NO_REPLIES, "yelp-api")], site="yelp-api"))
    assert waiting(data) == ["Title gone"]
    assert (data.summary.unanswered_negatives, data.summary.negatives_replied) == (1, 2)
    assert lines(data).count(NOT_SHOWN) == 1
    store.close()
