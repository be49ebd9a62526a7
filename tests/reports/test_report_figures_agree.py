"""Every figure of a delivered report agrees with every other (real SQLite, the PDF read back with pypdf, the email
from aiosmtpd): no unanswered negative dropped from the list, a removed review nowhere, an average over the rated
reviews, a site's row as bad as its worst page, and no "All quiet" about sources nobody read."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest

from delivered import Delivered
from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, parse_iso, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.model import format_date, format_day
from repscan.reports.render import render_template

NOW = utcnow()  # send_reports builds each report at the time it runs
TZ = "Europe/Berlin"  # write_config's client
KYIV, LVIV, BRAND = "https://t.example/review/kyiv", "https://t.example/review/lviv", "https://acme.example/reviews"


def review(sid, stars, published, *, source="trustpilot", replied=False, negative=None):
    """A made-up review; `stars` None for an unrated one (its text is not negative unless `negative`)."""
    return {**make("review", source=source, source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", rating=stars, title=f"Title {sid}", text=f"Made-up text of {sid}.",
                   published_at=stamp(published), reply_text="Sorry, we are on it." if replied else None,
                   reply_at=stamp(published + timedelta(hours=1)) if replied else None),
            "sentiment": 0.0, "negative": (stars is not None and stars <= 2) if negative is None else negative}


def crawl(store, site, url, ago, items=(), status="ok"):
    """One finished crawl of `url`, `ago` before now, saving `items` as first seen then."""
    crawl_id = store.start_crawl("acme", site, "Spider", url, started_at=stamp(NOW - ago - timedelta(minutes=5)))
    if items:
        store.save_items("acme", list(items), crawl_id=crawl_id, seen_at=stamp(NOW - ago))
    store.finish_crawl(crawl_id, status=status, items=len(items), new_items=len(items), requests=1, pages=1,
                       full=True, error="layout changed" if status == "broken" else None,
                       finished_at=stamp(NOW - ago))


def sent_before(store, ago, start_ago=None):
    """A report sent `ago` before now: the new period starts there."""
    report = store.add_report("acme", period_start=stamp(NOW - start_ago) if start_ago else None,
                              period_end=stamp(NOW - ago), pdf_path="/nonexistent.pdf", new_reviews=0, new_negatives=0)
    store.mark_sent(report, sent_at=stamp(NOW - ago))


# -- more unanswered negatives than the list holds ----------------------------------------------------------------

OLD = 250  # unanswered 1-star reviews from long ago: more than queries.OLDER_LISTED


@pytest.fixture(scope="module")
def backlog(tmp_path_factory):
    """A client with OLD unanswered 1-star reviews from long ago, and two more first seen this period: one fresh, one
    published years ago (a backfill, history: it waits with the older ones, the oldest of all)."""
    folder = tmp_path_factory.mktemp("backlog")
    cfg = load(write_config(folder, [("trustpilot", KYIV)]))
    store = Store(cfg.database)
    old = [review(f"old-{n:03d}", 1, NOW - timedelta(days=400 + n)) for n in range(OLD)]
    crawl(store, "trustpilot", KYIV, timedelta(days=10), old)
    sent_before(store, timedelta(days=7))
    fresh = [review("fresh", 1, NOW - timedelta(hours=3)),  # the newest complaint
             review("found-late", 2, NOW - timedelta(days=2000))]  # first seen this period, published long ago
    crawl(store, "trustpilot", KYIV, timedelta(hours=1), fresh)
    store.close()
    return cfg, folder, format_date(parse_iso(fresh[-1]["published_at"]), TZ)


def listed_and_counted(text: str, oldest: str):
    """The unanswered negatives a report's text lists (their titles, in order) and the count of the rest it gives."""
    titles = re.findall(r"Title (fresh|found-late|old-\d+)", text)
    rest = OLD + 1 - queries.OLDER_LISTED  # the old ones and the backfill, less those listed
    sentence = f"And {rest} more negative reviews without a reply, the oldest waiting since {oldest}."
    return titles, rest if sentence in text else None


def test_the_newest_complaints_are_listed_and_the_rest_counted_to_the_headline(backlog):
    cfg, _, oldest = backlog
    store = Store(cfg.database)
    data = queries.build(cfg, cfg.client("acme"), store, since=store.report_cutoff("acme"), until=utcnow())
    store.close()
    text = render_template("email.txt", data)
    titles, rest = listed_and_counted(text, oldest)
    # newest first: the period's one, and the newest older ones; the oldest (the backfill the oldest of all) are
    # counted, never dropped unsaid
    assert titles == ["fresh"] + [f"old-{n:03d}" for n in range(queries.OLDER_LISTED)]
    assert data.summary.unanswered_negatives == OLD + 2 == len(titles) + rest
    assert f"Negative reviews without a reply: {OLD + 2}" in text


