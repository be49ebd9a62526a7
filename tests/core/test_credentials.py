"""A source's view of the environment: default variable names read the variables the source names instead."""

from __future__ import annotations

from repscan.core import sites
from repscan.core.credentials import RENDERING_API_KEY, Environment, RefreshGrant, variables


def test_a_default_name_reads_the_variable_the_source_names():
    environ = {"ACME_FB_TOKEN": "acme-value", "REPSCAN_FACEBOOK_PAGE_TOKEN": "process-wide", "OTHER": "x"}
    acme = Environment(environ, {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_TOKEN"})
    assert acme["REPSCAN_FACEBOOK_PAGE_TOKEN"] == "acme-value" and acme.get("OTHER") == "x"
    assert Environment(environ)["REPSCAN_FACEBOOK_PAGE_TOKEN"] == "process-wide"
    assert Environment({}, {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_TOKEN"}).get("REPSCAN_FACEBOOK_PAGE_TOKEN") is None
    assert acme.name("REPSCAN_FACEBOOK_PAGE_TOKEN") == "ACME_FB_TOKEN" and acme.name("OTHER") == "OTHER"


def test_messages_name_the_variables_the_source_reads():
    acme = Environment({}, {"REPSCAN_REDDIT_CLIENT_ID": "ACME_REDDIT_ID"})
    assert acme.explain("REPSCAN_REDDIT_CLIENT_ID and REPSCAN_REDDIT_CLIENT_SECRET") == \
        "ACME_REDDIT_ID and REPSCAN_REDDIT_CLIENT_SECRET"


def test_a_value_obtained_during_the_crawl_reads_under_its_default_name_and_no_repr_shows_a_value():
    acme = Environment({"ACME_SECRET": "s3cr3t"}, {"REPSCAN_X": "ACME_SECRET"})
    fresh = acme.with_value("REPSCAN_GOOGLE_BUSINESS_TOKEN", "ya29.fresh")
    assert fresh["REPSCAN_GOOGLE_BUSINESS_TOKEN"] == "ya29.fresh" and "REPSCAN_GOOGLE_BUSINESS_TOKEN" not in acme
    assert set(fresh) == {"ACME_SECRET", "REPSCAN_X", "REPSCAN_GOOGLE_BUSINESS_TOKEN"}
    assert "s3cr3t" not in repr(acme) and "ya29" not in repr(fresh)
    grant = RefreshGrant("https://oauth2.example/token", "client-id", "client-secret", "refresh-token", "REPSCAN_T")
    assert "secret" not in repr(grant).replace("client_secret", "") and "refresh-token" not in repr(grant)


def test_the_variables_a_source_reads_add_the_rendering_key_in_api_mode():
    yelp, graph = sites.get("yelp"), sites.get("facebook-graph")
    assert variables(yelp, "http") == () and variables(yelp, "api") == (RENDERING_API_KEY,)
    assert variables(graph, "http") == ("REPSCAN_FACEBOOK_PAGE_TOKEN",)


def test_every_variable_repscan_reads_for_itself_is_out_of_a_source_s_reach():
    # A rename never reaches repscan's own settings: the list of them is complete (every REPSCAN_ name in the code
    # is a setting, a site's credential, or the rendering key).
    import re
    from pathlib import Path

    from repscan.core.credentials import SETTINGS

    root = Path(__file__).resolve().parents[2]
    named = {name for folder in ("repscan", "spiders", "reports") for path in (root / folder).rglob("*.py")
             for name in re.findall(r"[\"'](REPSCAN_[A-Z0-9_]+)[\"']", path.read_text(encoding="utf-8"))}
    known = {*SETTINGS, RENDERING_API_KEY,
             *(v for site in sites.SITES.values() for v in site.credentials + site.reply_credentials)}
    assert named and named <= known, sorted(named - known)
