"""DuckDuckGo html and lite layouts: every field of every result, redirects, ads, pages."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import LayoutError, duckduckgo

HTML = "https://html.duckduckgo.com/html/"
LITE = "https://lite.duckduckgo.com/lite/"
PAGE1_URL = f"{HTML}?q=Acme+Plumbing"
PAGE2_URL = (f"{HTML}?q=Acme+Plumbing&s=10&nextParams=&v=l&o=json&dc=8&api=d.js"
             "&vqd=4-211736493946513412845213097318734509823&kl=wt-wt")

OWN = "https://www.acmeplumbing.example/"
RIPOFF = ("https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/"
          "acme-plumbing-overcharged-for-a-water-heater-rochester-new-york-1523377")
TRUSTPILOT = "https://www.trustpilot.com/review/acmeplumbing.example"
BBB = "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711/complaints"
REDDIT = "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/"
PATCH = "https://patch.com/new-york/rochester/rochester-plumber-fined-over-botched-water-heater-installs"
FACEBOOK = "https://www.facebook.com/acmeplumbing"

OWN_TITLE = "Acme Plumbing – Emergency Plumbers in Rochester, NY"
OWN_SNIPPET = ("Family-run plumbers serving Rochester since 1998. 24/7 emergency call-outs, water heater "
               "repair and drain cleaning.")
RIPOFF_TITLE = "Ripoff Report | Acme Plumbing Complaint Review Rochester, New York"
RIPOFF_SNIPPET = "Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"
TRUSTPILOT_TITLE = "Acme Plumbing Reviews | Read Customer Service Reviews of acmeplumbing.example"
TRUSTPILOT_SNIPPET = ("Do you agree with Acme Plumbing's TrustScore? Voice your opinion today and hear what 212 "
                      "customers have already said.")
BBB_TITLE = "Acme Plumbing | Complaints | Better Business Bureau® Profile"
BBB_SNIPPET = "This business has 9 complaints on file. Read complaint details and the business's responses."


def result(rank, url, displayed_url, title, snippet, query="Acme Plumbing"):
    return {"kind": "search_result", "engine": "duckduckgo", "query": query, "rank": rank, "url": url,
            "displayed_url": displayed_url, "title": title, "snippet": snippet}


HTML_PAGE1 = [
    result(1, OWN, "www.acmeplumbing.example", OWN_TITLE, OWN_SNIPPET),
    result(2, RIPOFF, RIPOFF[len("https://"):], RIPOFF_TITLE, RIPOFF_SNIPPET),
    result(3, TRUSTPILOT, "www.trustpilot.com/review/acmeplumbing.example", TRUSTPILOT_TITLE, TRUSTPILOT_SNIPPET),
    result(4, BBB, BBB[len("https://"):], BBB_TITLE, BBB_SNIPPET),
    result(5, REDDIT, REDDIT[len("https://"):], "Has anyone used Acme Plumbing? : r/Rochester - Reddit",
           "They quoted $300 and billed $1,100. Took three weeks to get a partial refund."),
    result(6, PATCH, PATCH[len("https://"):],
           "Rochester Plumber Fined Over Botched Water Heater Installs | Rochester, NY Patch",
           "State regulators fined Acme Plumbing $15,000 after inspectors found 14 unpermitted installs."),
    result(7, FACEBOOK, "www.facebook.com/acmeplumbing", "Acme Plumbing | Rochester NY - Facebook",
           "Acme Plumbing, Rochester. 1,204 likes · 12 talking about this. Plumbing, heating and drains since 1998."),
]

HTML_PAGE2 = [
    result(8, "https://www.yelp.com/biz/acme-plumbing-rochester-3", "www.yelp.com/biz/acme-plumbing-rochester-3",
           "ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York - Yelp",
           '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."'),
    result(9, "https://acme-plumbing.pissedconsumer.com/review.html", "acme-plumbing.pissedconsumer.com/review.html",
           "Acme Plumbing Reviews and Complaints | PissedConsumer", "4 reviews and complaints about Acme Plumbing."),
]

LITE_PAGE1 = [
    result(1, OWN, "www.acmeplumbing.example", OWN_TITLE, OWN_SNIPPET),
    result(2, RIPOFF, RIPOFF[len("https://"):], RIPOFF_TITLE, RIPOFF_SNIPPET),
    result(3, "https://www.acmefishbar.example/menu", "www.acmefishbar.example/menu", "Acme Fish Bar – Menu",
           "The best scampi in Rochester, fried to order. Open Tuesday to Sunday."),
    result(4, TRUSTPILOT, "www.trustpilot.com/review/acmeplumbing.example", TRUSTPILOT_TITLE, TRUSTPILOT_SNIPPET),
    result(5, BBB, BBB[len("https://"):], BBB_TITLE, BBB_SNIPPET),
]

NOT_RESULTS = ("y.js", "rapidrooter", "wikipedia", "feedback", "duckduckgo.com")


def test_html_page_1(load):
    assert duckduckgo.extract(load("search/duckduckgo/html-page-1.html", PAGE1_URL)) == HTML_PAGE1


def test_html_page_2_ranks_continue_from_dc(load):
    # dc=8 says the page starts at result 8, although s=10: ranks follow dc.
    assert duckduckgo.extract(load("search/duckduckgo/html-page-2.html", PAGE2_URL)) == HTML_PAGE2


def test_lite_page_1_query_from_the_search_box(load):
    # Lite pages are POSTed: the URL has no q=, the query comes from the page's own search box.
    assert duckduckgo.extract(load("search/duckduckgo/lite-page-1.html", LITE)) == LITE_PAGE1


@pytest.mark.parametrize("name, url", [
    ("html-page-1.html", PAGE1_URL), ("html-page-2.html", PAGE2_URL), ("lite-page-1.html", LITE),
])
def test_ads_zero_click_and_redirects_are_not_results(load, name, url):
    urls = [item["url"] for item in duckduckgo.extract(load(f"search/duckduckgo/{name}", url))]
    assert urls and not [u for u in urls if any(marker in u for marker in NOT_RESULTS)]
    assert all(u.startswith("https://") for u in urls)


@pytest.mark.parametrize("row", [
    '<div class="result results_links result--ad"><h2><a class="result__a" href="https://rapidrooter.example/">'
    "Rapid Rooter</a></h2></div>",
    '<div class="result--ad"><div class="result results_links"><h2><a class="result__a" '
    'href="https://rapidrooter.example/">Rapid Rooter</a></h2></div></div>',
])
def test_a_row_marked_as_an_ad_is_no_result_even_with_a_direct_link(respond, row):
    organic = ('<div class="result results_links web-result"><h2><a class="result__a" '
               'href="https://www.acmeplumbing.example/">Acme Plumbing</a></h2></div>')
    items = duckduckgo.extract(respond(f'<html><body><div id="links">{row}{organic}</div></body></html>', PAGE1_URL))
    assert [(item["rank"], item["url"]) for item in items] == [(1, "https://www.acmeplumbing.example/")]


def test_a_sponsored_lite_row_is_no_result_even_with_a_direct_link(load, respond):
    page = load("search/duckduckgo/lite-page-1.html", LITE).text.replace(
        "https://duckduckgo.com/y.js?ad_domain=rapidrooter.example&amp;ad_provider=bingv7aa&amp;rut=9a8b7c",
        "https://rapidrooter.example/")
    assert duckduckgo.extract(respond(page, LITE)) == LITE_PAGE1


def test_the_given_query_wins(load):
    items = duckduckgo.extract(load("search/duckduckgo/html-page-1.html", PAGE1_URL), query="acme plumbing rochester")
    assert {item["query"] for item in items} == {"acme plumbing rochester"}


def test_redirects_unwrap_when_served_from_a_local_server(load):
    local = "http://127.0.0.1:8123/html/?q=Acme+Plumbing"
    assert duckduckgo.extract(load("search/duckduckgo/html-page-1.html", local)) == HTML_PAGE1


def test_no_results_page_is_empty_not_an_error(load):
    assert duckduckgo.extract(load("search/duckduckgo/html-no-results.html", f"{HTML}?q=xyzzy")) == []


@pytest.mark.parametrize("body", [
    "<html><body><h1>DuckDuckGo</h1><p>Something else entirely.</p></body></html>",
    '<html><body><div id="links"><div class="web-result-new"><a href="/x">x</a></div></div></body></html>',
])
def test_a_foreign_page_is_a_layout_error(respond, body):
    with pytest.raises(LayoutError, match="duckduckgo"):
        duckduckgo.extract(respond(body, PAGE1_URL))


def test_next_page_html_form_becomes_a_get_url(load):
    assert duckduckgo.next_page(load("search/duckduckgo/html-page-1.html", PAGE1_URL)) == PAGE2_URL


def test_next_page_lite_form(load):
    assert duckduckgo.next_page(load("search/duckduckgo/lite-page-1.html", LITE)) == (
        f"{LITE}?q=Acme+Plumbing&s=5&nextParams=&v=l&o=json&dc=6&api=d.js"
        "&vqd=4-58120733411698264077134218539421705322&kl=wt-wt")


def test_last_page_with_only_a_previous_form_has_no_next(load):
    assert duckduckgo.next_page(load("search/duckduckgo/html-page-2.html", PAGE2_URL)) is None
    assert duckduckgo.next_page(load("search/duckduckgo/html-no-results.html", f"{HTML}?q=xyzzy")) is None


def test_next_form_without_a_label_is_found_by_its_offset(load, respond):
    body = load("search/duckduckgo/html-page-1.html", PAGE1_URL).text.replace('value="Next"', 'value="Weiter"')
    assert duckduckgo.next_page(respond(body, PAGE1_URL)) == PAGE2_URL


def test_search_url():
    assert duckduckgo.search_url("Acme Plumbing") == PAGE1_URL
    assert duckduckgo.search_url("Acme Plumbing", layout="lite") == f"{LITE}?q=Acme+Plumbing"
    assert duckduckgo.search_url("Acme & Sons", base="http://127.0.0.1:8123") == (
        "http://127.0.0.1:8123/html/?q=Acme+%26+Sons")
    assert duckduckgo.search_url("Acme", base="http://127.0.0.1:8123/ddg/", layout="lite") == (
        "http://127.0.0.1:8123/ddg/lite/?q=Acme")
    assert duckduckgo.search_url("Acme", base="https://lite.duckduckgo.com") == f"{LITE}?q=Acme"
    assert duckduckgo.search_url("Acme", base="https://lite.duckduckgo.com", layout="html") == (
        "https://lite.duckduckgo.com/html/?q=Acme")
    assert duckduckgo.search_url("Acme", page=2) == f"{HTML}?q=Acme&s=10&dc=11"
    assert duckduckgo.search_url("Acme", page=3) == f"{HTML}?q=Acme&s=25&dc=26"


@pytest.mark.parametrize("kwargs", [{"layout": "full"}, {"page": 0}, {"base": "127.0.0.1:8123"}])
def test_search_url_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        duckduckgo.search_url("Acme", **kwargs)


def test_module_contract():
    assert (duckduckgo.SITE, duckduckgo.KIND) == ("duckduckgo", "search")
    assert duckduckgo.start_url(PAGE1_URL) == PAGE1_URL
