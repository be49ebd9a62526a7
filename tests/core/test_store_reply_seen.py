"""When we first knew of a review's reply (reply_seen_at, rules.answered_by) on a real SQLite file: the sighting that
brought it, not the site's reply date; a reply posted through repscan from its posting."""

from __future__ import annotations

from repscan.core import rules
from repscan.core.items import make
from repscan.core.store import Store

FIRST, LATER, CUTOFF = "2026-12-01T11:00:00Z", "2026-12-03T09:00:00Z", "2026-12-02T08:00:00Z"


def review(sid: str, **extra) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/{sid}", rating=1,
                   text="Made-up: it came late.", published_at="2026-12-01T10:00:00Z", **extra),
            "negative": 1, "sentiment": -1.0}


def seen(store: Store) -> dict[str, str | None]:
    return {r["source_id"]: r["reply_seen_at"] for r in store.reviews_since("acme", None, threshold=0.4)}


def test_a_reply_counts_from_the_sighting_that_brought_it(tmp_path):
    store = Store(tmp_path / "repscan.db")
    early = {"reply_text": "Made-up: sorry.", "reply_at": "2026-12-01T12:00:00Z"}  # dated before the cutoff
    store.save_items("acme", [review("with-reply", **early), review("found-late"), review("open"),
                              review("posted")], seen_at=FIRST)
    rid = store.add_draft({"client_id": "acme", "source": "trustpilot", "source_id": "posted", "kind": "review",
                           "url": "https://t.example/posted", "language": "en", "situation": "late_delivery",
                           "text": "Made-up: sorry it was late."}, actor="repscan")
    store.approve_reply(rid, actor="ann")
    store.begin_attempt(rid, actor="ann")
    posted = store.mark_posted(rid, platform_reply_id=None, answer="by hand", actor="ann")["posted_at"]
    store.save_items("acme", [review("found-late", **early), review("with-reply", **early)], seen_at=LATER)
    got = seen(store)
    store.close()
    assert got == {"with-reply": FIRST, "found-late": LATER, "open": None, "posted": posted}
    assert rules.answered_by(got["with-reply"], CUTOFF) and not rules.answered_by(got["found-late"], CUTOFF)
    # the late-found reply, dated before the cutoff, is news to the next report; the known one is not
    assert rules.answered_since(FIRST, early["reply_at"], got["found-late"], CUTOFF)
    assert not rules.answered_since(FIRST, early["reply_at"], got["with-reply"], CUTOFF)
