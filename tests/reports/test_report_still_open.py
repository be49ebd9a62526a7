"""The "Still open" table (the action list past its first ten) says how long each item waited as the action list
does: a complaint is on page one since we first saw it there, a day-dated review waits since its day."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader
from report_samples import NOW, review, sample_data

from repscan.reports.actions import Action, action_list
from repscan.reports.render import ACTIONS_SHOWN, render_pdf


def test_still_open_says_since_when_a_complaint_is_on_page_one(tmp_path):
    unanswered = [review(author=f"Person {n}", title=f"Title {n}", rating=1, negative=True,
                         published_at=NOW - timedelta(hours=n + 1)) for n in range(ACTIONS_SHOWN)]
    unanswered.append(review(author="Person by-day", title="Title by-day", rating=1, negative=True,
                             published_at=NOW.replace(hour=0) - timedelta(days=2), published_precision="day"))
    complaint = Action("complaint", "Ripoff Report", NOW - timedelta(days=3), "https://ripoff.example/acme",
                       "Acme complaint", "They never came.", detail="#2 for “Acme” on DuckDuckGo")
    data = sample_data(unanswered=unanswered, actions=action_list(unanswered, [], []) + [complaint])
    pdf = render_pdf(data, tmp_path / "report.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    still = text[text.index("Still open Waiting"):text.index("Mentions and news")]
    assert "On page one since 7 Mar 2025 (first seen by us)" in still
    assert "No reply yet, waiting since 8 Mar" in still  # a calendar day, not hours from its midnight
    assert "under a minute" not in still
