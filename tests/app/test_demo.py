"""`repscan demo` end to end, twice: the second run finds nothing new and says so; what the demo prints is what
its PDF says."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from helpers import run_cli
from repscan.core.store import Store


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
    assert re.search(r"crawl trustpilot\s+ok\s+15 items,\s+15 new", first.stdout)
    assert re.search(r"crawl jsonld\s+ok\s+6 items,\s+6 new", first.stdout)
    assert "21 reviews in the database; 7 negative reviews need a reply" in first.stdout
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
    assert "nothing new since the last run (21 reviews already in the database)" in second.stdout
    assert re.search(r"crawl trustpilot\s+ok\s+\d+ items,\s+0 new, 2 requests", second.stdout)  # robots.txt + page 1
    assert "demo: alert  (none new since the last run)" in second.stdout and "demo: spike:" not in second.stdout
    assert len(list((folder / "mail").glob("*.eml"))) == 3  # two reports, one alert email
    # nothing was answered between the runs: the negative mentions are still open in the second report's list
    pdf = re.search(r"demo: report (\S+\.pdf)", second.stdout).group(1)
    again = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    listed = again[again.index("Needs a reply now"):again.index("Mentions and news")]  # the list and "Still open"
    for mention in ("charged me twice", "still waiting for a refund"):  # the news item is negative to the model only
        assert mention in listed, mention
    opened = re.compile(r"demo: (\d+) open items need a reply now")
    assert opened.search(second.stdout).group(1) == opened.search(first.stdout).group(1)


def test_the_first_report_covers_the_14_days_to_its_crawl(demo):
    # a baseline that counts 14 days of reviews as new covers those days, not the minutes of its first crawl
    _, _, pages = demo
    day = r"\d{1,2} \w{3} \d{4}"
    start, end = re.search(rf"Period: ({day}) – ({day})", " ".join(pages)).groups()
    assert datetime.strptime(end, "%d %b %Y") - datetime.strptime(start, "%d %b %Y") == timedelta(days=14)


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


def test_the_email_and_the_pdf_say_the_same_and_only_what_is_true(demo):
    # The truth audit of what a client reads: the subject's count is the action list (not a part of the new
    # reviews), the business's own Facebook post is not a mention of it, and no sentence miscounts.
    folder, first, pages = demo
    text = " ".join(pages)
    eml = re.search(r"demo: email\s+(\S+\.eml)", first.stdout).group(1)
    msg = email.message_from_bytes(open(eml, "rb").read(), policy=email.policy.default)
    open_items = re.search(r"demo: (\d+) open items need a reply now", first.stdout).group(1)
    new = re.search(r"New reviews (\d+)", text).group(1)
    assert msg["Subject"] == f"Reputation report for Harbour Lane Bakery: {new} new reviews, {open_items} open items need a reply"
    mentions = text[text.index("Mentions and news"):text.index("Answered this period")]
    assert "Celebration cakes" not in mentions and "Do you make gluten-free ones?" in mentions  # own post, a comment
    store = Store(folder / "repscan.db")
    try:
        posts = store.query("SELECT source, author FROM posts")
    finally:
        store.close()
    own = [p for p in posts if p["author"] == "Harbour Lane Bakery"]
    facebook = [p for p in posts if p["source"] == "facebook" and p not in own]
    assert own and f"New mentions {len(posts) - len(own)} " in text
    assert f"Facebook – – {len(facebook)} mentions this period" in text
    assert "across 1 search of your name" in text and "your own best result: #2 · checked" in text
    assert "items found for the first time (imported history included)" in first.stdout


def test_the_demo_chain_has_a_row_per_location_and_its_action_list_says_where(demo):
    _, _, pages = demo
    text = " ".join(pages)
    table = text[text.index("Location by location"):text.index("Each review counts at the location")]
    assert [name for name in ("Portsmouth, Harbour Lane", "Southsea, Castle Road", "Total Harbour Lane Bakery")
            if name in table] == ["Portsmouth, Harbour Lane", "Southsea, Castle Road", "Total Harbour Lane Bakery"]
    assert "Portsmouth, Harbour Lane — Trustpilot" in pages[0]


def test_the_demo_report_compares_the_bakery_with_its_competitor(demo):
    _, first, pages = demo
    assert re.search(r"crawl trustpilot\s+ok\s+8 items,\s+8 new, \d+ requests\s+\(competitor Quayside Crumb\)",
                     first.stdout)
    [page] = [page for page in pages if "Competitors How Harbour Lane Bakery" in page]
    assert "Quayside Crumb 4.2 on the site 8 on the site" in page  # the competitor's Trustpilot summary
    assert "Quayside Crumb no complaint on page one (1 search)" in page
    assert "Quayside" not in " ".join(pages[:2])  # never in the action list or the figures


def test_the_burst_is_alerted_as_a_spike_by_email_and_the_report_names_it(demo):
    # Three made-up 1-star reviews within the hour on Trustpilot: one spike alert, delivered through the demo's
    # SMTP server beside the report's email, listing the three; the spike the demo prints is the PDF's.
    _, first, pages = demo
    text = " ".join(pages)
    path = re.search(r"^demo: alert\s+(\S+\.eml)$", first.stdout, re.M).group(1)
    msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    assert msg["To"] == "owner@harbourlanebakery.example" and not list(msg.iter_attachments())
    assert msg["Subject"].startswith("Alert for Harbour Lane Bakery: spike of negative reviews on Trustpilot: "
                                     "3 negative reviews within the hour")
    body = "\n".join(msg.get_body(("plain",)).get_content().splitlines())
    burst = body[:body.index("Next step")]
    assert len(re.findall(r"^  1/5 — by .+ — http://127\.0\.0\.1:\d+/reviews/tp-090\d$", burst, re.M)) == 3
    assert "Not based on a genuine experience" in body  # Trustpilot's route to report a fake review
    [spike] = re.findall(r"^demo: spike: (.+)$", first.stdout, re.M)
    assert spike.startswith("3 negative reviews within the hour on Trustpilot, ")
    assert f"Spike of negative reviews: {spike}" in text
