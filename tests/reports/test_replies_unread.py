"""A negative review last read on a page whose replies could not be read (a JSON-LD fallback: crawls.UNREAD_REPLIES)
may have been answered: the delivered report and email say the reply is not known, never "No reply yet"; a review last
read with its replies still says "No reply yet" (real SQLite, the PDF's text through pypdf, the email through
aiosmtpd)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from delivered import Delivered
from helpers import write_config
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.core.store.crawls import UNREAD, UNREAD_REPLIES

PAGE_A = "https://www.trustpilot.com/review/acme.example"
PAGE_B = "https://www.trustpilot.com/review/acme-north.example"
UNKNOWN = "No reply seen (we could not read the replies on Trustpilot), waiting"


def review(sid: str, url: str, published: datetime, **reply) -> dict:
    return {**make("review", source="trustpilot", source_id=sid, url=f"{url}#{sid}", rating=1, author=f"Person {sid}",
                   title=f"Title {sid}", text="The plumber never came.", published_at=published.isoformat(),
                   business_url=url, **reply), "negative": 1, "sentiment": -0.9}


def crawl(store: Store, url: str, at: datetime, items: list[dict], error: str | None = None) -> None:
    crawl_id = store.start_crawl("acme", "trustpilot", "SourceSpider", url, started_at=stamp(at))
    store.save_items("acme", items, crawl_id=crawl_id, seen_at=stamp(at))
    store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=0, requests=1, pages=1, full=False,
                       error=error, finished_at=stamp(at))


def test_a_review_last_read_without_its_replies_is_not_said_to_have_none(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", PAGE_A), ("trustpilot", PAGE_B)]))
    now = datetime.now(timezone.utc)
    published = now - timedelta(days=3)
    first, second = now - timedelta(days=2), now - timedelta(hours=2)
    unread = (f"{UNREAD}{UNREAD_REPLIES}trustpilot: {PAGE_B} gives 2 of its 2 reviews only as JSON-LD (no usable"
              " __NEXT_DATA__, no review card), which carries no replies")
    store = Store(cfg.database)
    crawl(store, PAGE_A, first, [review("plain", PAGE_A, published)])
    crawl(store, PAGE_B, first, [review("open", PAGE_B, published),
                                 review("answered", PAGE_B, published, reply_text="Sorry, we will call you.",
                                        reply_at=(published + timedelta(hours=1)).isoformat())])
    crawl(store, PAGE_A, second, [review("plain", PAGE_A, published)])
    crawl(store, PAGE_B, second, [review("open", PAGE_B, published), review("answered", PAGE_B, published)],
          error=unread)
    rows = {row["source_id"]: row["replies_unread"] for row in store.reviews_since("acme", None, threshold=0.4)}
    store.close()
    assert rows == {"plain": 0, "open": 1, "answered": 0}  # the reply read earlier is kept, so known

    report = Delivered(cfg, tmp_path)
    for text in (report.pdf, " ".join(report.text.split())):
        assert text.count(UNKNOWN) == 1, text
        assert text.count("No reply yet, waiting") == 1  # "plain", read with its replies
