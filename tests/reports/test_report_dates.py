"""Dates a site gives by day only are calendar dates, in every zone: a review dated 4 Dec shows 4 Dec to a client
in Los Angeles and in Auckland (PDF and email, through real SQLite, WeasyPrint and SMTP), and waits in days."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, normalise
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.mail import SmtpSettings, build_message, send_message
from repscan.reports.render import render_pdf

UNTIL = datetime(2026, 12, 5, 4, 25, tzinfo=timezone.utc)  # 4 Dec 20:25 in Los Angeles, 5 Dec 17:25 in Auckland


def day_review(sid: str, day: str) -> dict:
    """A negative review the site dates by day only (as Yelp, Tripadvisor or BBB do)."""
    return {**normalise(make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                             author=f"Person {sid}", rating=1, title=f"Title {sid}", text="Cold and late.",
                             published_at=day)), "sentiment": -1.0, "negative": True}


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """Per zone: the report's PDF text and its email's plain text, the review dated 4 Dec and another 2 Dec."""
    folder = tmp_path_factory.mktemp("dates")
    cfg = load(write_config(folder, [("trustpilot", "https://t.example/review/acme")]))
    store = Store(cfg.database)
    store.save_items("acme", [day_review("dec-4", "2026-12-04"), day_review("dec-2", "2026-12-02")],
                     seen_at="2026-12-05T04:00:00.000000Z")
    out = {}
    with smtp_server(folder / "mail") as smtp:
        for zone in ("America/Los_Angeles", "Pacific/Auckland"):
            client = cfg.client("acme").model_copy(update={"timezone": zone})
            data = queries.build(cfg, client, store, since=None, until=UNTIL)
            pdf = render_pdf(data, folder / f"{zone.replace('/', '-')}.pdf")
            before = set((folder / "mail").glob("*.eml"))
            send_message(build_message(data, pdf, "reports@agency.example", ["owner@acme.example"]),
                         SmtpSettings("127.0.0.1", smtp.port, "plain"))
            [eml] = set((folder / "mail").glob("*.eml")) - before
            msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            out[zone] = (" ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages),
                         " ".join(msg.get_body(("plain",)).get_content().split()))
    store.close()
    return out


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_a_day_dated_review_shows_its_own_day_in_every_zone(delivered, zone):
    pdf, mail = delivered[zone]
    for text in (pdf, mail):
        assert "No reply yet, waiting since 4 Dec" in text and "No reply yet, waiting since 2 Dec" in text
        assert "waiting since 3 Dec" not in text and "waiting since 5 Dec" not in text
        assert " h " not in text.split("Title dec-4")[0][-80:]  # no hours counted from a made-up midnight
    appendix = pdf[pdf.index("Appendix"):]
    assert "4 Dec 2026" in appendix and "3 Dec 2026" not in appendix


def test_the_report_period_and_the_generated_time_stay_in_the_clients_zone(delivered):
    assert "Generated 4 Dec 2026, 20:25" in delivered["America/Los_Angeles"][0]
    assert "Generated 5 Dec 2026, 17:25" in delivered["Pacific/Auckland"][0]
