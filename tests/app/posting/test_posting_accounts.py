"""`repscan replies` for an agency of several clients: each reply goes out as its own client's account (the source
that stored the item), never over another client's reply or the owner's, and `--client` holds for every action."""

from __future__ import annotations

from pathlib import Path

import pytest

from repscan.app import cli
from repscan.app.checks import check
from repscan.app import replies as command
from repscan.app.configfile import write_config
from repscan.core.config import load
from repscan.core.items import make, utcnow
from repscan.core.store import Store

TWEET = {"acme": "1777000000000000101", "bravo": "1777000000000000202"}
REVIEW = "65a1b2c3d4e5f60718293a4b"  # one Trustpilot review under both clients' shared source
GOOGLE_REVIEW = "accounts/111/locations/222/reviews/AbCd-33"
NAMES = {"acme": "Acme Bakery", "bravo": "Bravo Bakery"}


def client(ident: str, sources: list[dict], **more) -> dict:
    return {"id": ident, "name": NAMES[ident], "deliver_to": "out", "timezone": "Europe/Berlin", "sources": sources,
            **more}


def agency(folder: Path, clients: list[dict]) -> Path:
    return write_config(folder / "repscan.toml", agency={"name": "Test Agency", "sender": "reports@agency.example"},
                        storage={"database": "repscan.db", "reports_dir": "out"}, clients=clients)


def tweets(ident: str) -> dict:
    return {"site": "twitter", "url": f"https://x.com/{ident}bakery"}


def stored(config_path: Path, ident: str, source: dict, item: dict) -> None:
    """The item as a crawl of that source found it (its crawl names the source)."""
    store = Store(load(config_path).database)
    try:
        crawl = store.start_crawl(ident, source["site"], "Spider", source["url"])
        store.finish_crawl(crawl, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None)
        store.save_items(ident, [{**item, "negative": 1, "sentiment": -1.0}], crawl_id=crawl, seen_at=utcnow())
    finally:
        store.close()


def tweet(ident: str) -> dict:
    return make("post", source="twitter", source_id=TWEET[ident], url=f"https://x.com/someone/status/{TWEET[ident]}",
                author="Jo Example", text=f"Stale bread again from {NAMES[ident]}, never again.")


def repscan(capsys, config: Path, *args: str) -> tuple[int, str, str]:
    """The command line in this process (nothing here needs a fresh reactor)."""
    capsys.readouterr()
    code = cli.main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def replies(config: Path) -> dict[str, dict]:
    store = Store(load(config, skip_bad_clients=True).database)
    try:
        return {row["client_id"]: row for row in store.replies()}
    finally:
        store.close()


