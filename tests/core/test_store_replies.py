"""The reply store on a real SQLite file: once per item and text, the states a reply may move through, the log, and
the replied rule counting a reply posted from repscan until a crawl sees it on the site (and confirms it)."""

from __future__ import annotations

import pytest

from repscan.core.items import make
from repscan.core.store import Store
from repscan.core.store.replies import outcome_unknown

SEEN = "2026-12-01T11:00:00Z"


def review(sid: str, rating: int, **extra) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/{sid}", rating=rating,
                   text="It came late.", published_at="2026-12-01T10:00:00Z", **extra),
            "negative": int(rating <= 2), "sentiment": -1.0}


def draft_row(sid: str, text: str = "Sorry it was late.") -> dict:
    return {"client_id": "acme", "source": "trustpilot", "source_id": sid, "kind": "review",
            "url": f"https://t.example/{sid}", "language": "en", "situation": "late_delivery", "text": text}


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [review("bad", 1), review("good", 5), review("answered", 2, reply_text="Sorry!")],
                     seen_at=SEEN)
    yield store
    store.close()


def test_only_open_negatives_need_a_draft_and_each_text_is_stored_once(store):
    assert [row["source_id"] for row in store.undrafted("acme", threshold=0.4, posts_since=SEEN)] == ["bad"]
    first = store.add_draft(draft_row("bad"), actor="repscan")
    assert first and store.add_draft(draft_row("bad", " Sorry it   was late. "), actor="repscan") is None
    assert store.undrafted("acme", threshold=0.4, posts_since=SEEN) == []
    assert [e["event"] for e in store.reply_log(first)] == ["drafted"]


def test_a_reply_moves_draft_approved_posted_and_an_edit_needs_a_new_approval(store):
    rid = store.add_draft(draft_row("bad"), actor="repscan")
    with pytest.raises(ValueError, match="is draft"):
        store.begin_attempt(rid, actor="ann")
    store.approve_reply(rid, actor="ann")
    row = store.edit_reply(rid, "Sorry, Maren.", actor="bob")
    assert (row["status"], row["approved_by"]) == ("draft", None)
    assert store.approve_reply(rid, actor="ann")["approved_by"] == "ann"
    row = store.begin_attempt(rid, actor="ann")
    assert row["attempts"] == 1 and outcome_unknown(row)  # the attempt is on record before anything is sent
    with pytest.raises(ValueError, match="unknown — check the page"):
        store.begin_attempt(rid, actor="bob")  # a second process posting the same reply does not get to send
    row = store.mark_posted(rid, platform_reply_id="r-9", answer="201 Created", actor="ann")
    assert not outcome_unknown(row) and row["posted_at"]
    for change in (lambda: store.edit_reply(rid, "x", actor="bob"), lambda: store.begin_attempt(rid, actor="ann")):
        with pytest.raises(ValueError, match="is posted"):
            change()
    assert [e["event"] for e in store.reply_log(rid)] == ["drafted", "approved", "edited", "approved",
                                                          "post_attempt", "posted"]


def test_a_failed_post_is_recorded_and_may_be_tried_again(store):
    rid = store.add_draft(draft_row("bad"), actor="repscan")
    store.approve_reply(rid, actor="ann")
    store.begin_attempt(rid, actor="ann")
    row = store.mark_failed(rid, "429 Too Many Requests", actor="ann")
    assert (row["status"], row["last_error"], outcome_unknown(row)) == ("failed", "429 Too Many Requests", False)
    store.begin_attempt(rid, actor="ann")
    assert store.mark_posted(rid, platform_reply_id=None, answer="200", actor="ann")["attempts"] == 2


def test_a_reply_posted_from_repscan_counts_as_answered_until_the_crawl_sees_it_and_confirms(store):
    rid = store.add_draft(draft_row("bad"), actor="repscan")
    assert [r["source_id"] for r in store.unanswered_negatives("acme", threshold=0.4)] == ["bad"]
    store.approve_reply(rid, actor="ann")
    store.begin_attempt(rid, actor="ann")
    posted = store.mark_posted(rid, platform_reply_id=None, answer="by hand", actor="ann")["posted_at"]
    assert store.unanswered_negatives("acme", threshold=0.4) == []
    assert store.review_stats("acme", threshold=0.4)["unanswered"] == 0
    [row] = [r for r in store.reviews_since("acme", None, threshold=0.4) if r["source_id"] == "bad"]
    assert (row["reply_at"], row["reply_precision"]) == (posted, "exact")  # reply speed counts it

    store.save_items("acme", [review("bad", 1)], seen_at="2026-12-02T11:00:00Z")  # not on the site yet
    assert "confirmed" not in [e["event"] for e in store.reply_log(rid)]
    store.save_items("acme", [review("bad", 1, reply_text="Sorry it was late.", reply_at="2026-12-02T12:00:00Z")],
                     seen_at="2026-12-02T13:00:00Z")
    assert [e["event"] for e in store.reply_log(rid)][-1] == "confirmed"
    [row] = [r for r in store.reviews_since("acme", None, threshold=0.4) if r["source_id"] == "bad"]
    assert row["reply_at"] == "2026-12-02T12:00:00Z"  # the site's own time wins once it shows the reply
