"""The site registry other code looks extractors up in."""

from __future__ import annotations

import pytest

import repscan.spiders.pages as pages


def test_sites_and_modules():
    assert {"trustpilot", "jsonld"} <= set(pages.SITES) and "blocked" not in pages.SITES
    assert list(pages.SITES) == sorted(pages.SITES)
    for site in pages.SITES:
        module = pages.get(site)
        assert module.SITE == site
        # The contract's parts: extract and next_page of its own, the rest perhaps from the defaults.
        assert callable(module.module.extract) and callable(module.module.next_page)
        assert callable(module.start_url) and callable(module.start_urls) and callable(module.request_headers)


def test_defaults_fill_what_a_page_module_leaves_out():
    sitejabber = pages.get("sitejabber")  # defines extract and next_page only
    url = "https://www.sitejabber.com/reviews/x.example"
    assert not hasattr(sitejabber.module, "start_url") and sitejabber.start_url(url) == url
    assert sitejabber.start_urls(url) == [url]
    assert sitejabber.request_headers({}) == {}
    assert not hasattr(sitejabber.module, "request_headers")


def test_unknown_site_names_the_known_ones():
    with pytest.raises(KeyError) as caught:
        pages.get("myspace")
    assert str(caught.value).startswith("unknown site 'myspace'; known sites: ")
    assert "trustpilot" in str(caught.value)


@pytest.mark.parametrize("name", ["common", "blocked", "", "../trustpilot"])
def test_only_site_keys_resolve(name):
    with pytest.raises(KeyError):
        pages.get(name)