@pytest.fixture
def environ(stand_in, monkeypatch):
    stand_in.reset()
    for name in ("REPSCAN_X_USER_TOKEN", "REPSCAN_TRUSTPILOT_BUSINESS_TOKEN", "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID",
                 "REPSCAN_GOOGLE_BUSINESS_TOKEN", "REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN", "REPSCAN_FACEBOOK_PAGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("X", "TRUSTPILOT", "GOOGLE_BUSINESS", "FACEBOOK_GRAPH"):
        monkeypatch.setenv(f"REPSCAN_{name}_API_URL", stand_in.url)
    return monkeypatch


def test_a_token_two_clients_would_read_posts_for_neither_until_each_names_its_own(tmp_path, stand_in, environ,
                                                                                      capsys):
    config = agency(tmp_path, [client("acme", [tweets("acme")]), client("bravo", [tweets("bravo")])])
    for ident in TWEET:
        stored(config, ident, tweets(ident), tweet(ident))
    environ.setenv("REPSCAN_X_USER_TOKEN", "acme-account-token")  # Acme's account, under the default name
    assert repscan(capsys, config, "replies", "list")[0] == 0
    bravo = replies(config)["bravo"]["id"]
    assert repscan(capsys, config, "replies", "approve", str(bravo), "--client", "bravo")[0] == 0

    code, out, err = repscan(capsys, config, "replies", "post", "--client", "bravo")
    assert code == 1 and stand_in.requests == [], "Acme's token never carries Bravo's reply"
    assert "REPSCAN_X_USER_TOKEN would post the replies of clients acme, bravo as one account" in err
    assert "credentials" in err and replies(config)["bravo"]["status"] == "approved"  # to post once fixed

    code, out, err = repscan(capsys, config, "config", "check")
    assert code == 2, err
    lines = [line for line in err.splitlines() if "REPSCAN_X_USER_TOKEN would post" in line]
    assert [line.split(": ")[1:3] for line in lines] == [[f"{config}:{_line(config, 0)}", "clients[acme].sources[0].site"]]

    unset = [f.level for f in check(load(config), {}) if "REPSCAN_X_USER_TOKEN would post" in f.message]
    assert unset == ["warning"]  # no account yet: replies are handed to a person to paste; one finding, not one a source

    own = [client(ident, [{**tweets(ident), "credentials": {"REPSCAN_X_USER_TOKEN": f"{ident.upper()}_X_USER_TOKEN"}}])
           for ident in TWEET]
    agency(tmp_path, own)
    environ.setenv("BRAVO_X_USER_TOKEN", "bravo-account-token")
    code, out, err = repscan(capsys, config, "replies", "post", "--client", "bravo")
    assert code == 0, err
    [request] = stand_in.requests
    assert request.headers["Authorization"] == "Bearer bravo-account-token"
    assert request.json()["reply"]["in_reply_to_tweet_id"] == TWEET["bravo"] and "Bravo" in request.json()["text"]
    assert not [f for f in _errors(config) if "would post" in f]

    agency(tmp_path, [client("acme", [tweets("acme")])])  # one client: the default name is its own
    acme = replies(config)["acme"]["id"]
    assert repscan(capsys, config, "replies", "approve", str(acme))[0] == 0
    assert repscan(capsys, config, "replies", "post", str(acme))[0] == 0
    assert stand_in.requests[-1].headers["Authorization"] == "Bearer acme-account-token"


def test_a_shared_name_left_unset_still_hands_the_reply_to_a_person(tmp_path, stand_in, environ, capsys):
    config = agency(tmp_path, [client("acme", [tweets("acme")]), client("bravo", [tweets("bravo")])])
    stored(config, "bravo", tweets("bravo"), tweet("bravo"))
    assert repscan(capsys, config, "replies", "list")[0] == 0
    assert repscan(capsys, config, "replies", "approve", str(replies(config)["bravo"]["id"]))[0] == 0
    code, out, err = repscan(capsys, config, "replies", "post")
    assert code == 0 and "paste this reply on https://x.com/someone/status/" in out and stand_in.requests == []
    assert replies(config)["bravo"]["status"] == "handed"


def _line(config: Path, index: int) -> int:
    """The line of the index-th `site = "twitter"` in the file."""
    lines = [n for n, line in enumerate(config.read_text().splitlines(), 1) if line == 'site = "twitter"']
    return lines[index]


def _errors(config: Path) -> list[str]:
    return [f"{f.where}: {f.message}" for f in check(load(config), {}) if f.level == "error"]


def test_a_reply_takes_the_names_of_the_very_source_that_found_its_item(tmp_path, stand_in, environ, capsys):
    """A chain: the east location's scraped Facebook page is answered as the east Page (its facebook-graph source's
    token), never as the west one listed first."""
    pages = [{"site": site, "url": url, "location": where, **extra}
             for where in ("west", "east")
             for site, url, extra in (
                 ("facebook-graph", f"https://graph.facebook.com/v25.0/acme{where}",
                  {"credentials": {"REPSCAN_FACEBOOK_PAGE_TOKEN": f"ACME_{where.upper()}_FB_TOKEN"}}),
                 ("facebook", f"https://www.facebook.com/acme{where}", {}))]
    config = agency(tmp_path, [client("acme", pages, locations=[{"id": "west", "name": "West"},
                                                                {"id": "east", "name": "East"}])])
    post = make("post", source="facebook", source_id="1040_2090", url="https://www.facebook.com/acmeeast/posts/2090",
                author="Jo Example", text="Stale bread again, never again.")
    stored(config, "acme", pages[3], post)
    environ.setenv("ACME_WEST_FB_TOKEN", "west-page-token")
    environ.setenv("ACME_EAST_FB_TOKEN", "east-page-token")
    assert repscan(capsys, config, "replies", "list")[0] == 0
    assert repscan(capsys, config, "replies", "approve", str(replies(config)["acme"]["id"]))[0] == 0
    code, out, err = repscan(capsys, config, "replies", "post")
    assert code == 0, err
    [request] = stand_in.requests
    assert request.headers["Authorization"] == "Bearer east-page-token" and request.path == "/v25.0/1040_2090/comments"


def test_google_never_replaces_a_reply_the_review_already_has(tmp_path, stand_in, environ, capsys):
    source = {"site": "google-business", "url": "https://mybusiness.googleapis.com/v4/accounts/111/locations/222"}
    config = agency(tmp_path, [client("acme", [source])])
    review = make("review", source="google-business", source_id="AbCd-33", rating=1,
                  url=f"https://mybusiness.googleapis.com/v4/{GOOGLE_REVIEW}", author="Jo Example",
                  text="Cold soup and a rude waiter.")
    stored(config, "acme", source, review)
    environ.setenv("REPSCAN_GOOGLE_BUSINESS_TOKEN", "owner-token")
    assert repscan(capsys, config, "replies", "list")[0] == 0
    assert repscan(capsys, config, "replies", "approve", "1")[0] == 0
    stand_in.replied[GOOGLE_REVIEW] = {"comment": "The owner's own answer.", "updateTime": "2026-12-05T08:00:00Z"}

    code, out, err = repscan(capsys, config, "replies", "post")
    assert code == 1 and stand_in.requests == [], "no PUT: it would have replaced the owner's reply"
    assert [lookup.path for lookup in stand_in.lookups] == [f"/v4/{GOOGLE_REVIEW}"]
    assert "the review has a reply already (updated 2026-12-05T08:00:00Z)" in err and "owner-token" not in err
    assert replies(config)["acme"]["status"] == "failed"

    stand_in.replied.clear()  # the owner deleted theirs: the named reply goes out
    assert repscan(capsys, config, "replies", "post", "1")[0] == 0
    assert [request.method for request in stand_in.requests] == ["PUT"] and len(stand_in.lookups) == 2


@pytest.fixture
def shared(tmp_path, environ, capsys):
    """Acme and Bravo read one Trustpilot page on purpose (shared = true), each with its own business account."""
    def source(ident: str) -> dict:
        return {"site": "trustpilot", "url": "https://www.trustpilot.com/review/bakeries.example", "shared": True,
                "credentials": {f"REPSCAN_TRUSTPILOT_BUSINESS_{part}": f"{ident.upper()}_TP_{part}"
                                for part in ("TOKEN", "USER_ID")}}

    config = agency(tmp_path, [client(ident, [source(ident)]) for ident in TWEET])
    for ident in TWEET:
        stored(config, ident, source(ident), make(
            "review", source="trustpilot", source_id=REVIEW, rating=1, author="Jo Example",
            url=f"https://www.trustpilot.com/reviews/{REVIEW}", text="The cake arrived squashed."))
        environ.setenv(f"{ident.upper()}_TP_TOKEN", f"{ident}-tp-token")
        environ.setenv(f"{ident.upper()}_TP_USER_ID", f"{ident}-user")
    code, out, err = repscan(capsys, config, "replies", "list")
    assert code == 0, err
    return config, out


def test_a_shared_review_is_answered_once(shared, stand_in, capsys):
    config, listed = shared
    assert "[shared with bravo: answer it once]" in listed and "[shared with acme: answer it once]" in listed
    ids = {ident: row["id"] for ident, row in replies(config).items()}
    for ident in TWEET:
        assert repscan(capsys, config, "replies", "approve", str(ids[ident]), "--client", ident)[0] == 0
    code, out, err = repscan(capsys, config, "replies", "post")
    assert code == 1 and len(stand_in.requests) == 1 and "acme-tp-token" in stand_in.requests[0].headers["Authorization"]
    assert f"shared with client acme, whose reply {ids['acme']} to it is posted" in err
    assert replies(config)["bravo"]["status"] == "approved"


def test_every_action_keeps_to_its_client_and_done_only_what_was_pasted(shared, stand_in, capsys):
    config, _listed = shared
    bravo = replies(config)["bravo"]["id"]
    for action in ("show", "approve", "edit", "done", "post"):
        code, out, err = repscan(capsys, config, "replies", action, str(bravo), "--client", "acme")
        assert code == 2 and f"reply {bravo} is client bravo's, not acme's" in err, (action, err)
    assert replies(config)["bravo"]["status"] == "draft" and stand_in.requests == []

    assert repscan(capsys, config, "replies", "approve", str(bravo), "--client", "bravo")[0] == 0
    code, out, err = repscan(capsys, config, "replies", "done", str(bravo), "--client", "bravo")
    assert code == 1 and "approved, not handed to a person to paste" in err and "--pasted" in err
    assert replies(config)["bravo"]["status"] == "approved", "never posted, never counted as answered"
    code, out, err = repscan(capsys, config, "replies", "done", str(bravo), "--client", "bravo", "--pasted")
    assert code == 0 and f"reply {bravo} (bravo, trustpilot:{REVIEW}): posted by hand" in out
    assert replies(config)["bravo"]["status"] == "posted"


def test_trustpilot_never_posts_over_the_company_reply_a_review_has(shared, stand_in, capsys):
    config, _listed = shared
    acme = replies(config)["acme"]["id"]
    assert repscan(capsys, config, "replies", "approve", str(acme))[0] == 0
    stand_in.replied[REVIEW] = {"text": "Sorry about the cake, call us.", "createdAt": "2026-12-05T08:00:00Z"}
    code, out, err = repscan(capsys, config, "replies", "post", str(acme))
    assert code == 1 and stand_in.requests == [] and [r.path for r in stand_in.lookups] == [f"/v1/private/reviews/{REVIEW}"]
    assert "trustpilot: the review has a reply already (updated 2026-12-05T08:00:00Z)" in err
    assert replies(config)["acme"]["status"] == "failed"


def test_a_client_left_out_for_a_bad_line_still_owns_the_token_it_shares(tmp_path, stand_in, environ, capsys):
    """Bravo's account under the default name; Bravo left out for its timezone: Acme's reply never goes out as
    Bravo, and config check says so besides the timezone."""
    clients = [client("acme", [tweets("acme")]), client("bravo", [tweets("bravo")])]
    config = agency(tmp_path, clients)
    stored(config, "acme", tweets("acme"), tweet("acme"))
    assert repscan(capsys, config, "replies", "list")[0] == 0
    assert repscan(capsys, config, "replies", "approve", str(replies(config)["acme"]["id"]))[0] == 0
    agency(tmp_path, [clients[0], {**clients[1], "timezone": "Mars/Olympus"}])
    environ.setenv("REPSCAN_X_USER_TOKEN", "bravo-account-token")

    code, out, err = repscan(capsys, config, "replies", "post", "--client", "acme")
    assert code == 1 and stand_in.requests == [], "Bravo's token never carries Acme's reply"
    assert "REPSCAN_X_USER_TOKEN would post the replies of clients acme, bravo as one account" in err
    timezone = next(n for n, line in enumerate(config.read_text().splitlines(), 1) if "Mars/Olympus" in line)
    assert f"client bravo is left out of this run for its config ({config}:{timezone}" in err
    assert replies(config)["acme"]["status"] == "approved"

    code, out, err = repscan(capsys, config, "config", "check")
    assert code == 2 and "Mars/Olympus" in err
    assert f"error: {config}:{_line(config, 0)}: clients[acme].sources[0].site: REPSCAN_X_USER_TOKEN would post" in err


def test_an_agency_wide_google_login_posts_each_review_at_its_own_location(tmp_path, stand_in, environ, capsys):
    """The review fixes the location a Google reply goes to: one refresh token for every client is no wrong account."""
    locations = {"acme": "222", "bravo": "333"}
    sources = {ident: {"site": "google-business", "url": f"https://mybusiness.googleapis.com/v4/accounts/111/locations/{where}"}
               for ident, where in locations.items()}
    config = agency(tmp_path, [client(ident, [sources[ident]], replies={"contact": "+1 555 0100"}) for ident in locations])
    for ident, where in locations.items():
        stored(config, ident, sources[ident], make(
            "review", source="google-business", source_id=f"Rv-{where}", rating=1, author="Jo Example",
            url=f"https://mybusiness.googleapis.com/v4/accounts/111/locations/{where}/reviews/Rv-{where}",
            text="Cold soup and a rude waiter."))
    for name, value in {"REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN": "1//agency-refresh",
                        "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID": "client-1",
                        "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET": "client-secret"}.items():
        environ.setenv(name, value)
    assert repscan(capsys, config, "replies", "list")[0] == 0
    for ident, row in replies(config).items():
        assert repscan(capsys, config, "replies", "approve", str(row["id"]), "--client", ident)[0] == 0

    code, out, err = repscan(capsys, config, "replies", "post")
    assert code == 0, err
    assert sorted(r.path for r in stand_in.requests if r.method == "PUT") == [
        f"/v4/accounts/111/locations/{where}/reviews/Rv-{where}/reply" for where in locations.values()]
    assert len(stand_in.lookups) == 2, "each review read before its reply"
    findings = check(load(config))
    assert not [f for f in findings if f.level == "error" or "GOOGLE_BUSINESS" in f.message], findings


def test_scraped_facebook_pages_warn_only_once_they_can_post(tmp_path, environ):
    """Three clients' scraped Facebook pages, no token: nothing can post, so nothing to warn of; given Graph sources
    on the default name, one warning naming the three (not one a source); the token set, one error."""
    idents = ("acme", "bravo", "carol")
    NAMES.setdefault("carol", "Carol Bakery")
    scraped = {ident: {"site": "facebook", "url": f"https://www.facebook.com/{ident}bakery"} for ident in idents}
    config = agency(tmp_path, [client(ident, [scraped[ident]]) for ident in idents])
    posting = [f for f in check(load(config), {}) if "would post" in f.message]
    assert posting == []

    graph = {ident: {"site": "facebook-graph", "url": f"https://graph.facebook.com/v25.0/{ident}bakery"} for ident in idents}
    agency(tmp_path, [client(ident, [scraped[ident], graph[ident]]) for ident in idents])
    posting = [f for f in check(load(config), {}) if "would post" in f.message]
    assert [f.level for f in posting] == ["warning"]
    assert "clients acme, bravo, carol" in posting[0].message and "clients[acme].sources[0]" in posting[0].where
    posting = [f for f in check(load(config), {"REPSCAN_FACEBOOK_PAGE_TOKEN": "a-page-token"}) if "would post" in f.message]
    assert [f.level for f in posting] == ["error"]


def test_an_agency_wide_trustpilot_login_is_no_shared_account(tmp_path, environ):
    """A Trustpilot reply goes to the review's own business unit: one business login for every client is no finding."""
    pages = {ident: {"site": "trustpilot", "url": f"https://www.trustpilot.com/review/{ident}.example"} for ident in TWEET}
    config = agency(tmp_path, [client(ident, [pages[ident]]) for ident in TWEET])
    login = {"REPSCAN_TRUSTPILOT_BUSINESS_TOKEN": "agency-token", "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID": "agency-user"}
    assert not [f for f in check(load(config), login) if "TRUSTPILOT" in f.message]
