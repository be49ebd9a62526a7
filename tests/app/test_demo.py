"""`repscan demo` end to end, twice: the second run finds nothing new and says so."""

from __future__ import annotations

import email
import email.policy
import re

from pypdf import PdfReader

from helpers import run_cli


def test_demo_runs_end_to_end_and_a_second_run_finds_nothing_new(tmp_path):
    first = run_cli("demo", "--dir", str(tmp_path / "demo"), timeout=300)
    assert first.returncode == 0, first.stderr[-3000:]
    assert re.search(r"crawl trustpilot\s+ok\s+12 items,\s+12 new", first.stdout)
    assert re.search(r"crawl jsonld\s+ok\s+6 items,\s+6 new", first.stdout)
    assert "18 reviews in the database; 7 negative reviews need a reply" in first.stdout
    assert "“Harbour Lane Bakery” on duckduckgo: 1 complaint(s) on page one, 1 above your own site (#2)" in first.stdout
    pdf = re.search(r"demo: report (\S+\.pdf)", first.stdout).group(1)
    eml = re.search(r"demo: email\s+(\S+\.eml)", first.stdout).group(1)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    for expected in ("Harbour Lane Bakery", "Needs a reply now", "Cold bread and a rude till",
                     "What people see when they search you", "above your own site", "Complaints on page one",
                     "Trends", "Average rating (out of 5) per week",
                     "Дуже погано", "Nu recomand", "No reply yet", "Das tut uns leid, Jonas!"):
        assert expected in text, expected
    assert 'src="file:///etc/passwd"' in text  # the hostile review shows as text

    msg = email.message_from_bytes(open(eml, "rb").read(), policy=email.policy.default)
    assert msg["To"] == "owner@harbourlanebakery.example"
    assert [p.get_content_type() for p in msg.iter_attachments()] == ["application/pdf"]

    second = run_cli("demo", "--dir", str(tmp_path / "demo"), timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "nothing new since the last run (18 reviews already in the database)" in second.stdout
    assert re.search(r"crawl trustpilot\s+ok\s+\d+ items,\s+0 new, 2 requests", second.stdout)  # robots.txt + page 1
    assert len(list((tmp_path / "demo" / "mail").glob("*.eml"))) == 2
