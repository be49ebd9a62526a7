"""The one config writer (repscan.app.configfile): valid TOML that reads back to the values given."""

from __future__ import annotations

import tomllib

import pytest

from repscan.app.configfile import config_text, write_config
from repscan.app.demo import demo_config
from repscan.core.config import load

CLIENT = {"id": "acme", "name": 'Acme "Best" Plumbing – Zürich', "aliases": [], "recipients": ["o@acme.example"],
          "sources": [{"site": "trustpilot", "url": "https://t.example/review/acme"},
                      {"site": "jsonld", "url": "https://acme.example/reviews", "max_pages": 2}]}


def test_values_read_back_as_given(tmp_path):
    sections = dict(agency={"name": "A\\gency\n", "sender": "r@agency.example", "branding": {"primary_color": "#1f3a5f"}},
                    crawl={"download_delay": 0.5, "autothrottle": False, "timeout": 5, "retries": 2},
                    search={"engines": ["duckduckgo"], "base_urls": {"duckduckgo": "http://127.0.0.1:1"}},
                    dispatch={"poll": 0.3, "feeds": None}, nodes=[{"url": "http://n.example:6800", "slots": 2}],
                    clients=[CLIENT])
    parsed = tomllib.loads(config_text(**sections))
    assert parsed == {**{k: v for k, v in sections.items() if k != "dispatch"}, "dispatch": {"poll": 0.3}}
    cfg = load(write_config(tmp_path, **sections))  # a folder: its repscan.toml
    assert [s.site for s in cfg.client("acme").sources] == ["trustpilot", "jsonld"]


def test_one_blank_line_between_tables_and_a_leading_comment():
    text = config_text(comment="made by a test", agency={"name": "A", "sender": "a@b.example"}, clients=[CLIENT])
    assert text.startswith("# made by a test\n[agency]\nname = \"A\"\n")
    assert "\n\n[[clients]]\n" in text and "\n\n[[clients.sources]]\nsite = \"jsonld\"\n" in text
    assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")


def test_what_toml_cannot_hold_is_refused():
    for bad in (float("nan"), {1, 2}, None.__class__):
        with pytest.raises((TypeError, ValueError)):
            config_text(agency={"name": "A", "sender": "a@b.example", "x": [bad]})


def test_the_demo_config_names_its_site_everywhere():
    parsed = tomllib.loads(demo_config("http://127.0.0.1:8734"))
    assert parsed["search"]["base_urls"] == {"duckduckgo": "http://127.0.0.1:8734"}
    assert [(s["site"], s["url"]) for s in parsed["clients"][0]["sources"]] == [
        ("trustpilot", "http://127.0.0.1:8734/review/harbourlanebakery.example"),
        ("jsonld", "http://127.0.0.1:8734/reviews"),
        ("facebook", "http://127.0.0.1:8734/HarbourLaneBakery"),
        ("reddit", "http://127.0.0.1:8734/search.rss?q=%22Harbour+Lane+Bakery%22&sort=new"),
        ("feed", "http://127.0.0.1:8734/alerts/feeds/00000000000000000001/0000000000000000002")]
