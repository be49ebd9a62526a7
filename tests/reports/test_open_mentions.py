"""A negative mention (no replied state on the site) stays open, report after report, until a reply to it is
posted through repscan or its window (rules.MENTION_WINDOW) passes; then it is counted as an older mention."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpers import write_config
from repscan.core import rules
from repscan.core.config import load
from repscan.core.items import make
from repscan.core.store import Store
from repscan.reports import queries
from repscan.reports.render import render_html

SEEN = "2026-11-01T09:00:00.000000Z"
FIRST, SECOND, THIRD = (datetime(2026, 11, d, 12, tzinfo=timezone.utc) for d in (2, 9, 20))  # weekly, then late


def post(sid: str, text: str, negative: bool) -> dict:
    return {**make("post", source="reddit", source_id=sid, url=f"https://www.reddit.com/r/town/comments/{sid}/x/",
                   author=f"user_{sid}", title=f"Post {sid}", text=text, published_at="2026-11-01T08:00:00Z"),
            "sentiment": -0.8 if negative else 0.5, "negative": negative}


@pytest.fixture
def reports(tmp_path):
    """Three reports in a row over one store; `answered` posts a reply to the refund complaint first."""
    def run(answered: bool) -> list:
        cfg = load(write_config(tmp_path, [("reddit", "https://www.reddit.com/search.rss?q=acme")]))
        store = Store(cfg.database)
        store.save_items("acme", [post("charged", "Acme charged me twice and nobody answers.", True),
                                  post("refund", "Still no refund from Acme after three weeks.", True),
                                  post("praise", "Acme fixed our boiler in an hour, lovely people.", False)],
                         seen_at=SEEN)
        if answered:
            rid = store.add_draft({"client_id": "acme", "source": "reddit", "source_id": "refund", "kind": "post",
                                   "url": "https://www.reddit.com/r/town/comments/refund/x/", "language": "en",
                                   "situation": "billing", "text": "Sorry, we have sent the refund."}, actor="ann")
            store.approve_reply(rid, actor="ann")
            store.mark_posted(rid, platform_reply_id="t1_x", answer="ok", actor="ann")
        client, out, since = cfg.client("acme"), [], None
        for until in (FIRST, SECOND, THIRD):
            out.append(queries.build(cfg, client, store, since=since, until=until))
            since = until.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        store.close()
        return out
    return run


def titles(data) -> list[str]:
    return sorted(a.title for a in data.actions if a.kind == "mention")


def test_an_unanswered_negative_mention_stays_open_until_its_window_passes(reports):
    first, second, third = reports(answered=False)
    assert titles(first) == titles(second) == ["Post charged", "Post refund"]  # nothing new, nothing answered
    assert not second.posts  # not a mention of the second period: it stays open all the same
    assert titles(third) == [] and third.summary.older_mentions == 2  # first seen 19 days before the third
    assert rules.MENTION_WINDOW.days == 14
    assert "2 older negative mentions, first seen more than 14 days ago with no reply posted through repscan" \
           in " ".join(render_html(third).split())


def test_a_reply_posted_through_repscan_closes_a_mention(reports):
    first, second, third = reports(answered=True)
    assert titles(first) == titles(second) == ["Post charged"]
    assert third.summary.older_mentions == 1  # the answered one is handled, not an older open one