@pytest.mark.drill  # a PDF of 200 open items and an SMTP round trip: about 5 s
def test_the_delivered_pdf_and_email_list_and_count_alike(backlog):
    cfg, folder, oldest = backlog
    report = Delivered(cfg, folder)
    headline = int(re.search(r"\d+", report.figure("Negative reviews without a reply")).group())
    for part in (report.text, report.pdf):
        titles, rest = listed_and_counted(part, oldest)
        assert titles[0] == "fresh" and "found-late" not in titles and len(set(titles)) == 1 + queries.OLDER_LISTED
        assert f"old-{queries.OLDER_LISTED:03d}" not in titles and len(set(titles)) + rest == headline


def test_every_unanswered_negative_of_the_period_is_listed_whatever_the_cap(tmp_path):
    """listed_unanswered keeps the period's in full even when they alone pass the cap; only older ones are counted."""
    cfg = load(write_config(tmp_path, [("trustpilot", KYIV)]))
    store = Store(cfg.database)
    crawl(store, "trustpilot", KYIV, timedelta(days=10), [review(f"old-{n}", 1, NOW - timedelta(days=400 + n))
                                                          for n in range(3)])
    sent_before(store, timedelta(days=7))
    crawl(store, "trustpilot", KYIV, timedelta(hours=1), [review(f"new-{n}", 1, NOW - timedelta(hours=2 + n))
                                                           for n in range(4)])
    data = queries.build(cfg, cfg.client("acme"), store, since=store.report_cutoff("acme"), until=NOW)
    rows = [queries.review_row(r) for r in store.unanswered_negatives("acme", stamp(NOW), threshold=0.4)]
    store.close()
    listed, rest = queries.listed_unanswered(rows, data.negatives, older=1)
    assert [r.author for r in listed] == [f"Person new-{n}" for n in range(4)] + ["Person old-0"]
    assert [r.author for r in rest] == ["Person old-1", "Person old-2"]
    assert len(data.unanswered) == data.summary.unanswered_negatives == 7 and data.unanswered_more == 0


# -- a chain: a removed review, unrated reviews, a broken first page -----------------------------------------------

@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chain")
    locations = [{"id": "kyiv", "name": "Kyiv, Khreshchatyk"}, {"id": "lviv", "name": "Lviv, Rynok Square"}]
    sources = [{"site": "trustpilot", "url": LVIV, "location": "lviv"},  # the first page of the site is the broken one
               {"site": "trustpilot", "url": KYIV, "location": "kyiv"}, {"site": "jsonld", "url": BRAND}]
    cfg = load(write_config(folder, sources, clients=[{
        "id": "acme", "name": "Acme Bakeries", "recipients": ["owner@acme.example"], "timezone": TZ,
        "sources": sources, "locations": locations}]))
    store = Store(cfg.database)
    old = NOW - timedelta(days=21)
    crawl(store, "trustpilot", KYIV, timedelta(days=20), [review("k-old-bad", 1, old), review("k-old-good", 5, old),
                                                          review("k-old-removed", 1, old)])
    crawl(store, "trustpilot", LVIV, timedelta(days=20), [review("l-old-bad", 2, old)])
    crawl(store, "jsonld", BRAND, timedelta(days=20), [review("b-old-unrated", None, old, source="jsonld")])
    sent_before(store, timedelta(days=7), start_ago=timedelta(days=14))
    crawl(store, "trustpilot", KYIV, timedelta(days=5), [review("k-removed", 1, NOW - timedelta(days=5, hours=2))])
    crawl(store, "trustpilot", LVIV, timedelta(days=3), [review("l-new-bad", 1, NOW - timedelta(days=3, hours=2))])
    crawl(store, "trustpilot", LVIV, timedelta(days=2), status="broken")
    crawl(store, "trustpilot", KYIV, timedelta(hours=2), [
        review("k-new-bad", 1, NOW - timedelta(hours=5)), review("k-new-replied", 1, NOW - timedelta(hours=6), replied=True)])
    crawl(store, "jsonld", BRAND, timedelta(hours=2), [review("b-new-unrated", None, NOW - timedelta(hours=4),
                                                              source="jsonld")])
    store.close()
    with sqlite3.connect(cfg.database) as db:  # the site took these two down
        db.execute("UPDATE reviews SET removed_at = ? WHERE source_id IN ('k-removed', 'k-old-removed')",
                   [stamp(NOW - timedelta(days=1))])
    db.close()
    report = Delivered(cfg, folder)
    store = Store(cfg.database)
    data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(days=7)), until=NOW)
    store.close()
    return report, data


