"""A report's "(was …)" figures and its previous period's name are what the report sent then said (its reports row),
whatever today's rules or rows found late say of that period since: reports sent through the real path (real SQLite,
aiosmtpd, the PDF read back with pypdf)."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.reports.deliver import send_reports
from repscan.reports.model import format_date

NOW = utcnow()
URL = "https://t.example/review/acme"
TZ = "Europe/Berlin"  # write_config's client


def review(sid: str, stars: int, published) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", rating=stars, title=f"Title {sid}", text=f"Made-up text of {sid}.",
                   published_at=stamp(published)),
            "sentiment": 0.0, "negative": stars <= 2}


def crawl(store: Store, ago: timedelta, items: list[dict]) -> None:
    """One clean crawl of Acme's page, `ago` before now, first seeing `items` then."""
    crawl_id = store.start_crawl("acme", "trustpilot", "Spider", URL, started_at=stamp(NOW - ago - timedelta(minutes=5)))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(NOW - ago))
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=len(items), requests=1, pages=1, full=True,
                       error=None, finished_at=stamp(NOW - ago))


class Sent:
    """One report sent now through send_reports and a local SMTP server: its email's text and its PDF's text."""

    def __init__(self, cfg, folder):
        with smtp_server(folder) as smtp, pytest.MonkeyPatch.context() as env:
            env.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
            [result] = send_reports(cfg, [cfg.client("acme")], workers=1)
        assert result.status == "sent", result
        [eml] = folder.glob("*.eml")
        self.text = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
        self.pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(result.pdf).pages)

    def figure(self, label: str) -> str:
        [line] = [line for line in self.text.splitlines() if line.startswith(f"{label}: ")]
        return line


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    """A baseline report sent over three new reviews (two negative); then one of them edited to a date years ago (the
    history rule would now call it a backfill) and two negatives saved late as first seen in that period; then the
    next report. Yields the two reports as sent and the first one's period as its PDF names it."""
    folder = tmp_path_factory.mktemp("previous")
    cfg = load(write_config(folder, [("trustpilot", URL)]))
    store = Store(cfg.database)
    crawl(store, timedelta(days=10), [review("old", 4, NOW - timedelta(days=400))])
    crawl(store, timedelta(days=5), [review("good", 5, NOW - timedelta(days=5, hours=2)),
                                     review("bad", 1, NOW - timedelta(days=5, hours=3)),
                                     review("worse", 2, NOW - timedelta(days=5, hours=4))])
    first = Sent(cfg, folder / "first")
    with sqlite3.connect(cfg.database) as db:  # what a site's re-dated review, or today's rules, make of that period
        db.execute("UPDATE reviews SET published_at = '2019-03-01T10:00:00Z' WHERE source_id = 'bad'")
    crawl(store, timedelta(days=4), [review("late1", 1, NOW - timedelta(days=4, hours=1)),
                                     review("late2", 1, NOW - timedelta(days=4, hours=2))])
    second = Sent(cfg, folder / "second")
    store.close()
    return first, second, re.search(r"\d+ \w{3} \d{4} – \d+ \w{3} \d{4}", first.pdf).group()


@pytest.mark.drill  # two reports rendered and sent, about 4 s
def test_the_previous_figures_are_what_the_last_report_sent_though_the_rules_now_count_that_period_otherwise(
        two_reports):
    first, second, label = two_reports
    assert first.figure("New reviews").startswith("New reviews: 3 - ") and \
        first.figure("New negative reviews") == "New negative reviews: 2"
    assert second.figure("New reviews") == "New reviews: 0 (was 3)"
    assert second.figure("New negative reviews") == "New negative reviews: 0 (was 2)"
    assert f"compared with {label}" in second.text
    assert f"vs {label}: 3" in second.pdf and f"vs {label}: 2" in second.pdf


@pytest.fixture(scope="module")
def after_upgrade(tmp_path_factory):
    """A report an older version sent (its row holds 18 new reviews and 7 negatives, a baseline up to 5 days ago,
    no figures of m028), over fewer reviews than the store now counts for it; then the next report."""
    folder = tmp_path_factory.mktemp("upgrade")
    cfg = load(write_config(folder, [("trustpilot", URL)]))
    store = Store(cfg.database)
    crawl(store, timedelta(days=12), [review("old", 4, NOW - timedelta(days=400))])
    crawl(store, timedelta(days=8), [review(f"n{n}", 1 + n % 5, NOW - timedelta(days=8, hours=n)) for n in range(12)])
    end = NOW - timedelta(days=5)
    report = store.add_report("acme", period_start=None, period_end=stamp(end), pdf_path="/nonexistent.pdf",
                              new_reviews=18, new_negatives=7)
    store.mark_sent(report, sent_at=stamp(end))
    store.close()
    return Sent(cfg, folder / "inbox"), format_date(end, TZ)


@pytest.mark.drill  # a report rendered and sent, about 2 s
def test_after_an_upgrade_the_previous_figures_are_the_old_report_s_row_not_recomputed(after_upgrade):
    sent, day = after_upgrade
    assert sent.figure("New reviews") == "New reviews: 0 (was 18)"
    assert sent.figure("New negative reviews") == "New negative reviews: 0 (was 7)"
    assert f"compared with up to {day}" in sent.text
    assert f"vs up to {day}: 18" in sent.pdf and f"vs up to {day}: 7" in sent.pdf
