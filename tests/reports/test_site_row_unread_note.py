"""A site of several pages, all read cleanly, one of them with comments it could not read: the site's row in the
delivered report says what was not read (real SQLite, the PDF read back with pypdf, the email from aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta

from helpers import write_config
from repscan.core.config import load
from repscan.core.items import stamp
from repscan.core.store import Store
from repscan.core.store.crawls import UNREAD
from repscan.reports.model import format_day
from test_report_figures_agree import NOW, TZ, Delivered

PLAIN, VIDEOS = "https://m.facebook.com/HarbourLaneBakery", "https://m.facebook.com/HarbourLaneCafe"
NOTE = "not read: comments the site shows only by script (under videos)"


def clean_crawl(store, url, ago, error=None):
    """A clean crawl of `url`, finished `ago` before now, with `error` naming what it could not read."""
    crawl_id = store.start_crawl("acme", "facebook", "FacebookSpider", url,
                                 started_at=stamp(NOW - ago - timedelta(minutes=5)))
    store.finish_crawl(crawl_id, status="ok", items=0, new_items=0, requests=1, pages=1, full=True, error=error,
                       finished_at=stamp(NOW - ago))


def test_a_chain_s_unread_note_is_in_its_site_row_though_another_page_was_read_longer_ago(tmp_path):
    cfg = load(write_config(tmp_path, [("facebook", PLAIN), ("facebook", VIDEOS)]))
    store = Store(cfg.database)
    clean_crawl(store, PLAIN, timedelta(hours=5))  # read longest ago, nothing left unread
    clean_crawl(store, VIDEOS, timedelta(hours=1), error=f"{UNREAD}facebook: {VIDEOS}/videos/1/ is a video page, "
                                                           "whose comments are drawn by script")
    store.close()
    report = Delivered(cfg, tmp_path)
    row = f"OK, read {format_day(NOW - timedelta(hours=1), TZ)}; {NOTE}"
    assert row in report.pdf, report.pdf
    assert "OK, read" not in report.pdf.replace(row, "")  # the site row is the noted page's, not the other one's
    words = f"We read your Facebook page on {format_day(NOW - timedelta(hours=1), TZ)}, but not the comments it shows"
    assert "All quiet" not in report.pdf and "All quiet" not in report.text  # a page not read whole is no quiet one
    assert words in report.pdf and words in report.text  # said in the PDF's first section and the email
