"""DuckDuckGo beyond its cases (tests/cases/duckduckgo): ads and redirects, the query, edited pages, search URLs."""

from __future__ import annotations

import pytest

from helpers import case
from repscan.spiders import pages
from repscan.spiders.pages import duckduckgo

HTML = "https://html.duckduckgo.com/html/"
LITE = "https://lite.duckduckgo.com/lite/"
PAGE1_URL = f"{HTML}?q=Acme+Plumbing"
PAGE2_URL = (f"{HTML}?q=Acme+Plumbing&s=10&nextParams=&v=l&o=json&dc=8&api=d.js"
             "&vqd=4-211736493946513412845213097318734509823&kl=wt-wt")

HTML_PAGE1, LITE_PAGE1 = case("duckduckgo/html-page-1"), case("duckduckgo/lite-page-1")
NOT_RESULTS = ("y.js", "rapidrooter", "wikipedia", "feedback", "duckduckgo.com")


@pytest.mark.parametrize("name", ["html-page-1", "html-page-2", "lite-page-1"])
def test_ads_zero_click_and_redirects_are_not_results(name):
    urls = [item["url"] for item in case(f"duckduckgo/{name}").expected]
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


def test_a_sponsored_lite_row_is_no_result_even_with_a_direct_link(respond):
    page = LITE_PAGE1.body.decode().replace(
        "https://duckduckgo.com/y.js?ad_domain=rapidrooter.example&amp;ad_provider=bingv7aa&amp;rut=9a8b7c",
        "https://rapidrooter.example/")
    assert duckduckgo.extract(respond(page, LITE)) == LITE_PAGE1.expected


def test_the_given_query_wins():
    items = duckduckgo.extract(HTML_PAGE1.response(), query="acme plumbing rochester")
    assert {item["query"] for item in items} == {"acme plumbing rochester"}


def test_redirects_unwrap_when_served_from_a_local_server():
    local = "http://127.0.0.1:8123/html/?q=Acme+Plumbing"
    assert duckduckgo.extract(HTML_PAGE1.response(local)) == HTML_PAGE1.expected


def test_next_form_without_a_label_is_found_by_its_offset(respond):
    body = HTML_PAGE1.body.decode().replace('value="Next"', 'value="Weiter"')
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
    assert pages.get("duckduckgo").start_url(PAGE1_URL) == PAGE1_URL  # the contract's default
