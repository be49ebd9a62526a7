"""`repscan demo` end to end, twice: the second run finds nothing new and says so; what the demo prints is what
its PDF says."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from pypdf import PdfReader

from helpers import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "demo"
    first = run_cli("demo", "--dir", str(folder), timeout=300)
    assert first.returncode == 0, first.stderr[-3000:]
    pdf = re.search(r"demo: report (\S+\.pdf)", first.stdout).group(1)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
    return folder, first, pages


def test_demo_runs_end_to_end_and_a_second_run_finds_nothing_new(demo):
    folder, first, pages = demo
    assert re.search(r"crawl trustpilot\s+ok\s+12 items,\s+12 new", first.stdout)
    assert re.search(r"crawl jsonld\s+ok\s+6 items,\s+6 new", first.stdout)
    assert "18 reviews in the database; 4 negative reviews need a reply" in first.stdout
    assert "“Harbour Lane Bakery” on duckduckgo: 1 complaint(s) on page one, 1 above your own site (#2)" in first.stdout
    eml = re.search(r"demo: email\s+(\S+\.eml)", first.stdout).group(1)

    text = " ".join(pages)
    for expected in ("Harbour Lane Bakery", "Needs a reply now", "Cold bread and a rude till",
                     "What people see when they search you", "above your own site", "Complaints on page one",
                     "Trends", "Average rating (out of 5) per week", "Mentions and news", "charged me twice",
                     "Дуже погано", "Nu recomand", "No reply yet", "Das tut uns leid, Jonas!", "Platform by platform"):
        assert expected in text, expected
    assert 'src="file:///etc/passwd"' in text  # the hostile review shows as text ...
    assert "file:///etc/passwd" not in pages[0]  # ... answered, so not on the page a client reads first

    msg = email.message_from_bytes(open(eml, "rb").read(), policy=email.policy.default)
    assert msg["To"] == "owner@harbourlanebakery.example"
    assert [p.get_content_type() for p in msg.iter_attachments()] == ["application/pdf"]

    second = run_cli("demo", "--dir", str(folder), timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "nothing new since the last run (18 reviews already in the database)" in second.stdout
    assert re.search(r"crawl trustpilot\s+ok\s+\d+ items,\s+0 new, 2 requests", second.stdout)  # robots.txt + page 1
    assert len(list((folder / "mail").glob("*.eml"))) == 2


def test_every_figure_the_demo_prints_is_the_figure_in_its_pdf(demo):
    _, first, pages = demo
    text = " ".join(pages)
    figures = re.findall(r"^demo:   (.+?): (.+)$", first.stdout, re.M)
    assert len(figures) >= 6, first.stdout
    for label, value in figures:
        assert re.search(rf"{re.escape(label)} {re.escape(value)}(?!\S)", text), (label, value)
    unanswered = re.search(r"(\d+) negative reviews need a reply", first.stdout).group(1)
    assert re.search(rf"Negative reviews without a reply {unanswered}\b", text)
    open_items = re.search(r"demo: (\d+) open items need a reply now", first.stdout).group(1)
    assert f"{open_items} open items" in pages[0]
