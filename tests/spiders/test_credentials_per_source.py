"""Credentials per client and source: a source names the variables it reads, Google Business Profile trades a
refresh token for an access token at a loopback token endpoint (google-auth, real HTTP), and no value is stored."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from crawl_harness import JSON, Scenario, Serve, Site, crawl, path_of
from helpers import authorizations, case, run_cli
from repscan.app import configfile
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.store import Store

LOCATION = "/v4/accounts/108273645500012345678/locations/4471298833112233445"
PAGES = [path_of(case("google-business/reviews-page-1").url), path_of(case("google-business/reviews-page-2").url)]
ACCESS_TOKEN = "ya29.made-up-fresh-access-token"
REFRESH = {"ACME_GBP_REFRESH": "1//made-up-refresh-token", "ACME_GBP_CLIENT": "made-up-client.apps.example",
           "ACME_GBP_SECRET": "made-up-client-secret"}
RENAMED = {"REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN": "ACME_GBP_REFRESH",
           "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID": "ACME_GBP_CLIENT",
           "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET": "ACME_GBP_SECRET"}
UNSET = {"REPSCAN_GOOGLE_BUSINESS_TOKEN": "", "REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN": "",
         "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID": "", "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET": ""}
GRANTED = json.dumps({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer",
                      "scope": "https://www.googleapis.com/auth/business.manage"})


def scenario(token_answer: Serve) -> Scenario:
    return Scenario(
        "google-business-refresh", "google-business", LOCATION, prefix=LOCATION,
        env={**UNSET, **REFRESH}, headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        serve=[token_answer,
               Serve(f"{LOCATION}/reviews", "google-business/reviews-page-2", query={"pageToken": "CAUQAxoECgIIAw"},
                     type=JSON),
               Serve(f"{LOCATION}/reviews", "google-business/reviews-page-1", type=JSON)],
        first=None)


def test_the_refresh_token_is_traded_for_the_access_token_every_request_carries(tmp_path):
    with Site(scenario(Serve("/token", text=GRANTED, type=JSON))) as site:
        run = crawl(tmp_path, site, fields={"credentials": RENAMED})
        posts = list(site.local.posts)
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert (run.crawl["status"], run.crawl["error"], len(run.reviews)) == ("ok", None, 5)
    assert [hit for hit in site.hits if hit != "/robots.txt"] == ["/token", *PAGES]  # the token first
    [(path, body)] = posts
    form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
    assert path == "/token" and form == {"grant_type": "refresh_token", "refresh_token": REFRESH["ACME_GBP_REFRESH"],
                                         "client_id": REFRESH["ACME_GBP_CLIENT"],
                                         "client_secret": REFRESH["ACME_GBP_SECRET"]}
    api = [headers for path, headers in run.requests if path.startswith(LOCATION)]
    assert [headers["Authorization"] for headers in api] == [f"Bearer {ACCESS_TOKEN}"] * 2
    # Neither the token nor any variable's value is written anywhere we keep.
    kept = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    for secret in [ACCESS_TOKEN, *REFRESH.values()]:
        assert secret.encode() not in kept and secret not in run.result.stdout + run.result.stderr


def test_a_refused_refresh_is_the_crawls_error_and_nothing_is_asked_of_the_api(tmp_path):
    refused = Serve("/token", text='{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}',
                    type=JSON)
    with Site(scenario(refused)) as site:
        site.local.fail("/token", Reply(400, refused.text, content_type=JSON))
        run = crawl(tmp_path, site, fields={"credentials": RENAMED})
    assert run.result.returncode == 1
    assert run.crawl["status"] == "error" and run.crawl["error"].startswith("token refresh refused: ")
    assert "invalid_grant" in run.crawl["error"] and REFRESH["ACME_GBP_SECRET"] not in run.crawl["error"]
    assert site.hits == ["/token"] and run.reviews == []


def test_a_missing_renamed_variable_is_named_as_the_source_names_it(tmp_path):
    with Site(scenario(Serve("/token", text=GRANTED, type=JSON))) as site:
        run = crawl(tmp_path, site, fields={"credentials": RENAMED},
                    env={**UNSET, **REFRESH, "ACME_GBP_SECRET": ""})
    assert run.crawl["status"] == "error"
    assert run.crawl["error"] == "missing credentials: ACME_GBP_SECRET"
    assert site.hits == []


def test_each_client_reads_its_own_token(tmp_path):
    """Two clients' Google Business sources in one run, each with the access token its own variable holds."""
    tokens = {"A": "ya29.made-up-token-of-acme", "B": "ya29.made-up-token-of-birch"}

    def route(path, query):
        location = path.split("/locations/")[1].split("/")[0] if "/locations/" in path else None
        if location not in tokens:
            return None
        return Reply(body=case("google-business/reviews-page-2").body, content_type=JSON)

    with LocalSite(route) as site:
        heard = authorizations(site)
        clients = [{"id": client, "name": name, "recipients": [f"owner@{client}.example"],
                    "sources": [{"site": "google-business", "url": f"{site.url}/v4/accounts/1/locations/{location}",
                                 "credentials": {"REPSCAN_GOOGLE_BUSINESS_TOKEN": f"{client.upper()}_GBP_TOKEN"}}]}
                   for client, name, location in (("acme", "Acme Plumbing", "A"), ("birch", "Birch Dental", "B"))]
        config = configfile.write_config(tmp_path, agency={"name": "Agency", "sender": "reports@agency.example"},
                                         crawl={"download_delay": 0, "autothrottle": False, "timeout": 5}, clients=clients)
        result = run_cli("--config", str(config), "crawl", "--quiet",
                         env={**UNSET, "ACME_GBP_TOKEN": tokens["A"], "BIRCH_GBP_TOKEN": tokens["B"]})
    assert result.returncode == 0, result.stderr[-3000:]
    store = Store(tmp_path / "repscan.db")
    try:
        rows = {row["client_id"]: row["status"] for row in store.crawls()}
        counts = {row["client_id"]: row["n"] for row in
                  store.query("SELECT client_id, count(*) AS n FROM reviews GROUP BY client_id")}
    finally:
        store.close()
    assert rows == {"acme": "ok", "birch": "ok"} and counts["acme"] == counts["birch"] > 0
    asked = {path.split("/locations/")[1].split("/")[0]: auth for path, auth in heard if "/locations/" in path}
    assert asked == {"A": f"Bearer {tokens['A']}", "B": f"Bearer {tokens['B']}"}


