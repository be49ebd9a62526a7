"""`repscan config check` finds what would fail later: unset SMTP, credentials and Apprise variables, URLs on another site."""

from __future__ import annotations

from helpers import run_cli, write_config
from repscan.app.checks import check
from repscan.core import config

SMTP = {"REPSCAN_SMTP_URL": "smtp://127.0.0.1:2525"}
CONTACT = '\n[clients.replies]\ncontact = "01632 960 000"\n'  # where reply drafts send a customer


def with_contact(path):
    """The config with the client's contact for reply drafts (appended: no line above it moves)."""
    path.write_text(path.read_text() + CONTACT)
    return path


CLEAN = {"REPSCAN_SMTP_URL": "", "REPSCAN_YELP_API_KEY": "", "REPSCAN_REDDIT_CLIENT_ID": "",
         "REPSCAN_REDDIT_CLIENT_SECRET": "", "ACME_SLACK": ""}


def test_a_clean_config_with_its_environment_has_no_findings(tmp_path):
    path = with_contact(write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example"),
                                                ("reddit", "https://www.reddit.com/search.rss?q=acme")]))
    assert check(config.load(path), SMTP) == []
    result = run_cli("--config", str(path), "config", "check", env={**CLEAN, **SMTP})
    assert result.returncode == 0 and "1 clients, 2 sources)" in result.stdout and result.stderr == ""


def test_a_url_of_another_site_is_an_error_naming_the_line(tmp_path):
    path = with_contact(write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example"),
                                                ("trustpilot", "https://www.yelp.com/biz/acme-plumbing-berlin")]))
    findings = check(config.load(path), SMTP)
    assert [(f.level, f.where) for f in findings] == [("error", f"{path}:29: clients[acme].sources[1].url")]
    assert 'is a Yelp page, not Trustpilot: use site = "yelp"' in findings[0].message
    result = run_cli("--config", str(path), "config", "check", env={**CLEAN, **SMTP})
    assert result.returncode == 2 and "ok" not in result.stdout
    assert f"error: {path}:29: clients[acme].sources[1].url: https://www.yelp.com/biz/" in result.stderr


def test_the_most_specific_host_decides():
    from repscan.core import sites

    assert sites.owners("api.yelp.com") == {"yelp-api"} and sites.owners("www.yelp.co.uk") == {"yelp"}
    assert sites.owners("graph.facebook.com") == {"facebook-graph"} and sites.owners("127.0.0.1") == set()


def test_unset_environment_is_a_warning_naming_file_line_and_field(tmp_path):
    path = write_config(tmp_path, [("yelp-api", "https://api.yelp.com/v3/businesses/acme/reviews"),
                                   ("reddit", "https://www.reddit.com/search?q=acme"),
                                   ("reddit", "https://www.reddit.com/search.rss?q=acme")])
    text = path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\napprise = ["$ACME_SLACK"]')
    path.write_text(text)
    found = [str(f) for f in check(config.load(path), {})]
    assert found == [
        f"warning: {path}:20: clients[acme].recipients: email cannot be sent: REPSCAN_SMTP_URL is not set; "
        "set it to smtp+starttls://user:password@host:587, smtps://user:password@host:465 or smtp://host:25",
        f"warning: {path}:25: clients[acme].sources[0].site: yelp-api reads REPSCAN_YELP_API_KEY from the "
        "environment, which is not set: its crawls will fail",
        f"warning: {path}:29: clients[acme].sources[1].site: reddit reads REPSCAN_REDDIT_CLIENT_ID and "
        "REPSCAN_REDDIT_CLIENT_SECRET from the environment, which are not set: its crawls will fail",
        f"warning: {path}:22: clients[acme].apprise: $ACME_SLACK is not set: alerts to apprise[0] cannot be sent",
    ]
    result = run_cli("--config", str(path), "config", "check", env=CLEAN)
    assert result.returncode == 0 and "ok (1 clients, 3 sources, 4 warnings)" in result.stdout
    assert result.stderr.count("warning: ") == 4
    ok = run_cli("--config", str(path), "config", "check",
                 env={**SMTP, "REPSCAN_YELP_API_KEY": "k", "REPSCAN_REDDIT_CLIENT_ID": "i",
                      "REPSCAN_REDDIT_CLIENT_SECRET": "s", "ACME_SLACK": "json://127.0.0.1:9/"})
    assert ok.returncode == 0 and ok.stderr == "" and "warning" not in ok.stdout


