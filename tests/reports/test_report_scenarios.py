"""Issue 11: the report a client pays for, built through the real pipeline (crawl local pages, send to aiosmtpd)
and read back from the PDF and the email: the action list leads, nothing answered is listed as open, mentions
reach the report, the first report is a baseline, figures are compared with a named previous period, and
"All quiet" only when nothing is open and every source is healthy."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from scenario_site import ClientWeb, crawl_and_send, review
from repscan.core.items import utcnow

NOW = utcnow()
DAY = r"\d{1,2} \w{3} \d{4}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Two reports of one client: the first (a baseline), then one after a new negative review arrived."""
    folder = tmp_path_factory.mktemp("client")
    reviews = [review("old-open", 1, 60 * 24, NOW)] + [review(f"old-good-{n}", 5, (30 + 10 * n) * 24, NOW)
                                                        for n in range(3)]
    reviews += [review("recent-answered", 2, 10, NOW, reply_after=1), review("recent-good", 5, 20, NOW)]
    with ClientWeb(sorted(reviews, key=lambda r: r.published, reverse=True), rating=3.5) as web:
        first = crawl_and_send(folder, web)
        web.business.reviews.insert(0, review("new-bad", 1, 2, NOW, author_reviews=1))
        web.business.rating = 3.3
        second = crawl_and_send(folder, web)
    return first, second


def test_page_one_is_the_ranked_action_list(reports):
    first, _ = reports
    page = first.pages[0]
    assert "Needs a reply now" in page and "All quiet" not in first.all
    # unanswered negative reviews (of any age: this one is history), then negative mentions, then complaints
    order = [page.index(s) for s in ("Title old-open", "Harbour Lane Bakery charged me twice",
                                     "Ripoff Report | Harbour Lane Bakery complaint")]
    assert order == sorted(order), order
    assert re.search(r"No reply yet, waiting 60 days", page)
    assert "Waiting 5 h" in page  # the Reddit post's age
    assert "Reply publicly on Trustpilot, then take it offline" in page
    assert "Answer on Reddit, in the same thread, then take it offline" in page
    assert "Respond on Ripoff Report, then take it offline" in page and "#1 for “Harbour Lane Bakery” on DuckDuckGo, above your own site" in page
    assert "reddit.com/r/portsmouth/comments/9dm0001" in page.replace(" ", "")
    # the list comes before the figures
    assert first.all.index("Needs a reply now") < first.all.index("Summary")


def test_a_negative_review_from_a_single_review_account_is_marked(reports):
    _, second = reports
    needs = second.all[second.all.index("Needs a reply now"): second.all.index("Summary")]
    new_bad, old_open = needs.index("Person new-bad"), needs.index("Person old-open")
    assert needs[new_bad:].split("No reply yet")[0].endswith("· single-review account · ")  # 1 review on Trustpilot
    assert "single-review account" not in needs[old_open:].split("No reply yet")[0]  # 4 reviews: no mark
    assert needs.count("single-review account") == 1
    appendix = second.all[second.all.index("Appendix: all new reviews"):]
    assert re.search(r"Text of review new-bad\. — Person new-bad single-review account", appendix)


def test_answered_reviews_are_not_listed_as_needing_a_reply(reports):
    first, _ = reports
    needs = first.all[first.all.index("Needs a reply now"): first.all.index("Summary")]
    assert "Title recent-answered" not in needs
    answered = first.all[first.all.index("Answered this period"):]
    assert "Title recent-answered" in answered and "Replied after 1 h" in answered


def test_mentions_reach_the_pdf_and_the_email(reports):
    first, _ = reports
    mentions = first.all[first.all.index("Mentions and news"):]
    assert "Harbour Lane Bakery charged me twice" in mentions and "Best rye in town?" in mentions
    assert re.search(r"negative Harbour Lane Bakery charged me twice", mentions)  # marked
    assert not re.search(r"negative Best rye in town", mentions)
    for part in (first.text, first.html):
        for expected in ("Harbour Lane Bakery charged me twice", "Title old-open",
                         "Ripoff Report | Harbour Lane Bakery complaint: cake never delivered"):
            assert expected in part, expected
    assert "Title recent-answered" not in first.text.split("THE FIGURES")[0]


