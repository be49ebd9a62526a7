"""Bing beyond its cases (tests/cases/bing): what is left out, ck/a unwrapping, search URLs."""

from __future__ import annotations

import pytest

from helpers import case
from repscan.spiders import pages
from repscan.spiders.pages import bing

SEARCH = "https://www.bing.com/search"
PAGE1_URL = f"{SEARCH}?q=Acme+Plumbing"
PAGE2_URL = f"{SEARCH}?q=Acme+Plumbing&first=11&FORM=PORE"

PAGE1 = case("bing/serp-page-1")


def test_ads_answers_videos_related_and_sidebar_are_left_out():
    urls = [item["url"] for item in PAGE1.expected]
    for absent in ("rapidrooter", "aclk", "angi.com", "youtube.com", "q=acme+plumbing", "yelp.com",
                   "water-heaters", "bing.com"):
        assert not [u for u in urls if absent in u], absent


def test_ck_links_unwrap_on_a_local_server_too(respond):
    body = PAGE1.body.decode().replace("https://www.bing.com/ck/a", "/ck/a")
    assert bing.extract(respond(body, "http://127.0.0.1:8123/search?q=Acme+Plumbing")) == PAGE1.expected


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


def test_search_url():
    assert bing.search_url("Acme Plumbing") == PAGE1_URL
    assert bing.search_url("Acme Plumbing", page=2) == f"{SEARCH}?q=Acme+Plumbing&first=11"
    assert bing.search_url("Acme", base="http://127.0.0.1:8123", page=3) == (
        "http://127.0.0.1:8123/search?q=Acme&first=21")
    with pytest.raises(ValueError):
        bing.search_url("Acme", page=0)


def test_module_contract():
    assert (bing.SITE, bing.KIND) == ("bing", "search")
    assert pages.get("bing").start_url(PAGE1_URL) == PAGE1_URL  # the contract's default
