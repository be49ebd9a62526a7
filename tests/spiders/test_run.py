"""Scrapy settings from the config: polite defaults, and the config's overrides on top."""

from helpers import write_config
from repscan import USER_AGENT
from repscan.core.config import load
from repscan.spiders.run import jobs_for, scrapy_settings


def test_polite_defaults_and_overrides(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")], timeout=7))
    settings = scrapy_settings(cfg)
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings["USER_AGENT"] == USER_AGENT and "repscan" in USER_AGENT and "https://" in USER_AGENT
    assert 429 in settings.getlist("RETRY_HTTP_CODES")
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 7
    assert settings.getfloat("DOWNLOAD_DELAY") == 0  # the test config turns politeness delays off
    assert settings["REPSCAN_DATABASE"] == str(tmp_path / "repscan.db")


def test_default_config_is_polite(tmp_path):
    path = tmp_path / "repscan.toml"
    path.write_text('[agency]\nname = "A"\nsender = "a@a.example"\n[[clients]]\nid = "x"\nname = "X"\n'
                    'recipients = ["x@x.example"]\n[[clients.sources]]\nsite = "jsonld"\nurl = "https://x.example/r"\n')
    settings = scrapy_settings(load(path))
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0 and settings.getbool("AUTOTHROTTLE_ENABLED") is True


def test_jobs_filter_by_client_and_site(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/r"), ("jsonld", "https://x.example/r")]))
    assert [j.source.site for j in jobs_for(cfg)] == ["trustpilot", "jsonld"]
    assert [j.source.site for j in jobs_for(cfg, "acme", "jsonld")] == ["jsonld"]
