"""Posting a reply to each platform's stand-in on 127.0.0.1: the request field by field, and 401, 429, 5xx."""

from __future__ import annotations

import socket
import time

import pytest

from repscan import USER_AGENT
from repscan.app.posting import NoApi, OutcomeUnknown, PostFailed, Target, dry_run, poster_for, send
from repscan.core.credentials import Environment

TEXT = "Sorry the parcel came late, Dana: we have refunded the delivery fee. Call us on 0100 200 300 & ask for Sam."
SECRET = "tok-9f3c1e77aa41"  # every platform's token in these tests; never to appear in a message


def _google(request):
    assert (request.method, request.path) == ("PUT", "/v4/accounts/111/locations/222/reviews/AbCd-33/reply")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"comment": TEXT}


def _facebook(request):
    assert (request.method, request.path) == ("POST", "/v25.0/1040_2090/comments")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form() == {"message": TEXT}


def _x(request):
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"text": TEXT, "reply": {"in_reply_to_tweet_id": "1777000000000000123"}}


def _trustpilot(request):
    assert (request.method, request.path) == ("POST", "/v1/private/reviews/65a1b2c3d4e5f60718293a4b/reply")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"authorBusinessUserId": "5f00aa11bb22cc33dd44ee55", "message": TEXT}


def _reddit(request):
    assert (request.method, request.path) == ("POST", "/api/comment")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.form() == {"api_type": "json", "thing_id": "t1_k0abc9", "text": TEXT}


# platform: (the stored target, its variables, the check of the request, the reply id the stand-in gives)
PLATFORMS = {
    "google-business": (
        Target("acme", "google-business", "AbCd-33", "https://mybusiness.googleapis.com/v4/accounts/111/locations/222/reviews/AbCd-33"),
        {"REPSCAN_GOOGLE_BUSINESS_TOKEN": SECRET}, "REPSCAN_GOOGLE_BUSINESS_API_URL", _google, None),
    "facebook-graph": (
        Target("acme", "facebook-graph", "1040_2090", "https://www.facebook.com/1040_2090"),
        {"REPSCAN_FACEBOOK_PAGE_TOKEN": SECRET}, "REPSCAN_FACEBOOK_GRAPH_API_URL", _facebook, "1040_5550001"),
    "twitter": (
        Target("acme", "twitter", "1777000000000000123", "https://x.com/someone/status/1777000000000000123"),
        {"REPSCAN_X_USER_TOKEN": SECRET}, "REPSCAN_X_API_URL", _x, "1999000000000000001"),
    "trustpilot": (
        Target("acme", "trustpilot", "65a1b2c3d4e5f60718293a4b",
               "https://www.trustpilot.com/reviews/65a1b2c3d4e5f60718293a4b"),
        {"REPSCAN_TRUSTPILOT_BUSINESS_TOKEN": SECRET, "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID": "5f00aa11bb22cc33dd44ee55"},
        "REPSCAN_TRUSTPILOT_API_URL", _trustpilot, None),
    "reddit": (
        Target("acme", "reddit", "t1_k0abc9", "https://www.reddit.com/r/smalltown/comments/1a2b3c/late_parcel/k0abc9/"),
        {"REPSCAN_REDDIT_USER_TOKEN": SECRET}, "REPSCAN_REDDIT_API_URL", _reddit, "t1_k0new1"),
}
EACH = pytest.mark.parametrize("source", PLATFORMS)


def _post(stand_in, source, **kwargs):
    target, variables, url_variable, _, _ = PLATFORMS[source]
    return send(poster_for(source), target, TEXT, {**variables, url_variable: stand_in.url}, **kwargs)


@EACH
def test_the_request_is_the_documented_one_field_by_field(stand_in, source):
    stand_in.reset()
    posted = _post(stand_in, source)
    check, reply_id = PLATFORMS[source][3], PLATFORMS[source][4]
    assert len(stand_in.requests) == 1
    request = stand_in.requests[0]
    assert request.headers["Authorization"].lower() == f"bearer {SECRET}"
    check(request)
    assert posted.reply_id == reply_id
    assert posted.answer.startswith(("200 OK", "201 Created")) and SECRET not in posted.answer


