"""What a report counts as new, negative and unanswered, and each source's health."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pypdf import PdfReader

from helpers import run_cli, write_config
from repscan.core import rules
from repscan.core.classify import classify
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import alerts, queries

T0, T1, T2 = "2026-11-01T00:00:00.000000Z", "2026-11-08T00:00:00.000000Z", "2026-11-15T00:00:00.000000Z"


def item(sid, rating, reply=None, text="Some text.", published="2026-10-30T10:00:00Z"):
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", rating=rating, text=text, published_at=published,
                   reply_text=reply, reply_at="2026-10-30T12:00:00Z" if reply else None),
            "sentiment": 0.0, "negative": rating <= 2}


def setup(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme"), ("jsonld", "https://acme.example/r")]))
    store = Store(cfg.database)
    store.save_items("acme", [item("old-bad", 1), item("old-good", 5), item("old-replied", 2, reply="Sorry!")], seen_at=T0)
    new = "2026-11-14T10:00:00Z"  # published the day before it is found: new (weeks before: a backfill, history)
    store.save_items("acme", [item("new-bad", 1, published=new), item("new-good", 4, published=new)], seen_at=T2)
    store.save_items("acme", [item("old-good", 2, text="Worse now.")], seen_at=T2)  # turned negative
    return cfg, store


def test_new_and_newly_negative_since_the_cutoff(tmp_path):
    cfg, store = setup(tmp_path)
    data = queries.build(cfg, cfg.client("acme"), store, since=T1, until=datetime(2026, 11, 16, tzinfo=timezone.utc))
    assert sorted(r.author for r in data.new_reviews) == ["Person new-bad", "Person new-good"]
    assert sorted(r.author for r in data.negatives) == ["Person new-bad", "Person old-good"]
    assert data.summary.new_reviews == 2 and data.summary.new_negatives == 2
    assert data.summary.unanswered_negatives == 3  # old-bad, new-bad, old-good (old-replied has a reply)
    assert data.summary.reviews_total == 5
    assert round(data.summary.avg_rating, 2) == round((1 + 2 + 2 + 1 + 4) / 5, 2)
    assert round(data.summary.avg_rating_before, 2) == round((1 + 2 + 2) / 3, 2)  # ratings as stored now
    store.close()


def test_first_report_covers_everything(tmp_path):
    cfg, store = setup(tmp_path)
    data = queries.build(cfg, cfg.client("acme"), store, since=None, until=datetime(2026, 11, 16, tzinfo=timezone.utc))
    # no crawl recorded: nothing is history, and the period starts when the first review was seen
    assert data.summary.new_reviews == 5 and data.summary.history == 0
    assert data.period_start == datetime(2026, 11, 1, tzinfo=timezone.utc)
    store.close()


def test_source_health_never_ok_blocked_and_broken(tmp_path):
    cfg, store = setup(tmp_path)
    client = cfg.client("acme")
    tp = client.sources[0]
    for status, items in (("ok", 12), ("empty", 0)):
        crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", tp.url)
        store.finish_crawl(crawl_id, status=status, items=items, new_items=0, requests=2, pages=1, full=False, error=None)
    health = {h.site: h for h in queries.source_health(cfg, client, store)}
    assert health["trustpilot"].status == "broken" and "layout" in health["trustpilot"].error
    assert health["jsonld"].status == "never"
    crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", tp.url)
    store.finish_crawl(crawl_id, status="blocked", items=0, new_items=0, requests=1, pages=1, full=False,
                       error="blocked: Cloudflare challenge at https://t.example/review/acme")
    health = {h.site: h for h in queries.source_health(cfg, client, store)}
    assert health["trustpilot"].status == "blocked" and "Cloudflare" in health["trustpilot"].error
    store.close()


def test_a_report_rebuilt_for_its_period_reads_what_it_read_then(tmp_path):
    """A crawl broken and a negative review first seen after the period's end change nothing in its rebuild."""
    cfg, store = setup(tmp_path)
    client, until = cfg.client("acme"), datetime(2026, 11, 16, tzinfo=timezone.utc)
    url = client.sources[0].url
    for status, items, when in (("ok", 12, "2026-11-15T20:00:00.000000Z"), ("empty", 0, "2026-11-20T00:00:00.000000Z")):
        crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at=when)
        store.finish_crawl(crawl_id, status=status, items=items, new_items=0, requests=2, pages=1, full=False,
                           error=None, finished_at=when)
    before = queries.build(cfg, client, store, since=T1, until=until)
    store.save_items("acme", [item("later-bad", 1)], seen_at="2026-11-20T00:00:00.000000Z")
    again = queries.build(cfg, client, store, since=T1, until=until)
    assert {h.site: h.status for h in again.sources}["trustpilot"] == "ok"  # broken only after the period
    assert [r.author for r in again.unanswered] == [r.author for r in before.unanswered]
    assert "Person later-bad" not in [r.author for r in again.unanswered] and len(again.actions) == len(before.actions)
    assert {h.site: h.status for h in queries.source_health(cfg, client, store)}["trustpilot"] == "broken"  # now
    store.close()


