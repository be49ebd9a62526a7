"""A source's fetch mode and the environment variables it reads: defaults from the site's row, errors with file and line."""

from __future__ import annotations

import pytest

from repscan.core.config import ConfigError, load

HEAD = """\
[agency]
name = "Northwind Reputation"
sender = "reports@northwind.example"

[[clients]]
id = "acme"
name = "Acme Plumbing"
recipients = ["owner@acme.example"]
"""


def source(site: str, url: str, *lines: str) -> str:
    return "\n[[clients.sources]]\n" + f'site = "{site}"\nurl = "{url}"\n' + "".join(f"{line}\n" for line in lines)


def load_text(tmp_path, text: str):
    path = tmp_path / "repscan.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load(path)


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    return [problem.split("repscan.toml", 1)[1] for problem in caught.value.problems]



def test_fetch_mode_and_credential_names_load(tmp_path):
    config = load_text(tmp_path, source("jsonld", "https://acme.example/reviews")
                       + source("jsonld", "https://acme.example/widget", 'fetch = "browser"')
                       + source("yelp", "https://www.yelp.com/biz/acme", 'fetch = "api"',
                                'credentials = { REPSCAN_ZYTE_API_KEY = "ACME_ZYTE_KEY" }')
                       + source("facebook-graph", "https://graph.facebook.com/acme",
                                'credentials = { REPSCAN_FACEBOOK_PAGE_TOKEN = "ACME_FB_PAGE_TOKEN" }'))
    plain, widget, yelp, graph = config.clients[0].sources
    assert [s.fetch_mode for s in (plain, widget, yelp, graph)] == ["http", "browser", "api", "http"]
    assert plain.fetch is None and plain.credentials == {}
    assert yelp.credentials == {"REPSCAN_ZYTE_API_KEY": "ACME_ZYTE_KEY"}
    assert graph.credentials == {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_PAGE_TOKEN"}


@pytest.mark.parametrize("text, expected", [
    (source("facebook-graph", "https://graph.facebook.com/acme", 'fetch = "browser"'),
     ":13: clients[acme].sources[0].fetch: facebook-graph is an API or a feed, read over http only (not 'browser')"),
    (source("jsonld", "https://acme.example/reviews", 'fetch = "chrome"'),
     ":13: clients[acme].sources[0].fetch: Input should be 'http', 'browser' or 'api'"),
    (source("facebook-graph", "https://graph.facebook.com/acme", 'credentials = { REPSCAN_FB_TOKEN = "ACME_FB" }'),
     ":13: clients[acme].sources[0].credentials: 'REPSCAN_FB_TOKEN': a facebook-graph source reads "
     "REPSCAN_FACEBOOK_PAGE_TOKEN; name one of those and the variable to read instead"),
    (source("trustpilot", "https://www.trustpilot.com/review/acme.example",
            'credentials = { REPSCAN_ZYTE_API_KEY = "ACME_ZYTE" }'),
     ":13: clients[acme].sources[0].credentials: 'REPSCAN_ZYTE_API_KEY': a trustpilot source reads "
     "REPSCAN_TRUSTPILOT_BUSINESS_TOKEN, REPSCAN_TRUSTPILOT_BUSINESS_USER_ID; "
     "name one of those and the variable to read instead"),
])
def test_a_wrong_fetch_or_credential_is_named_with_file_line_and_field(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


def test_a_credential_pasted_where_its_variable_name_belongs_is_refused_without_repeating_it(tmp_path):
    found = problems(tmp_path, source("facebook-graph", "https://graph.facebook.com/acme",
                                      "[clients.sources.credentials]",
                                      'REPSCAN_FACEBOOK_PAGE_TOKEN = "EAAG-made-up-token.value"'))
    assert found == [":13: clients[acme].sources[0].credentials: REPSCAN_FACEBOOK_PAGE_TOKEN must name an "
                     "environment variable (A-Z, 0-9, _), not hold the credential itself"]
    assert "EAAG" not in "".join(found)


def test_token_keys_elsewhere_are_still_refused_as_secrets(tmp_path):
    found = problems(tmp_path, source("jsonld", "https://acme.example/reviews", 'token = "abc"'))
    assert found == [":13: clients[acme].sources[0].token: secrets never go in the config file; set them in the "
                     "environment (REPSCAN_SMTP_URL, REPSCAN_SMTP_PASSWORD, API keys)"]


@pytest.mark.parametrize("variable", ["HOME", "AWS_SECRET_ACCESS_KEY", "REPSCAN_SMTP_URL", "REPSCAN_SCRAPYD_PASSWORD",
                                      "REPSCAN_GOOGLE_BUSINESS_TOKEN", "BOLT_FB_TOKEN", "REPSCAN_BOLT_FB_TOKEN",
                                      "ACME_", "ACMEFB"])
def test_a_source_reads_only_its_client_s_own_variables(tmp_path, variable):
    # Any other name would let a config send any secret of the process (another client's token, the SMTP password,
    # a cloud key) to a source's URL: refused, named with file, line and field.
    found = problems(tmp_path, source("facebook-graph", "https://graph.facebook.com/acme",
                                      f'credentials = {{ REPSCAN_FACEBOOK_PAGE_TOKEN = "{variable}" }}'))
    assert found == [f":13: clients[acme].sources[0].credentials.REPSCAN_FACEBOOK_PAGE_TOKEN: {variable}: client "
                     "'acme' reads only its own variables, named ACME_... or REPSCAN_ACME_... "
                     "(not repscan's own settings, a site's default name or another program's variables)"]


def test_a_client_s_own_variables_load_and_a_vendor_named_client_keeps_to_its_namespace(tmp_path):
    for variable in ("ACME_FB_TOKEN", "REPSCAN_ACME_FB_TOKEN"):
        graph = load_text(tmp_path, source("facebook-graph", "https://graph.facebook.com/acme",
                                           f'credentials = {{ REPSCAN_FACEBOOK_PAGE_TOKEN = "{variable}" }}'))
        assert graph.clients[0].sources[0].credentials == {"REPSCAN_FACEBOOK_PAGE_TOKEN": variable}
    aws = HEAD.replace('id = "acme"', 'id = "aws"') + source(
        "facebook-graph", "https://graph.facebook.com/aws", 'credentials = { REPSCAN_FACEBOOK_PAGE_TOKEN = "X" }')
    for variable, loads in (("AWS_SECRET_ACCESS_KEY", False), ("REPSCAN_AWS_FB_TOKEN", True)):
        path = tmp_path / "aws.toml"
        path.write_text(aws.replace('"X"', f'"{variable}"'), encoding="utf-8")
        try:
            load(path)
        except ConfigError:
            assert not loads, variable
        else:
            assert loads, variable


def test_an_apprise_url_read_from_the_environment_is_the_client_s_own_variable_too(tmp_path):
    ok = HEAD.replace('recipients = ["owner@acme.example"]',
                      'recipients = ["owner@acme.example"]\napprise = ["$ACME_SLACK_URL"]\nreport_apprise = ["$X"]'
                      '\nqueries = ["Acme Plumbing"]')
    (tmp_path / "repscan.toml").write_text(ok.replace('"$X"', '"$REPSCAN_ACME_TEAMS"'), encoding="utf-8")
    assert load(tmp_path / "repscan.toml").clients[0].apprise == ["$ACME_SLACK_URL"]
    (tmp_path / "repscan.toml").write_text(ok.replace('"$X"', '"$REPSCAN_SMTP_URL"'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path / "repscan.toml")
    assert [p.split("repscan.toml", 1)[1] for p in caught.value.problems] == [
        ":10: clients[acme].report_apprise: REPSCAN_SMTP_URL: client 'acme' reads only its own "
        "variables, named ACME_... or REPSCAN_ACME_... (not repscan's own settings, a site's default name or another "
        "program's variables)"]
