"""`repscan replies post` against a platform API on loopback: the attempt before the request, one retry on a
retryable failure, failures recorded, exactly one post after a crash and a rerun, --dry-run masked."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

import pytest

from helpers import write_config
from repscan.app import posting
from repscan.app import replies as command
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.posting.base import NoApi, Outgoing, Posted, PostFailed, Target
from repscan.core.config import load
from repscan.core.items import make
from repscan.core.store import Store


class LocalPlatform:
    """A platform module as the posting contract asks for one, speaking JSON to a LocalSite."""

    source = "trustpilot"

    def __init__(self, base: str, crash_after_send: bool = False):
        self.base, self.crash_after_send = base, crash_after_send

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        token = environ.get("ACME_PLATFORM_TOKEN")
        if not token:
            raise NoApi("acme has no ACME_PLATFORM_TOKEN")
        return Outgoing("POST", f"{self.base}/reviews/{target.source_id}/reply",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        json.dumps({"message": text}).encode())

    def posted(self, status: int, body: bytes) -> Posted:
        if self.crash_after_send:
            raise RuntimeError("killed after the platform took it")
        if status in (200, 201):
            return Posted(json.loads(body)["id"], f"{status}, id {json.loads(body)['id']}")
        raise PostFailed(f"HTTP {status}", retryable=status == 429 or status >= 500)


@pytest.fixture(scope="module")
def site():
    with LocalSite(lambda path, query: Reply(201, json.dumps({"id": "r-77"}), content_type="application/json")) as site:
        yield site


@pytest.fixture
def platform(site, tmp_path, monkeypatch):  # a fresh database each test, one server for all
    site.posts.clear()
    config = load(write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")]))
    store = Store(config.database)
    store.save_items("acme", [{**make("review", source="trustpilot", source_id="t-1", rating=1,
                                      url="https://www.trustpilot.com/reviews/t-1", author="Ola Nordmann",
                                      text="The plumber never turned up."), "negative": 1, "sentiment": -1.0}],
                     seen_at="2026-12-01T10:00:00Z")
    store.close()
    poster = LocalPlatform(site.url)
    monkeypatch.setattr(posting, "poster_for", lambda source: poster if source == "trustpilot" else None)
    monkeypatch.setenv("ACME_PLATFORM_TOKEN", "s3cret-token")
    assert cli(config, "list")[0] == 0
    assert cli(config, "approve", 1, name="Dana")[0] == 0
    yield config, site, poster


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


def test_posted_once_with_the_platforms_id_and_never_again(platform):
    config, site, _ = platform
    code, out, err = cli(config, "post", name="Dana")
    assert code == 0 and "posted (201, id r-77)" in out
    [(path, body)] = site.posts
    assert path == "/reviews/t-1/reply" and json.loads(body)["message"].startswith("Hi Ola, thank you for telling us.")
    row, events = reply(config)
    assert (row["status"], row["platform_reply_id"], row["attempts"]) == ("posted", "r-77", 1)
    assert events == ["drafted", "approved", "post_attempt", "posted"]
    assert cli(config, "post", 1)[1].count("already posted") == 1 and cli(config, "post")[0] == 0
    assert len(site.posts) == 1


def test_a_retryable_failure_is_tried_once_more(platform):
    config, site, _ = platform
    site.fail("/reviews/t-1/reply", Reply(503, "busy"))
    assert cli(config, "post")[0] == 0
    assert len(site.posts) == 2 and reply(config)[0]["status"] == "posted"


@pytest.mark.parametrize("status, tries", [(401, 1), (429, 2)])
def test_a_refusal_is_recorded_as_failed_and_stays_listed(platform, status, tries):
    config, site, _ = platform
    site.fail("/reviews/t-1/reply", *[Reply(status, "no")] * tries)
    code, out, err = cli(config, "post")
    assert code == 1 and f"failed: HTTP {status}" in err and len(site.posts) == tries
    row, events = reply(config)
    assert (row["status"], row["last_error"], events[-1]) == ("failed", f"HTTP {status}", "failed")
    assert "failed" in cli(config, "list")[1]
    again = cli(config, "post")
    assert again[0] == 0 and len(site.posts) == tries, again  # a failed reply is retried only by its id
    assert cli(config, "post", 1)[0] == 0 and reply(config)[0]["status"] == "posted"


def test_a_crash_after_sending_leaves_it_unknown_and_a_rerun_does_not_post_again(platform):
    config, site, poster = platform
    poster.crash_after_send = True
    code, out, err = cli(config, "post")
    assert code == 1 and "unknown — check the page" in err and len(site.posts) == 1
    poster.crash_after_send = False
    code, out, err = cli(config, "post")
    assert code == 1 and "unknown — check the page" in err and len(site.posts) == 1  # exactly one post
    assert reply(config)[1][-1] == "post_attempt"
    assert cli(config, "post", retry_unknown=True)[0] == 0 and len(site.posts) == 2  # asked for, after a look


def test_dry_run_shows_the_request_masked_and_sends_nothing(platform, monkeypatch):
    config, site, _ = platform
    code, out, err = cli(config, "post", dry_run=True)
    assert code == 0 and "POST http://127.0.0.1" in out and "Authorization: ***" in out and "s3cret" not in out
    assert site.posts == [] and reply(config)[1][-1] == "approved"
    monkeypatch.delenv("ACME_PLATFORM_TOKEN")
    code, out, err = cli(config, "post")
    assert code == 0 and "paste this reply on https://www.trustpilot.com/reviews/t-1" in out and site.posts == []
    assert "no ACME_PLATFORM_TOKEN" in reply(config)[0]["platform_answer"]
