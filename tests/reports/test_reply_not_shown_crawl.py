"""A reply marked done through `repscan replies`, then real crawls of a Trustpilot page over loopback: while the page,
read two days and more after the post, shows no reply, the report's PDF lists the review as waiting and says our
reply is not shown; once the page shows it, the review is answered (tests/reports/test_reply_not_shown.py: every
case, through the store's own ingest)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from pypdf import PdfReader
from scenario_site import ClientWeb, review

from helpers import run_cli
from repscan.app import cli
from repscan.core.config import load
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.store import Store
from repscan.reports.model import format_date

CLIENT = "hlb-internal-7"


def crawl(config) -> None:
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]


def repscan(capsys, config, *args) -> str:
    capsys.readouterr()
    assert cli.main(["--config", str(config), *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def report_text(capsys, config, path) -> str:
    repscan(capsys, config, "report", "--client", CLIENT, "--out", str(path))
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


@pytest.mark.drill
def test_a_reply_done_but_not_on_the_crawled_page_waits_again_until_the_page_shows_it(tmp_path, capsys):
    now = utcnow().replace(microsecond=0)
    late = review("late", 1, 30, now)
    with ClientWeb([late, review("other", 2, 50, now, reply_after=2)], mentions=False, search=False) as web:
        config = web.config(tmp_path)
        crawl(config)
        repscan(capsys, config, "replies", "list")
        store = Store(load(config).database)
        [rid] = [row["id"] for row in store.replies(CLIENT) if row["source_id"].endswith("late")]
        store.close()
        repscan(capsys, config, "replies", "approve", str(rid), "--as", "Dana")
        repscan(capsys, config, "replies", "done", str(rid), "--pasted", "--as", "Dana")
        before = report_text(capsys, config, tmp_path / "posted.pdf")
        assert "Negative reviews without a reply 0" in before and "is not shown" not in before  # within the grace

        posted = stamp(now - timedelta(days=3))  # the post was three days ago: the scenario's clock, in its row
        with sqlite3.connect(load(config).database) as db:
            db.execute("UPDATE replies SET posted_at = ? WHERE id = ?", [posted, rid])
        crawl(config)  # the page, read cleanly, still shows no reply of the business
        text = report_text(capsys, config, tmp_path / "not-shown.pdf")
        day = format_date(parse_iso(posted), "Europe/London")
        assert f"The reply we posted on {day} is not shown on Trustpilot: please check it. Waiting" in text
        assert "Negative reviews without a reply 1" in text

        late.reply, late.reply_at = "Sorry, we will call you today.", stamp(now)
        crawl(config)  # now it does
        text = report_text(capsys, config, tmp_path / "shown.pdf")
        assert "Negative reviews without a reply 0" in text and "is not shown" not in text
