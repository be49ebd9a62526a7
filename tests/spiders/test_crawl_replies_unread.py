"""A Yelp page whose feed and markup both lost the replies' usual names (businessOwnerReplies, the businessOwner-…
region) while the markup still shows the reply: through a real crawl over loopback into real SQLite, the crawl stays ok
but not complete, and the delivered report (PDF read back with pypdf, email from aiosmtpd) says the replies were not
read, never that the 1-star review waits for one."""

from __future__ import annotations

import pytest

from crawl_harness import Expect, Scenario, Serve, Site, crawl
from delivered import Delivered
from repscan.core.config import load
from repscan.core.items import parse_iso
from repscan.core.store.crawls import UNREAD, UNREAD_REPLIES
from repscan.reports.model import format_day

BIZ = "/biz/copperleaf-plumbing-portland"
TZ = "Europe/Berlin"  # write_config's client
RENAMED = "yelp/biz-feed-reply-key-and-owner-region-renamed"


@pytest.mark.drill
def test_replies_the_page_shows_but_we_could_not_read_are_said_in_the_crawl_and_the_report(tmp_path):
    scenario = Scenario("yelp-replies-renamed", "yelp", BIZ, prefix=BIZ,
                        serve=[Serve(BIZ, page, query={"start": start}) for page, start in
                               ((RENAMED, None), ("yelp/biz-page-2-of-3", "10"), ("yelp/biz-page-3-of-3", "20"))],
                        first=Expect())
    with Site(scenario) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert (run.crawl["status"], run.crawl["full"]) == ("ok", 0), run.crawl
    assert run.crawl["error"].startswith(f"{UNREAD}{UNREAD_REPLIES}yelp: {site.url}{BIZ}?sort_by=date_desc reviews with "
                                         "a reply from the business: 1 shown (owner reply blocks), 0 read")
    assert [r["author"] for r in run.reviews if r["reply_text"]] == ["Jürgen H."]  # page 2's reply, read as before

    report = Delivered(load(tmp_path / "repscan.toml"), tmp_path)
    day = format_day(parse_iso(run.crawl["finished_at"]), TZ)
    assert f"OK, read {day}; not read: replies to reviews" in report.pdf, report.pdf
    words = f"We read your Yelp page on {day}, but not the replies to its reviews"
    assert words in report.pdf and words in report.text
    unknown = "No reply seen (we could not read the replies on Yelp), waiting"  # the 1- and 2-star reviews
    assert report.pdf.count(unknown) == 3 and "No reply yet" not in report.pdf and "No reply yet" not in report.text