def test_report_cli_writes_pdf_and_html(tmp_path):
    cfg, store = setup(tmp_path)
    store.close()
    pdf = run_cli("--config", str(cfg.path), "report", "--client", "acme", "--out", str(tmp_path / "r.pdf"))
    assert pdf.returncode == 0, pdf.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Person new-bad" in text and "Acme Plumbing" in text
    html = run_cli("--config", str(cfg.path), "report", "--client", "acme", "--html", "--since", "2026-11-10")
    assert html.returncode == 0, html.stderr
    body = open(html.stdout.strip(), encoding="utf-8").read()
    appendix = body.split('id="appendix"')[1]  # what is new since then; old-bad is still open, so it leads
    assert "Person new-bad" in appendix and "Person old-bad" not in appendix
    assert "Person old-bad" in body.split('id="summary"')[0]
    bad = run_cli("--config", str(cfg.path), "report", "--client", "acme", "--since", "last tuesday")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr
    unknown = run_cli("--config", str(cfg.path), "report", "--client", "zed")
    assert unknown.returncode == 2 and "no client 'zed'" in unknown.stderr


def test_a_threshold_change_in_the_config_rejudges_the_report_and_the_alerts(tmp_path):
    """Reviews stored by a crawl at the default threshold are judged again, by the report and the alerts, when the
    client's negative_threshold changes in the config; a review seen weeks ago that only the new threshold counts is
    listed as waiting, never alerted as news (rules.ALERT_FRESH)."""
    now = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    default = path.read_text()
    cfg = load(path)
    store = Store(cfg.database)
    crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/review/acme")
    store.finish_crawl(crawl, status="ok", items=0, new_items=0, requests=1, pages=1, full=False, error=None,
                       finished_at=T0)  # the history import: what comes after it alerts
    threshold = cfg.client("acme").negative_threshold
    old = {**item("old-3-stars", 3), "published_at": stamp(now - timedelta(days=10, hours=2))}
    store.save_items("acme", [{**old, **classify(old, threshold)}], seen_at=stamp(now - timedelta(days=10)))
    reviews = [{**item(f"{stars}-stars", stars), "published_at": stamp(now - timedelta(hours=2))} for stars in (2, 3, 4)]
    store.save_items("acme", [{**r, **classify(r, threshold)} for r in reviews], seen_at=stamp(now - timedelta(hours=1)))
    assert [r["negative"] for r in store.query("SELECT negative FROM reviews ORDER BY source_id")] == [1, 0, 0, 0]

    def judged(threshold: float):
        path.write_text(default.replace('timezone = "Europe/Berlin"',
                                        f'timezone = "Europe/Berlin"\nnegative_threshold = {threshold}'))
        cfg = load(path)
        client = cfg.client("acme")
        data = queries.build(cfg, client, store, since=None, until=now)
        candidates = store.alert_candidates("acme", threshold=client.negative_threshold,
                                            fresh_since=stamp(now - rules.ALERT_FRESH))
        return cfg, {
            "negatives": sorted(r.author for r in data.negatives),
            "unanswered": sorted(r.author for r in data.unanswered),
            "summary": (data.summary.new_reviews, data.summary.new_negatives, data.summary.unanswered_negatives),
            "alert": sorted(c["source_id"] for c in candidates if c["kind"] == "review"),
        }

    _, at_default = judged(0.4)
    assert at_default == {"negatives": ["Person 2-stars"], "unanswered": ["Person 2-stars"], "summary": (4, 1, 1),
                          "alert": ["2-stars"]}
    stricter, at_60 = judged(0.6)
    waiting = ["Person 2-stars", "Person 3-stars", "Person old-3-stars"]
    assert at_60 == {"negatives": waiting, "unanswered": waiting, "summary": (4, 3, 3), "alert": ["2-stars", "3-stars"]}
    assert alerts.collect(stricter, store, now) == 2
    assert sorted(a["item_key"] for a in store.alerts("acme")) == ["trustpilot:2-stars", "trustpilot:3-stars"]
    _, at_20 = judged(0.2)
    assert at_20 == {"negatives": [], "unanswered": [], "summary": (4, 0, 0), "alert": []}
    assert [r["negative"] for r in store.query("SELECT negative FROM reviews ORDER BY source_id")] == [1, 0, 0, 0]
    store.close()