def test_a_removed_review_counts_in_no_figure(chain):
    report, data = chain
    summary = data.summary
    # tracked now: k-old-bad, k-old-good, l-old-bad, b-old-unrated, l-new-bad, k-new-bad, k-new-replied, b-new-unrated
    assert report.figure("New negative reviews") == "New negative reviews: 3 (was 0)"
    assert report.figure("Negatives answered").startswith("Negatives answered: 1 of 3 (33")
    assert report.figure("Negative reviews without a reply") == "Negative reviews without a reply: 4 (was 2) - " \
                                                                "all tracked reviews, not only new ones"
    assert report.figure("Reviews tracked") == "Reviews tracked: 8 (was 4)"
    assert "k-removed" not in report.text + report.pdf and "k-old-removed" not in report.text + report.pdf
    assert sum(p.tracked for p in data.scoreboard) == summary.reviews_total == 8
    *rows, total = data.locations
    assert (total.new_reviews, total.new_negatives, total.negatives_replied, total.unanswered, total.reviews_total) \
        == (summary.new_reviews, summary.new_negatives, summary.negatives_replied, summary.unanswered_negatives,
            summary.reviews_total)
    for name in ("new_reviews", "new_negatives", "negatives_replied", "unanswered", "reviews_total"):
        assert sum(getattr(r, name) for r in rows) == getattr(total, name), name
    assert len(data.unanswered) + data.unanswered_more == summary.unanswered_negatives
    previous = summary.previous  # open at the last report: k-old-bad and l-old-bad; the removed one is not tracked
    assert (previous.unanswered_negatives, previous.reviews_total) == (2, 4)


def test_the_average_is_over_the_rated_reviews(chain):
    report, data = chain
    assert data.summary.reviews_rated == 6 and data.summary.avg_rating == pytest.approx((1 + 5 + 2 + 1 + 1 + 1) / 6)
    assert report.figure("Average rating").endswith(" - over 6 rated reviews")
    assert "over 6 rated reviews" in report.pdf and "over 8 reviews tracked" not in report.pdf


def test_a_site_row_shows_its_worst_page(chain):
    report, data = chain
    [trustpilot] = [p for p in data.scoreboard if p.site == "trustpilot"]
    broken = format_day(NOW - timedelta(days=2), TZ)
    assert trustpilot.health.state(TZ) == f"1 of 2 pages: not read since {broken}"
    assert f"1 of 2 pages: not read since {broken}" in report.pdf
    assert not data.quiet


# -- staleness and quiet -------------------------------------------------------------------------------------------

def test_a_source_not_read_for_a_day_is_not_read_and_never_all_quiet(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", KYIV)]))  # crawled every 4 hours (the default schedule)
    client = cfg.client("acme")
    store = Store(cfg.database)
    crawl(store, "trustpilot", KYIV, timedelta(days=10), [review("good", 5, NOW - timedelta(days=11))])
    crawl(store, "trustpilot", KYIV, timedelta(hours=20))
    fresh = queries.build(cfg, client, store, since=stamp(NOW - timedelta(days=7)), until=NOW)
    stale = queries.build(cfg, client, store, since=stamp(NOW - timedelta(days=7)), until=NOW + timedelta(hours=5))
    store.close()
    assert fresh.quiet and [s.status for s in fresh.sources] == ["ok"]  # 20 h: missed runs, under the day's floor
    [source] = stale.sources  # 25 h: over rules.STALE_FLOOR (twice 4 h alone said stale after 8 h)
    assert source.status == "stale" and not stale.quiet
    assert source.state(TZ) == f"not read since {format_day(NOW - timedelta(hours=20), TZ)}"
    assert source.words(TZ).startswith("We could not read your Trustpilot page since")


def test_a_source_not_read_in_the_period_is_never_all_quiet_beside_one_that_was(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", KYIV), ("trustpilot", LVIV)]))
    store = Store(cfg.database)
    crawl(store, "trustpilot", KYIV, timedelta(hours=1))
    crawl(store, "trustpilot", LVIV, timedelta(hours=10))  # not stale (under a day), but not read since the last report
    data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(hours=6)), until=NOW)
    store.close()
    assert [s.status for s in data.sources] == ["ok", "ok"] and not data.quiet


def test_no_source_read_in_the_period_is_never_all_quiet(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", KYIV)]))
    store = Store(cfg.database)
    crawl(store, "trustpilot", KYIV, timedelta(hours=3))
    data = queries.build(cfg, cfg.client("acme"), store, since=stamp(NOW - timedelta(hours=1)), until=NOW)
    store.close()
    empty = Store(tmp_path / "empty.db")
    never = queries.build(cfg, cfg.client("acme"), empty, since=None, until=NOW)
    empty.close()
    assert all(s.healthy for s in data.sources) and not data.quiet  # read, but before this period began
    assert [s.status for s in never.sources] == ["never"] and not never.quiet