@EACH
def test_401_is_final_after_one_attempt_and_never_shows_the_token(stand_in, source):
    stand_in.reset((401, {}), echo_token=True)
    with pytest.raises(PostFailed) as failed:
        _post(stand_in, source)
    assert len(stand_in.requests) == 1
    assert not failed.value.retryable
    assert "401 Unauthorized" in str(failed.value) and "refused" in str(failed.value)
    assert SECRET not in str(failed.value)


@EACH
@pytest.mark.parametrize("status", [429, 503])
def test_429_and_5xx_are_tried_twice_then_reported_retryable(stand_in, source, status):
    stand_in.reset((status, {"Retry-After": "0"}), (status, {"Retry-After": "0"}), echo_token=True)
    with pytest.raises(PostFailed) as failed:
        _post(stand_in, source)
    assert len(stand_in.requests) == 2
    assert failed.value.retryable and f"{status} " in str(failed.value) and "2 attempt(s)" in str(failed.value)
    assert SECRET not in str(failed.value)


@EACH
@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_gateway_error_to_a_post_is_unknown_never_a_second_post(stand_in, source, status):
    # the comment may have been made before the gateway failed: a POST is not sent again; a PUT replaces, so it is
    stand_in.reset((status, {}), (status, {}))
    if source == "google-business":  # PUT
        with pytest.raises(PostFailed):
            _post(stand_in, source)
        assert len(stand_in.requests) == 2
    else:
        with pytest.raises(OutcomeUnknown, match="the reply may be up"):
            _post(stand_in, source)
        assert len(stand_in.requests) == 1


@EACH
def test_a_429_then_success_posts_once_on_the_second_attempt(stand_in, source):
    stand_in.reset((429, {"Retry-After": "0"}))
    posted = _post(stand_in, source)
    assert len(stand_in.requests) == 2 and posted.reply_id == PLATFORMS[source][4]
    assert stand_in.requests[0].body == stand_in.requests[1].body


def test_retry_after_is_waited_for(stand_in):
    stand_in.reset((429, {"Retry-After": "1"}))
    started = time.monotonic()
    _post(stand_in, "twitter")
    assert time.monotonic() - started >= 1.0 and len(stand_in.requests) == 2


