"""`repscan replies post` through the Trustpilot poster against a loopback API: the attempt before the request,
one retry on a retryable failure, failures recorded, exactly one post after a crash and a rerun, the client's
own token variable, --dry-run masked."""

from __future__ import annotations

import io
import json

import pytest

from helpers import write_config
from repscan.app import posting
from repscan.app import replies as command
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.config import load
from repscan.core.items import make
from repscan.core.store import Store

REVIEW = "5f1e0c9a8b7d6e5f4a3b2c1d"  # Trustpilot's ids are 24 hex digits
PATH = f"/v1/private/reviews/{REVIEW}/reply"


@pytest.fixture(scope="module")
def site():
    def route(path, query):  # the reply (POST), else the review read before it (GET), without a company reply
        body = "" if path.endswith("/reply") else json.dumps({"id": REVIEW, "stars": 1, "companyReply": None})
        return Reply(201 if path.endswith("/reply") else 200, body, content_type="application/json")

    with LocalSite(route) as site:
        yield site


@pytest.fixture
def platform(site, tmp_path, monkeypatch):  # a fresh database each test, one server for all
    site.posts.clear()
    config = load(write_config(tmp_path, [{"site": "trustpilot", "url": "https://www.trustpilot.com/review/acme.example",
                                           "credentials": {"REPSCAN_TRUSTPILOT_BUSINESS_TOKEN": "ACME_TP_TOKEN"}}]))
    store = Store(config.database)
    store.save_items("acme", [{**make("review", source="trustpilot", source_id=REVIEW, rating=1,
                                      url=f"https://www.trustpilot.com/reviews/{REVIEW}", author="Ola Nordmann",
                                      text="The plumber never turned up."), "negative": 1, "sentiment": -1.0}],
                     seen_at="2026-12-01T10:00:00Z")
    store.close()
    monkeypatch.setattr(posting, "PAUSE", 0)
    for name, value in {"ACME_TP_TOKEN": "s3cret-token", "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID": "user-5",
                        "REPSCAN_TRUSTPILOT_API_URL": site.url}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REPSCAN_TRUSTPILOT_BUSINESS_TOKEN", raising=False)  # only the client's own variable
    assert cli(config, "list")[0] == 0
    assert cli(config, "approve", 1, name="Dana")[0] == 0
    yield config, site


def cli(config, action, *ids, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = command.run(config, action, list(ids), out=out, err=err, **options)
    return code, out.getvalue(), err.getvalue()


def reply(config) -> tuple[dict, list[str]]:
    store = Store(config.database)
    try:
        return store.reply(1), [entry["event"] for entry in store.reply_log(1)]
    finally:
        store.close()


def test_posted_once_with_the_clients_own_token_and_never_again(platform):
    config, site = platform
    code, out, err = cli(config, "post", name="Dana")
    assert code == 0 and f"reply 1 (acme, trustpilot:{REVIEW}): posted (201" in out, err
    [(path, body)] = site.posts
    sent = json.loads(body)
    assert path == PATH and sent["authorBusinessUserId"] == "user-5"
    assert sent["message"].startswith("Hi Ola, thank you for telling us.")
    row, events = reply(config)
    assert (row["status"], row["attempts"], row["platform_answer"].startswith("201")) == ("posted", 1, True)
    assert events == ["drafted", "approved", "post_attempt", "posted"]
    assert cli(config, "post", 1)[1].count("already posted") == 1 and cli(config, "post")[0] == 0
    assert len(site.posts) == 1


def test_a_retryable_failure_is_tried_once_more(platform):
    config, site = platform
    site.fail(PATH, Reply(503, "busy"))
    assert cli(config, "post")[0] == 0
    assert len(site.posts) == 2 and reply(config)[0]["status"] == "posted"


@pytest.mark.parametrize("status, tries", [(401, 1), (429, 2)])
def test_a_refusal_is_recorded_as_failed_and_stays_listed(platform, status, tries):
    config, site = platform
    site.fail(PATH, *[Reply(status, "no")] * tries)
    code, out, err = cli(config, "post")
    assert code == 1 and "failed:" in err and str(status) in err and len(site.posts) == tries
    row, events = reply(config)
    assert (row["status"], str(status) in row["last_error"], events[-1]) == ("failed", True, "failed")
    assert "failed" in cli(config, "list")[1]
    again = cli(config, "post")
    assert again[0] == 0 and len(site.posts) == tries, again  # a failed reply is retried only by its id
    assert cli(config, "post", 1)[0] == 0 and reply(config)[0]["status"] == "posted"


def test_a_crash_after_sending_leaves_it_unknown_and_a_rerun_does_not_post_again(platform):
    config, site = platform
    store = Store(config.database)
    row = store.begin_attempt(1, actor="Dana")  # what `post` records first; then it sent, and died
    environ = command.environment(config, store, row)
    store.close()
    target = posting.Target("acme", "trustpilot", REVIEW, row["url"])
    posting.send(posting.poster_for("trustpilot"), target, row["text"], environ)
    code, out, err = cli(config, "post")
    assert code == 1 and "unknown — check the page" in err and len(site.posts) == 1  # exactly one post
    assert reply(config)[1][-1] == "post_attempt"
    assert cli(config, "post", 1, retry_unknown=True)[0] == 0 and len(site.posts) == 2  # asked for, after a look


def test_dry_run_shows_the_request_masked_and_sends_nothing(platform, monkeypatch):
    config, site = platform
    code, out, err = cli(config, "post", dry_run=True)
    assert code == 0 and f"POST {site.url}{PATH}" in out and "Authorization: ***" in out and "s3cret" not in out
    assert site.posts == [] and reply(config)[1][-1] == "approved"
    monkeypatch.delenv("ACME_TP_TOKEN")
    code, out, err = cli(config, "post")
    assert code == 0 and f"paste this reply on https://www.trustpilot.com/reviews/{REVIEW}" in out
    assert site.posts == [] and "ACME_TP_TOKEN" in out  # the variable to set, named
    row, events = reply(config)
    assert row["status"] == "handed" and events[-1] == "handed" and row["posted_at"] is None  # not replied yet
    assert cli(config, "done", 1)[0] == 0 and reply(config)[0]["status"] == "posted"  # the person pasted it


def test_an_item_answered_on_the_site_since_approval_is_not_answered_again(platform):
    config, site = platform
    store = Store(config.database)  # the owner answered by hand; the next crawl stored it
    store.save_items("acme", [{**make("review", source="trustpilot", source_id=REVIEW, rating=1,
                                      url=f"https://www.trustpilot.com/reviews/{REVIEW}", author="Ola Nordmann",
                                      text="The plumber never turned up.", reply_text="We are so sorry, Ola.",
                                      reply_at="2026-12-01T11:00:00Z"), "negative": 1, "sentiment": -1.0}],
                     seen_at="2026-12-01T12:00:00Z")
    store.close()
    code, out, err = cli(config, "post")
    assert code == 0 and "has a reply on the site since this was approved: not sent" in out
    assert site.posts == [] and reply(config)[0]["status"] == "approved"


def test_a_reply_named_for_another_client_is_refused(platform):
    config, site = platform
    code, out, err = cli(config, "post", 1, client_id="someone-else")
    assert code == 2 and "reply 1 is client acme's, not someone-else's" in err and site.posts == []