def test_the_first_report_is_a_baseline_with_a_start_and_an_end(reports):
    first, _ = reports
    text = first.all
    assert "First report, a baseline" in text
    assert "4 reviews published more than 14 days before it, or undated, are counted as history" in text
    assert re.search(r"New reviews 2 plus 4 older ones imported as history", text)
    assert "up to" not in text
    # what the baseline covers: the 14 days before the first crawl (newer reviews are new), not a zero-minute period
    start, end = re.search(rf"({DAY}) – ({DAY})", first.pages[0]).groups()
    assert datetime.strptime(end, "%d %b %Y") - datetime.strptime(start, "%d %b %Y") == timedelta(days=14)
    assert "the period is the 14 days before the first crawl, and since" in text
    appendix = text[text.index("Appendix"):]
    assert "Title recent-good" in appendix and "Title old-good-0" not in appendix


def test_the_second_report_compares_every_figure_with_the_named_previous_period(reports):
    first, second = reports
    previous = re.search(rf"{DAY} – {DAY}", first.pages[0]).group(0)
    text = second.all
    assert f"compared with the previous period, {previous}" in text
    assert text.count(f"vs {previous}:") >= 6
    assert re.search(rf"New reviews 1 vs {previous}: 2", text)
    board = text[text.index("Platform by platform"):]
    assert re.search(r"Trustpilot 3\.3 −0\.2 7 \+1", board)  # public rating and count, with the change
    assert "5★ 4 4★ 0 3★ 0 2★ 1 1★ 2" in board
    assert "1 of 7 (14%)" in board and "OK, read" in board
    assert "Title new-bad" in second.pages[0]
    assert f"(was 2)" in second.text


def test_an_unanswered_negative_mention_stays_open_in_the_next_report(reports):
    # posts have no replied state: the Reddit complaint is not new in the second period, yet nothing answered it
    _, second = reports
    needs = second.all[second.all.index("Needs a reply now"): second.all.index("Summary")]
    assert "Harbour Lane Bakery charged me twice" in needs and "Answer on Reddit, in the same thread" in needs
    assert "Harbour Lane Bakery charged me twice" in second.text.split("THE FIGURES")[0]
    mentions = second.all[second.all.index("Mentions and news"):]
    assert "charged me twice" not in mentions.split("Answered this period")[0]  # not a mention of this period


@pytest.fixture(scope="module")
def quiet_then_blocked(tmp_path_factory):
    """A client with nothing open, reported twice; before the second report a source starts answering with a
    captcha, and then an old negative review (already reported) is still without a reply."""
    folder = tmp_path_factory.mktemp("quiet")
    with ClientWeb([review("fine", 5, 30 * 24, NOW)], mentions=False, search=False) as web:
        quiet = crawl_and_send(folder, web)
        web.blocked = True
        blocked = crawl_and_send(folder, web)
    return quiet, blocked


def test_all_quiet_only_when_nothing_is_open_and_every_source_is_healthy(quiet_then_blocked):
    quiet, blocked = quiet_then_blocked
    assert "All quiet" in quiet.pages[0] and "All quiet" in quiet.text
    assert "All quiet" not in blocked.all and "All quiet" not in blocked.text
    said = " ".join(blocked.pages[0].split())
    assert "We could not read your Website page since" in said
    assert "asked for a captcha" in blocked.pages[0] and "asked for a captcha" in blocked.text


def test_an_old_unanswered_negative_is_never_all_quiet(tmp_path):
    with ClientWeb([review("old-bad", 1, 40 * 24, NOW)], mentions=False, search=False) as web:
        crawl_and_send(tmp_path, web)
        again = crawl_and_send(tmp_path, web)  # nothing new: the old negative is still open
    assert "All quiet" not in again.all
    assert "Title old-bad" in again.pages[0] and "No reply yet, waiting 40 days" in again.pages[0]
    assert "Title old-bad" in again.text


def test_layout_no_client_id_no_stranded_heading(reports):
    first, second = reports
    for delivered in (first, second):
        assert "hlb-internal-7" not in delivered.all
        for raw in delivered.raw_pages[:-1]:
            lines = [line for line in raw.splitlines() if line.strip()][:-2]  # less the footer lines
            assert lines[-1].strip() not in ("Summary", "Mentions and news", "Answered this period", "Trends",
                                             "Sources", "What people see when they search you", "Platform by platform")
        last = [line for line in delivered.raw_pages[-1].splitlines() if line.strip()][:-2]  # less the footer
        body = " ".join(line for line in last if not line.startswith("Prepared by"))  # less the colophon
        assert len(body) > 150, body  # no nearly empty last page: a section with its rows, never a lone heading
