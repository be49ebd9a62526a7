"""The table of sites: every row has its page module and spider, and the README's tables are made from it."""

from __future__ import annotations

import os
import pkgutil

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

import repscan.spiders.pages as pages
from helpers import ROOT
from repscan.core import sites

HELPER_MODULES = {"blocked", "common"}  # page-side modules that are not a site's: block detection, the shared helpers


def test_every_row_has_a_page_module_and_every_page_module_a_row():
    modules = {info.name for info in pkgutil.iter_modules(pages.__path__) if not info.name.startswith("_")}
    assert {site.module for site in sites.TABLE} == modules - HELPER_MODULES


def test_every_source_has_a_spider_under_its_key():
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["repscan.spiders"]}))
    assert set(loader.list()) == set(sites.keys("source")) | {"search"}
    for key in sites.keys("source"):
        spider = loader.load(key)
        own = sites.get(key).spider
        assert (spider.__name__ == own) if own else spider.__module__ == "repscan.spiders.sources", key


def test_keys_are_unique_and_sorted_by_kind():
    assert len(sites.SITES) == len(sites.TABLE)
    assert sites.keys() == sorted(sites.keys("source") + sites.keys("search"))
    assert "trustpilot" in sites.keys("source") and "duckduckgo" in sites.keys("search")


def test_credentials_are_environment_variables():
    for site in sites.TABLE:
        assert all(name.startswith("REPSCAN_") and name.isupper() for name in site.credentials), site.key
        assert site.key in sites.keys("search") or site.robots or site.robots_why, site.key


def test_every_source_row_says_its_layouts_and_fetch_mode():
    for site in sites.TABLE:
        if site.kind == "source":
            assert site.layouts and site.fetch in site.fetch_modes, site.key
            assert site.fetch_modes == (("http",) if site.credentials or not site.robots else sites.FETCH_MODES), site.key
    assert sites.get("facebook-graph").fetch_modes == ("http",) and sites.get("feed").fetch_modes == ("http",)
    assert sites.get("jsonld").fetch_modes == ("http", "browser", "api")
    assert sites.get("twitter").fetch_cell == "`http` (an API or feed)"
    assert sites.get("yelp").fetch_cell.startswith("`http`: the reviews are in the served page")


def test_labels():
    assert sites.label("google-maps") == "Google Maps"
    assert sites.label("trustpilot") == "Trustpilot"
    assert sites.label("ripoffreport") == "Ripoff Report"
    assert sites.label("some_forum") == "Some Forum"
    assert sites.label(None) == ""


def test_unknown_site_names_the_known_ones():
    with pytest.raises(KeyError) as caught:
        sites.get("myspace")
    assert str(caught.value).startswith("unknown site 'myspace'; known sites: appstore, bbb")


@pytest.mark.parametrize("kind", ["source", "search"])
def test_readme_tables_are_made_from_the_table(kind):
    """REPSCAN_UPDATE_DOCS=1 rewrites the README's table from the site table."""
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    begin, end = f"<!-- sites:{kind} -->\n", f"<!-- /sites:{kind} -->\n"
    assert begin in readme and end in readme, f"README.md lacks the {begin.strip()} ... {end.strip()} markers"
    start, stop = readme.index(begin) + len(begin), readme.index(end)
    table = sites.markdown(kind)
    if os.environ.get("REPSCAN_UPDATE_DOCS") and readme[start:stop] != table:
        readme_path.write_text(readme[:start] + table + readme[stop:], encoding="utf-8")
        readme = readme_path.read_text(encoding="utf-8")
    assert readme[start:stop] == table, "README.md's table differs from repscan/core/sites.py (REPSCAN_UPDATE_DOCS=1 rewrites it)"