def test_each_source_is_checked_under_the_variable_names_it_gives(tmp_path):
    gbp = "https://mybusiness.googleapis.com/v4/accounts/1/locations/2"
    path = write_config(tmp_path, [
        {"site": "facebook-graph", "url": "https://graph.facebook.com/acme",
         "credentials": {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_TOKEN"}},
        {"site": "google-business", "url": gbp},
        {"site": "google-business", "url": gbp,
         "credentials": {"REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN": "ACME_GBP_REFRESH"}},
        {"site": "yelp", "url": "https://www.yelp.com/biz/acme", "fetch": "api",
         "credentials": {"REPSCAN_ZYTE_API_KEY": "ACME_ZYTE_KEY"}},
    ])
    with_contact(path)
    environ = {**SMTP, "REPSCAN_FACEBOOK_PAGE_TOKEN": "set, but not the one acme reads",
               "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID": "id", "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET": "secret"}
    found = [f.message for f in check(config.load(path), environ)]
    assert found == [
        "facebook-graph reads ACME_FB_TOKEN from the environment, which is not set: its crawls will fail",
        "google-business reads REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN from the environment, which is not set: "
        "its crawls will fail",
        "google-business reads ACME_GBP_REFRESH from the environment, which is not set: its crawls will fail",
        "yelp reads ACME_ZYTE_KEY from the environment, which is not set: its crawls will fail",
    ]
    nothing = [f.message for f in check(config.load(path), SMTP)]
    assert nothing[1] == ("google-business reads REPSCAN_GOOGLE_BUSINESS_TOKEN (or REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN, "
                          "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID and REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET) from the "
                          "environment, which is not set: its crawls will fail")
    assert nothing[2].startswith("google-business reads REPSCAN_GOOGLE_BUSINESS_TOKEN (or ACME_GBP_REFRESH, ")
    environ.update(ACME_FB_TOKEN="t", REPSCAN_GOOGLE_BUSINESS_TOKEN="a", ACME_GBP_REFRESH="r", ACME_ZYTE_KEY="k")
    assert check(config.load(path), environ) == []


def test_a_browser_source_on_a_machine_without_chromium_is_a_warning(tmp_path):
    path = with_contact(write_config(tmp_path, [{"site": "jsonld", "url": "https://acme.example/reviews",
                                                 "fetch": "browser"}]))
    found = check(config.load(path), {**SMTP, "REPSCAN_CHROMIUM": "/nonexistent/chromium"})
    assert [(f.level, f.where.rsplit(":", 2)[-2:]) for f in found] == [("warning", ["26", " clients[acme].sources[0].fetch"])]
    assert found[0].message.startswith("fetch = 'browser': ") and "make browser" in found[0].message


def test_the_agencys_reply_templates_are_checked(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")])
    path.write_text(path.read_text() + CONTACT + 'templates = "replies/acme"\n')
    [missing] = check(config.load(path), SMTP)
    assert missing.level == "error" and missing.message.endswith("replies/acme is not a folder")
    assert missing.where.endswith(": clients[acme].replies.templates")
    (tmp_path / "replies" / "acme" / "de").mkdir(parents=True)
    (tmp_path / "replies" / "acme" / "de" / "billing.txt").write_text("Danke {% if name %}{{ name }}.\n")
    (tmp_path / "replies" / "acme" / "de" / "refund.txt").write_text("Geld zurück.\n")
    found = [(f.level, f.message.split(":")[0]) for f in check(config.load(path), SMTP)]
    assert found == [("error", "de/billing.txt"), ("warning", "de/refund.txt is never used")]


def test_an_unset_proxy_credential_is_a_warning_naming_its_line(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")], proxies=[{"url": "http://127.0.0.1:3128", "auth": "ACME_PROXY_AUTH"},
                                               {"url": "http://127.0.0.1:3129"}])
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "ACME_PROXY_AUTH" in text)
    found = [str(f) for f in check(config.load(path), {**SMTP}) if "proxies" in f.where]
    assert found == [f"warning: {path}:{line}: proxies[0].auth: ACME_PROXY_AUTH is not set here: crawls through "
                     "http://127.0.0.1:3128 stop at start-up (on nodes, set it there)"]
    assert not [f for f in check(config.load(path), {**SMTP, "ACME_PROXY_AUTH": "u:p"}) if "proxies" in f.where]


def test_a_client_without_a_reply_contact_is_warned_where_customers_cannot_message_it(tmp_path):
    # Google and Trustpilot reviewers cannot message the business: a draft there needs the client's own contact.
    path = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example"),
                                   ("google-maps", "https://www.google.com/maps/place/?q=place_id:ChIJacme"),
                                   ("facebook", "https://www.facebook.com/acme")])
    [found] = [f for f in check(config.load(path), SMTP) if "replies.contact" in f.where]
    assert found.level == "warning" and found.where == f"{path}:16: clients[acme].replies.contact"
    assert found.message.startswith("not set: reply drafts for Google Maps, Trustpilot cannot take a complaint "
                                    "offline by private message there")
    assert not [f for f in check(config.load(with_contact(path)), SMTP) if "contact" in f.where]
    social = write_config(tmp_path / "social", [("facebook", "https://www.facebook.com/acme")])
    assert not [f for f in check(config.load(social), SMTP) if "contact" in f.where]  # Messenger is a private path
