"""Reply drafts for the reviews of real saved pages (outside the repository): each one drafted, in its language,
within an X reply's 280 characters; skipped when the real pages are absent."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers import real_page
from repscan.app.cases import response_for
from repscan.core import rules
from repscan.core.replies import Policy, draft
from repscan.core.replies.drafts import LIMITS, length
from repscan.spiders.pages import get

POLICY = Policy("A Business With A Fairly Long Trading Name Ltd", contact="call 01632 960 000 or write to help@business.example")
PAGES = {  # site, saved page, its URL: (reviews, their drafts' languages)
    ("trustpilot", "eventnet-de-review-page-prettified-2024.html", "https://www.trustpilot.com/review/eventnet.de"):
        (20, {"de": 20}),
    ("appstore", "apple-store-app-jp-customerreviews-2015.json",
     "https://itunes.apple.com/jp/rss/customerreviews/id=1/sortby=mostrecent/json"): (50, {"ja": 49, "en": 1}),
    ("yelp", "biz-aaron-gordon-construction-sf-2022.html", "https://www.yelp.com/biz/aaron-gordon-construction-san-francisco"):
        (10, {"en": 10}),
}


def drafts(site: str, name: str, url: str) -> list[tuple[dict, object]]:
    body = real_page(site, name)
    items = get(site).extract(response_for(body, url))
    return [(item, draft(item.get("text"), title=item.get("title"), author=item.get("author"),
                         stored_language=item.get("language"), source="twitter", policy=POLICY))
            for item in items if item["kind"] == "review"]


@pytest.mark.parametrize("page", sorted(PAGES), ids=lambda page: page[0])
def test_every_real_review_gets_a_draft_in_its_language_that_fits_an_x_reply(page):
    count, languages = PAGES[page]
    made = drafts(*page)
    assert len(made) == count
    assert Counter(d.language for _, d in made) == languages
    assert all(length(d.text, "twitter") <= LIMITS["twitter"] and "01632 960 000" in d.text for _, d in made)


def test_the_negative_japanese_app_reviews_are_mostly_told_apart():
    """29 of the page's 50 reviews are negative; what they are about (freezes, codes that do not work) is found
    for a third of them, the rest get the general reply. Those asking for a way to pay other than a card name a
    payment but no wrong charge: no billing draft offers to correct one."""
    made = [(item, d) for item, d in drafts(*next(p for p in PAGES if p[0] == "appstore"))
            if rules.negative(item.get("rating"), item.get("rating_max"))]
    situations = Counter(d.situation for _, d in made)
    assert len(made) == 29 and situations["quality"] >= 5 and situations["billing"] == 0
    assert situations["general"] <= 20


def test_real_reviews_calling_the_work_expensive_get_no_offer_to_check_a_charge():
    """Two of the Yelp page's reviews call the work expensive or overpriced and dispute no charge: neither draft
    offers to check one (they were billing drafts before opinions of price became money talk)."""
    made = drafts(*next(p for p in PAGES if p[0] == "yelp"))
    priced = [d for item, d in made if any(word in (item.get("text") or "").lower()
                                           for word in ("expensive", "overpriced"))]
    assert len(priced) >= 2 and not any(d.situation == "billing" or "check the charge" in d.text for d in priced)
