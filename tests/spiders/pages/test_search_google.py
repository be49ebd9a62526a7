"""Google result pages (JavaScript and basic HTML layouts): every field, /url unwrapping, exclusions."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import LayoutError, google

SEARCH = "https://www.google.com/search"
PAGE1_URL = f"{SEARCH}?q=Acme+Plumbing"
BASIC_URL = f"{SEARCH}?q=Acme+Plumbing&gbv=1"
PAGE2_URL = f"{SEARCH}?q=Acme+Plumbing&sca_esv=made-up&start=10&sa=N"

OWN = "https://www.acmeplumbing.example/"
RIPOFF = ("https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/"
          "acme-plumbing-overcharged-for-a-water-heater-rochester-new-york-1523377")
TRUSTPILOT = "https://www.trustpilot.com/review/acmeplumbing.example"
BBB = "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711/complaints"
REDDIT = "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/"
PATCH = "https://patch.com/new-york/rochester/rochester-plumber-fined-over-botched-water-heater-installs"

OWN_TITLE = "Acme Plumbing – Emergency Plumbers in Rochester, NY"
OWN_SNIPPET = ("Family-run plumbers serving Rochester since 1998. 24/7 emergency call-outs, water heater repair "
               "and drain cleaning.")
RIPOFF_TITLE = "Ripoff Report | Acme Plumbing Complaint Review Rochester, New York"
RIPOFF_TEXT = "Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"
BBB_TITLE = "Acme Plumbing | Complaints | Better Business Bureau® Profile"
BBB_SNIPPET = "This business has 9 complaints on file. Read complaint details and the business's responses."
REDDIT_TITLE = "Has anyone used Acme Plumbing? : r/Rochester"
REDDIT_SNIPPET = "They quoted $300 and billed $1,100. Took three weeks to get a partial refund."


def result(rank, url, displayed_url, title, snippet, query="Acme Plumbing"):
    return {"kind": "search_result", "engine": "google", "query": query, "rank": rank, "url": url,
            "displayed_url": displayed_url, "title": title, "snippet": snippet}


PAGE1 = [
    result(1, OWN, "https://www.acmeplumbing.example", OWN_TITLE, OWN_SNIPPET),
    result(2, RIPOFF, "https://www.ripoffreport.com › reports › acme-plumbing", RIPOFF_TITLE,
           f"Feb 11, 2026 — {RIPOFF_TEXT}"),
    result(3, TRUSTPILOT, "https://www.trustpilot.com › review › acmeplumbing.example",
           "Acme Plumbing Reviews | Read Customer Service Reviews of acmeplumbing.example",
           "Do you agree with Acme Plumbing's TrustScore? Voice your opinion today and hear what 212 customers have "
           "already said."),
    result(4, BBB, "https://www.bbb.org › ... › plumber", BBB_TITLE, BBB_SNIPPET),
    result(5, REDDIT, "30+ comments · 2 years ago", REDDIT_TITLE, REDDIT_SNIPPET),
    result(6, PATCH, "https://patch.com › new-york › rochester",
           "Rochester Plumber Fined Over Botched Water Heater Installs",
           "Mar 3, 2026 — State regulators fined Acme Plumbing $15,000 after inspectors found 14 unpermitted "
           "installs."),
    result(7, "https://www.facebook.com/acmeplumbing/", "1.2K+ followers", "Acme Plumbing | Rochester NY",
           "Acme Plumbing, Rochester. 1,204 likes · 12 talking about this. Plumbing, heating and drains since 1998."),
]

BASIC = [
    result(1, OWN, "www.acmeplumbing.example", OWN_TITLE, OWN_SNIPPET),
    result(2, RIPOFF, "www.ripoffreport.com › reports › acme-plumbing", RIPOFF_TITLE, f"11 Feb 2026 · {RIPOFF_TEXT}"),
    result(3, f"{REDDIT}?utm_source=share&utm_medium=web", "www.reddit.com › Rochester › comments › has_anyone...",
           REDDIT_TITLE, REDDIT_SNIPPET),
    result(4, BBB, "www.bbb.org › us › ny › rochester › profile › plumber", BBB_TITLE, BBB_SNIPPET),
]

PAGE2 = [
    result(11, "https://www.yelp.com/biz/acme-plumbing-rochester-3",
           "https://www.yelp.com › biz › acme-plumbing-rochester-3",
           "ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York - Yelp",
           '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."'),
    result(12, "https://acme-plumbing.pissedconsumer.com/review.html",
           "https://acme-plumbing.pissedconsumer.com › review",
           "Acme Plumbing Reviews and Complaints | PissedConsumer", "4 reviews and complaints about Acme Plumbing."),
]

NOT_RESULTS = ("angi.com", "youtube.com", "rapidrooter", "utm_medium=cpc", "water-heaters", "contact",
               "yelp.com", "aclk", "google.com", "/search")


def test_page_1(load):
    assert google.extract(load("search/google/serp-page-1.html", PAGE1_URL)) == PAGE1


def test_basic_layout_unwraps_url_redirects(load):
    assert google.extract(load("search/google/serp-basic.html", BASIC_URL)) == BASIC


def test_page_2_ranks_follow_start(load):
    assert google.extract(load("search/google/serp-page-2.html", PAGE2_URL)) == PAGE2


@pytest.mark.parametrize("name, url", [("serp-page-1.html", PAGE1_URL), ("serp-basic.html", BASIC_URL)])
def test_ads_questions_carousels_sitelinks_related_and_panel_are_left_out(load, name, url):
    urls = [item["url"] for item in google.extract(load(f"search/google/{name}", url))]
    for absent in NOT_RESULTS:
        assert not [u for u in urls if absent in u], absent


def test_every_excluded_block_is_excluded_on_its_own(load, respond):
    """The blocks sit inside the results container: their links are dropped by what they are in."""
    page = load("search/google/serp-page-1.html", PAGE1_URL).text
    for block in ('class="wQiwMc related-question-pair"', "<video-voyager>", "<g-scrolling-carousel>"):
        assert block in page
    # Lift the people-also-ask and video blocks out of their markers: their links become results.
    bare = (page.replace('class="wQiwMc related-question-pair" data-q="Is Acme Plumbing legit?" '
                         'data-initq="Acme Plumbing"', "")
            .replace('jsname="yEVEwb"', "").replace('jsname="Cpkphb"', "")
            .replace("g-section-with-header", "div").replace("video-voyager", "div")
            .replace("g-scrolling-carousel", "div"))
    urls = [item["url"] for item in google.extract(respond(bare, PAGE1_URL))]
    assert "https://www.angi.com/companylist/us/ny/rochester/acme-plumbing-reviews-1234.htm" in urls
    assert "https://www.youtube.com/watch?v=AcmeVid0001" in urls


def test_url_redirects_unwrap_on_a_local_server(load):
    items = google.extract(load("search/google/serp-basic.html", "http://127.0.0.1:8123/search?q=Acme+Plumbing"))
    assert [item["url"] for item in items] == [item["url"] for item in BASIC]


def test_no_results_page_is_empty(load):
    assert google.extract(load("search/google/no-results.html", f"{SEARCH}?q=xyzzy")) == []


def test_consent_page_is_a_layout_error_not_zero_results(load):
    with pytest.raises(LayoutError, match="result containers"):
        google.extract(load("search/google/consent.html", "https://consent.google.com/ml?continue=x&gl=GB"))


def test_next_page(load):
    assert google.next_page(load("search/google/serp-page-1.html", PAGE1_URL)) == PAGE2_URL
    assert google.next_page(load("search/google/serp-basic.html", BASIC_URL)) == (
        f"{SEARCH}?q=Acme+Plumbing&ie=UTF-8&ei=made-up&start=10&sa=N")
    assert google.next_page(load("search/google/serp-page-2.html", PAGE2_URL)) is None


def test_search_url():
    assert google.search_url("Acme Plumbing") == PAGE1_URL
    assert google.search_url("Acme Plumbing", page=3) == f"{SEARCH}?q=Acme+Plumbing&start=20"
    assert google.search_url("Acme", base="http://127.0.0.1:8123") == "http://127.0.0.1:8123/search?q=Acme"
    with pytest.raises(ValueError):
        google.search_url("Acme", page=0)


def test_module_contract():
    assert (google.SITE, google.KIND) == ("google", "search")
    assert google.start_url(PAGE1_URL) == PAGE1_URL
