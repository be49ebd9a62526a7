"""The Competitors section over a real saved Trustpilot page (structure only; skipped without the real pages): the
competitor's row shows the page's own rating and count, and replies and negatives as the core's rules count them."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from competitor_config import CONFIG, write
from helpers import real_page
from repscan.core.config import load
from repscan.core.items import normalise, utcnow
from repscan.core.store import Store
from repscan.reports.competitors import compare
from repscan.spiders.pages import trustpilot

URL = "https://www.trustpilot.com/review/eventnet.de"


def test_a_real_trustpilot_page_as_a_competitors_figures(tmp_path):
    body = real_page("trustpilot", "eventnet-de-review-page-prettified-2024.html")
    items = [normalise(item) for item in trustpilot.extract(HtmlResponse(URL, body=body, encoding="utf-8"))]
    [business] = [item for item in items if item["kind"] == "business"]
    reviews = [item for item in items if item["kind"] == "review"]
    config = load(write(tmp_path, CONFIG))
    store = Store(config.database)
    try:
        watched = config.subject("acme:bolt").sources[0].url  # the page as if read from the configured URL
        crawl = store.start_crawl("acme:bolt", "trustpilot", "trustpilot", watched)
        store.save_items("acme:bolt", items, crawl_id=crawl)
        store.finish_crawl(crawl, status="ok", items=len(reviews), new_items=len(reviews), requests=1, pages=1,
                           full=True, error=None)
        comparison = compare(config, config.client("acme"), store, since=None, until=utcnow())
    finally:
        store.close()
    [bolt] = [row for row in comparison.platforms[0].rows if row.name == "Bolt Plumbing"]
    replied = sum(1 for r in reviews if r["reply_text"] or r["reply_at"])
    negative = sum(1 for r in reviews if r["rating"] / r["rating_max"] <= 0.6)  # acme's threshold
    assert (len(reviews), replied) == (20, 4)  # the page's 20 reviews, 4 with the owner's reply
    assert (bolt.rating.value, bolt.rating.basis) == (f"{business['rating']:.1f}", "on the site")
    assert (bolt.count.value, bolt.count.basis) == (str(business["review_count"]), "on the site")
    assert bolt.replies.basis == f"{replied} of {len(reviews)}" and bolt.negative.basis == f"{negative} of {len(reviews)}"
    assert bolt.median_reply.basis.endswith("with exact times") and not bolt.note