def test_a_refresh_token_goes_only_to_google_or_to_this_machine():
    from repscan.spiders.pages import google_business

    google = "https://oauth2.googleapis.com/token"
    assert google_business.token_uri("https://mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews") == google
    # a typo in the host, or a copied URL, must not receive the client's long-lived secret
    assert google_business.token_uri("https://mybusiness.googleapis.co/v4/accounts/1/locations/2/reviews") == google
    assert google_business.token_uri("http://127.0.0.1:8080/v4/accounts/1/locations/2/reviews") == \
        "http://127.0.0.1:8080/token"


def test_a_crawl_that_cannot_make_its_first_request_is_an_error_never_empty():
    import asyncio

    from repscan.spiders.sources import JsonldSpider

    spider = JsonldSpider(client_id="acme", url="https://shop.example/reviews")

    class Refusing:
        def __getattr__(self, name):
            return getattr(spider_page, name)

        @staticmethod
        def start_urls(url):
            raise ValueError("no page one for this URL")

    spider_page, spider.page = spider.page, Refusing()

    async def requests():
        return [request async for request in spider.start()]

    assert asyncio.run(requests()) == []
    assert spider.health.chains == 0
    assert spider.health.errors == ["could not start at https://shop.example/reviews: ValueError: no page one for this URL"]
    assert spider.health.status(0) == "error"
