"""The site registry other code looks extractors up in."""

from __future__ import annotations

import pytest

import spiders.pages as pages


def test_sites_and_modules():
    assert {"trustpilot", "jsonld"} <= set(pages.SITES) and "blocked" not in pages.SITES
    assert list(pages.SITES) == sorted(pages.SITES)
    for site in pages.SITES:
        module = pages.get(site)
        assert module.SITE == site
        assert callable(module.extract) and callable(module.next_page) and callable(module.start_url)


def test_unknown_site_names_the_known_ones():
    with pytest.raises(KeyError) as caught:
        pages.get("myspace")
    assert str(caught.value).startswith("unknown site 'myspace'; known sites: ")
    assert "trustpilot" in str(caught.value)


@pytest.mark.parametrize("name", ["_ld", "blocked", "", "../trustpilot"])
def test_only_site_keys_resolve(name):
    with pytest.raises(KeyError):
        pages.get(name)