def test_a_retry_after_beyond_the_bound_is_reported_not_waited_for(stand_in):
    stand_in.reset((429, {"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(PostFailed, match=r"429 Too Many Requests.*wait 3600 s") as failed:
        _post(stand_in, "reddit")
    assert time.monotonic() - started < 1.0 and len(stand_in.requests) == 1 and failed.value.retryable


@pytest.fixture(scope="module")
def silent():
    """A port that accepts connections (the backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_put_without_answer_is_tried_twice_then_reported_retryable(silent):
    target, variables, url_variable, _, _ = PLATFORMS["google-business"]
    with pytest.raises(PostFailed, match=r"took the request, no answer within 0.3 s; 2 attempt\(s\)") as failed:
        send(poster_for("google-business"), target, TEXT, {**variables, url_variable: silent}, timeout=0.3)
    assert failed.value.retryable


def test_a_post_without_answer_is_not_sent_again_it_may_be_up(silent):
    target, variables, url_variable, _, _ = PLATFORMS["twitter"]
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown, match=r"no answer within 0.3 s: the reply may be up"):
        send(poster_for("twitter"), target, TEXT, {**variables, url_variable: silent}, timeout=0.3)
    assert time.monotonic() - started < 1.0


def test_a_refused_connection_is_tried_twice_then_reported_retryable():
    with socket.socket() as closed:  # bound, not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        target, variables, url_variable, _, _ = PLATFORMS["reddit"]
        environ = {**variables, url_variable: f"http://127.0.0.1:{closed.getsockname()[1]}"}
        with pytest.raises(PostFailed, match=r"could not be reached: .*; 2 attempt\(s\)") as failed:
            send(poster_for("reddit"), target, TEXT, environ, timeout=0.3)
    assert failed.value.retryable


def test_reddit_refusals_come_with_200_and_are_read(stand_in):
    stand_in.reset()
    target, variables, url_variable, _, _ = PLATFORMS["reddit"]
    with pytest.raises(PostFailed, match="NO_TEXT") as failed:
        send(poster_for("reddit"), target, "", {**variables, url_variable: stand_in.url})
    assert not failed.value.retryable and len(stand_in.requests) == 1


@EACH
def test_dry_run_shows_the_request_with_its_token_masked(source):
    target, variables, _, _, _ = PLATFORMS[source]
    shown = dry_run(poster_for(source), target, TEXT, variables)
    assert SECRET not in shown and "Authorization: ***" in shown
    assert shown.splitlines()[0].startswith(("POST https://", "PUT https://"))


@EACH
def test_a_missing_token_is_no_api_naming_the_variable_the_client_reads(source):
    target, variables, _, _, _ = PLATFORMS[source]
    token_variable = next(name for name in variables if name.endswith("TOKEN"))
    renamed = Environment({}, {token_variable: "ACME_OWN_TOKEN"})
    with pytest.raises(NoApi, match="ACME_OWN_TOKEN is not set"):
        poster_for(source).request(target, TEXT, renamed)
    read = Environment({"ACME_OWN_TOKEN": SECRET, **{k: v for k, v in variables.items() if k != token_variable}},
                       {token_variable: "ACME_OWN_TOKEN"})
    assert poster_for(source).request(target, TEXT, read).headers["Authorization"].endswith(SECRET)


@pytest.mark.parametrize("url", ["http://api.example.com", "ftp://127.0.0.1", "file:///tmp/x", "http://10.0.0.5:8080"])
def test_the_api_url_is_overridden_only_to_https_or_loopback(url):
    target, variables, url_variable, _, _ = PLATFORMS["twitter"]
    with pytest.raises(PostFailed, match="REPSCAN_X_API_URL must be an https URL") as failed:
        poster_for("twitter").request(target, TEXT, {**variables, url_variable: url})
    assert not failed.value.retryable
    good = poster_for("twitter").request(target, TEXT, {**variables, url_variable: "https://x-gateway.example/"})
    assert good.url == "https://x-gateway.example/2/tweets"


@pytest.mark.parametrize("source", ["yelp", "tripadvisor", "google-maps", "bbb", "appstore"])
def test_sites_without_an_official_reply_api_have_no_poster(source):
    assert poster_for(source) is None


GRANT = {"REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN": "1//refresh-5b7c", "REPSCAN_GOOGLE_BUSINESS_CLIENT_ID": "client-1",
         "REPSCAN_GOOGLE_BUSINESS_CLIENT_SECRET": "client-secret-8d2e"}


def test_google_business_trades_the_crawls_refresh_token_first(stand_in):
    stand_in.reset()
    target = PLATFORMS["google-business"][0]
    posted = send(poster_for("google-business"), target, TEXT,
                  {**GRANT, "REPSCAN_GOOGLE_BUSINESS_API_URL": stand_in.url})
    token, reply = stand_in.requests
    assert (token.method, token.path) == ("POST", "/token")
    assert {k: token.form()[k] for k in ("grant_type", "refresh_token", "client_id", "client_secret")} == {
        "grant_type": "refresh_token", "refresh_token": "1//refresh-5b7c", "client_id": "client-1",
        "client_secret": "client-secret-8d2e"}
    assert reply.headers["Authorization"] == "Bearer ya29.traded-access-token"
    _google(reply)
    assert posted.answer.startswith("200 OK")
    shown = dry_run(poster_for("google-business"), target, TEXT, GRANT)
    assert "Authorization: ***" in shown and len(stand_in.requests) == 2, "a dry run trades nothing"


def test_a_refused_refresh_token_posts_nothing_and_shows_no_secret(stand_in):
    stand_in.reset(token_refused=True)
    with pytest.raises(PostFailed, match="not traded") as failed:
        send(poster_for("google-business"), PLATFORMS["google-business"][0], TEXT,
             {**GRANT, "REPSCAN_GOOGLE_BUSINESS_API_URL": stand_in.url})
    assert [r.path for r in stand_in.requests] == ["/token"] and not failed.value.retryable
    assert "refresh-5b7c" not in str(failed.value) and "client-secret-8d2e" not in str(failed.value)
