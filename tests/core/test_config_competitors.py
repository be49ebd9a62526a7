"""Competitors in the config: loaded with a lower default cadence, keyed apart from clients, and every bad field
named with its file, line and field."""

from __future__ import annotations

import pytest

from competitor_config import CONFIG, write
from repscan.core import competitors
from repscan.core.config import ConfigError, load


def test_competitors_load_keyed_apart_with_the_clients_threshold_and_a_daily_default(tmp_path):
    config = load(write(tmp_path, CONFIG))
    client = config.client("acme")
    bolt, pipe = client.rivals
    assert (bolt.id, pipe.id) == ("acme:bolt", "acme:pipe")
    assert bolt.crawl_schedule == competitors.SCHEDULE == "0 3 * * *" and pipe.crawl_schedule == "0 5 * * 1"
    assert bolt.negative_threshold == 0.6 and bolt.timezone == "Europe/Bucharest"
    assert bolt.recipients == [] and bolt.alert_recipients == [] and bolt.apprise == []
    assert bolt.names == ["Bolt Plumbing", "Bolt"] and bolt.queries == ["Bolt Plumbing"]
    assert [c.id for c in config.crawled()] == ["acme", "acme:bolt", "acme:pipe"]
    assert config.subject("acme:pipe").sources[0].site == "jsonld"
    assert [c.id for c in config.clients] == ["acme"]  # never a client: no report, no email
    with pytest.raises(KeyError):
        config.subject("acme:nobody")
    with pytest.raises(KeyError):
        config.client("acme:bolt")


@pytest.mark.parametrize("old,new,expected", [
    ('url = "https://pipepros.example/reviews"', 'url = "ftp://pipepros.example/reviews"',
     ":34: clients[acme].competitors[pipe].sources[0].url: 'ftp://pipepros.example/reviews' is not an http(s) URL"),
    ('site = "jsonld"', 'site = "nowhere"', ":33: clients[acme].competitors[pipe].sources[0].site: unknown site"),
    ('crawl_schedule = "0 5 * * 1"', 'crawl_schedule = "daily"',
     ":30: clients[acme].competitors[pipe].crawl_schedule: a cron expression has 5 fields"),
    ('id = "pipe"', 'id = "Pipe Pros"', ":28: clients[acme].competitors[Pipe Pros].id: 'Pipe Pros': use lowercase letters"),
    ('id = "pipe"', 'id = "bolt"', ":28: clients[acme].competitors[bolt].id: competitor id 'bolt' is used twice"),
    ('name = "Pipe Pros"', 'name = "Pipe Pros"\nrecipients = ["a@pipe.example"]',
     ":30: clients[acme].competitors[pipe].recipients: unknown field"),
    ('name = "Pipe Pros"', 'name = "Pipe Pros"\napi_token = "x"',
     ":30: clients[acme].competitors[pipe].api_token: secrets never go in the config file"),
])
def test_each_bad_competitor_field_is_named_with_file_and_line(tmp_path, old, new, expected):
    path = write(tmp_path, CONFIG.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert any(problem.startswith(f"{path}{expected}") for problem in caught.value.problems), caught.value.problems


def test_config_check_reads_the_competitors_sources_too(tmp_path):
    from repscan.app.checks import check

    path = write(tmp_path, CONFIG.replace('url = "https://www.trustpilot.com/review/bolt.example"',
                                          'url = "https://www.yelp.com/biz/bolt-plumbing"', 1))
    findings = check(load(path), {"REPSCAN_SMTP_URL": "smtp://127.0.0.1:2525"})
    errors = [finding for finding in findings if finding.level == "error"]  # acme's contact warning aside
    assert [(f.level, f.where) for f in errors] == [("error", f"{path}:25: clients[acme].competitors[bolt].sources[0].url")]
    assert 'is a Yelp page, not Trustpilot: use site = "yelp"' in errors[0].message
