"""Bing result pages: every field of every organic result, ck/a unwrapping, what is left out."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import LayoutError, bing

SEARCH = "https://www.bing.com/search"
PAGE1_URL = f"{SEARCH}?q=Acme+Plumbing"
PAGE2_URL = f"{SEARCH}?q=Acme+Plumbing&first=11&FORM=PORE"

OWN = "https://www.acmeplumbing.example/"
RIPOFF = ("https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/"
          "acme-plumbing-overcharged-for-a-water-heater-rochester-new-york-1523377")
TRUSTPILOT = "https://www.trustpilot.com/review/acmeplumbing.example"
BBB = "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711/complaints"
REDDIT = "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/"
FACEBOOK = "https://www.facebook.com/acmeplumbing"


def result(rank, url, displayed_url, title, snippet, query="Acme Plumbing"):
    return {"kind": "search_result", "engine": "bing", "query": query, "rank": rank, "url": url,
            "displayed_url": displayed_url, "title": title, "snippet": snippet}


PAGE1 = [
    result(1, OWN, "https://www.acmeplumbing.example", "Acme Plumbing – Emergency Plumbers in Rochester, NY",
           "Family-run plumbers serving Rochester since 1998. 24/7 emergency call-outs, water heater repair and "
           "drain cleaning."),
    result(2, RIPOFF, "https://www.ripoffreport.com › reports › acme-plumbing › rochester-new-york",
           "Ripoff Report | Acme Plumbing Complaint Review Rochester, New York",
           "Feb 11, 2026 · Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"),
    result(3, TRUSTPILOT, "https://www.trustpilot.com › review › acmeplumbing.example",
           "Acme Plumbing Reviews | Read Customer Service Reviews of acmeplumbing.example",
           "Do you agree with Acme Plumbing's TrustScore? Voice your opinion today and hear what 212 customers have "
           "already said."),
    result(4, BBB, "https://www.bbb.org › us › ny › rochester › profile › plumber",
           "Acme Plumbing | Complaints | Better Business Bureau® Profile",
           "This business has 9 complaints on file. Read complaint details and the business's responses."),
    result(5, REDDIT, "https://www.reddit.com › r › Rochester › comments",
           "Has anyone used Acme Plumbing? : r/Rochester - Reddit",
           "They quoted $300 and billed $1,100. Took three weeks to get a partial refund."),
    result(6, FACEBOOK, "https://www.facebook.com › acmeplumbing", "Acme Plumbing | Rochester NY - Facebook",
           "Acme Plumbing, Rochester. 1,204 likes · 12 talking about this. Plumbing, heating and drains since 1998."),
]

PAGE2 = [
    result(11, "https://www.yelp.com/biz/acme-plumbing-rochester-3",
           "https://www.yelp.com › biz › acme-plumbing-rochester-3",
           "ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York - Yelp",
           '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."'),
    result(12, "https://acme-plumbing.pissedconsumer.com/review.html",
           "https://acme-plumbing.pissedconsumer.com › review.html",
           "Acme Plumbing Reviews and Complaints | PissedConsumer", "4 reviews and complaints about Acme Plumbing."),
]


def test_page_1(load):
    assert bing.extract(load("search/bing/serp-page-1.html", PAGE1_URL)) == PAGE1


def test_page_2_ranks_follow_first(load):
    assert bing.extract(load("search/bing/serp-page-2.html", PAGE2_URL)) == PAGE2


def test_ads_answers_videos_related_and_sidebar_are_left_out(load):
    urls = [item["url"] for item in bing.extract(load("search/bing/serp-page-1.html", PAGE1_URL))]
    for absent in ("rapidrooter", "aclk", "angi.com", "youtube.com", "q=acme+plumbing", "yelp.com",
                   "water-heaters", "bing.com"):
        assert not [u for u in urls if absent in u], absent


def test_ck_links_unwrap_on_a_local_server_too(load, respond):
    body = load("search/bing/serp-page-1.html", PAGE1_URL).text.replace("https://www.bing.com/ck/a", "/ck/a")
    assert bing.extract(respond(body, "http://127.0.0.1:8123/search?q=Acme+Plumbing")) == PAGE1


@pytest.mark.parametrize("u, expected", [
    ("a1aHR0cHM6Ly93d3cueW91dHViZS5jb20vd2F0Y2g_dj1BY21lVmlkMDAwMQ", "https://www.youtube.com/watch?v=AcmeVid0001"),
    ("a1%%%not-base64", None),
    ("a1amF2YXNjcmlwdDphbGVydCgxKQ", None),
    ("b2aHR0cHM6Ly93d3cueW91dHViZS5jb20v", None),
])
def test_unwrapping_a_ck_link(respond, u, expected):
    link = f"https://www.bing.com/ck/a?!&&p=x&u={u}&ntb=1"
    page = (f'<html><body><ol id="b_results"><li class="b_algo"><h2><a href="{link.replace("&", "&amp;")}">T</a>'
            '</h2></li></ol></body></html>')
    [item] = bing.extract(respond(page, PAGE1_URL))
    # Undecodable or non-web targets keep the click link rather than invent a URL.
    assert item["url"] == (expected or link)


def test_no_results_page_is_empty(load):
    assert bing.extract(load("search/bing/no-results.html", f"{SEARCH}?q=xyzzy")) == []


def test_a_page_without_results_list_is_a_layout_error(load):
    with pytest.raises(LayoutError, match="b_results"):
        bing.extract(load("search/duckduckgo/html-page-1.html", PAGE1_URL))


def test_next_page(load):
    assert bing.next_page(load("search/bing/serp-page-1.html", PAGE1_URL)) == (
        "https://www.bing.com/search?q=Acme+Plumbing&first=11&FORM=PORE")
    assert bing.next_page(load("search/bing/serp-page-2.html", PAGE2_URL)) is None
    assert bing.next_page(load("search/bing/no-results.html", f"{SEARCH}?q=xyzzy")) is None


def test_search_url():
    assert bing.search_url("Acme Plumbing") == PAGE1_URL
    assert bing.search_url("Acme Plumbing", page=2) == f"{SEARCH}?q=Acme+Plumbing&first=11"
    assert bing.search_url("Acme", base="http://127.0.0.1:8123", page=3) == (
        "http://127.0.0.1:8123/search?q=Acme&first=21")
    with pytest.raises(ValueError):
        bing.search_url("Acme", page=0)


def test_module_contract():
    assert (bing.SITE, bing.KIND) == ("bing", "search")
    assert bing.start_url(PAGE1_URL) == PAGE1_URL
