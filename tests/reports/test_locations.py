"""A chain's per-location figures in-process, over a real SQLite store: the rows add up to the roll-up, the roll-up is
the headline, an item's location is its source's (read from the config at report time), and a client without
locations sees no change."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from helpers import write_config
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail, queries
from repscan.reports.render import render_html

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
KYIV, LVIV, BRAND = "https://t.example/review/kyiv", "https://t.example/review/lviv", "https://acme.example/reviews"
LOCATIONS = [{"id": "kyiv", "name": "Kyiv, Khreshchatyk"}, {"id": "lviv", "name": "Lviv, Rynok Square"}]


def review(sid, source, rating, hours, reply_after=None):
    published = NOW - timedelta(hours=hours)
    return {**make("review", source=source, source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", rating=rating, text="Made-up text.", published_at=stamp(published),
                   reply_text="Sorry, we are on it." if reply_after else None,
                   reply_at=stamp(published + timedelta(hours=reply_after)) if reply_after else None),
            "sentiment": 0.0, "negative": rating <= 2}


PAGES = {  # source URL -> (site, its reviews: stars, hours ago, reply after)
    KYIV: ("trustpilot", [("k1", 1, 5, 2), ("k2", 2, 30, None), ("k3", 5, 50, None)]),
    LVIV: ("trustpilot", [("l1", 1, 10, 4), ("l2", 2, 20, 8), ("l3", 4, 60, None), ("l4", 3, 70, None)]),
    BRAND: ("jsonld", [("b1", 2, 15, None)]),
}


def store_for(tmp_path, where: dict[str, str | None], locations=LOCATIONS):
    """The config (each page's location from `where`) and a store with each page crawled once, 4 hours ago (its
    schedule's interval: read, not stale)."""
    sources = [{"site": site, "url": url, **({"location": where[url]} if where.get(url) else {})}
               for url, (site, _) in PAGES.items()]
    cfg = load(write_config(tmp_path, sources, clients=[{
        "id": "acme", "name": "Acme Bakeries", "recipients": ["owner@acme.example"], "timezone": "Europe/Kyiv",
        "sources": sources, "locations": locations}]))
    store = Store(cfg.database)
    for url, (site, plan) in PAGES.items():
        crawl = store.start_crawl("acme", site, "Spider", url, started_at=stamp(NOW - timedelta(hours=4)))
        store.save_items("acme", [review(sid, site, *rest) for sid, *rest in plan], crawl_id=crawl,
                         seen_at=stamp(NOW - timedelta(hours=1)))
        store.finish_crawl(crawl, status="ok", items=len(plan), new_items=len(plan), requests=1, pages=1, full=True,
                           error=None, finished_at=stamp(NOW - timedelta(hours=4)))
    return cfg, store


def report(cfg, store):
    return queries.build(cfg, cfg.client("acme"), store, since=None, until=NOW)


@pytest.fixture
def chain(tmp_path):
    cfg, store = store_for(tmp_path, {KYIV: "kyiv", LVIV: "lviv"})
    yield cfg, store, report(cfg, store)
    store.close()


def test_the_roll_up_is_the_headline_and_the_rows_add_up_to_it(chain):
    _, _, data = chain
    *rows, total = data.locations
    assert [r.name for r in rows] == ["Kyiv, Khreshchatyk", "Lviv, Rynok Square", "All locations"] and total.total
    summary, speed = data.summary, data.reply_speed
    assert (total.new_reviews, total.new_negatives, total.negatives_replied, total.unanswered, total.reviews_total) \
        == (summary.new_reviews, summary.new_negatives, summary.negatives_replied, summary.unanswered_negatives,
            summary.reviews_total) == (8, 5, 3, 2, 8)
    assert total.avg_rating == pytest.approx(summary.avg_rating) and total.median_reply == speed.median
    for name in ("new_reviews", "new_negatives", "negatives_replied", "unanswered", "reviews_total"):
        assert sum(getattr(r, name) for r in rows) == getattr(total, name), name


def test_each_row_counts_its_own_pages_reviews(chain):
    _, _, data = chain
    kyiv, lviv, brand, _ = data.locations
    assert (kyiv.new_reviews, kyiv.new_negatives, kyiv.answered, kyiv.median_reply, kyiv.unanswered, kyiv.rating) \
        == (3, 2, "1 of 2 (50%)", timedelta(hours=2), 1, "2.7")
    assert (lviv.new_reviews, lviv.new_negatives, lviv.answered, lviv.median_reply, lviv.unanswered, lviv.rating) \
        == (4, 2, "2 of 2 (100%)", timedelta(hours=6), 0, "2.5")
    assert (brand.new_reviews, brand.answered, brand.median_reply, brand.unanswered) == (1, "0 of 1 (0%)", None, 1)


def test_the_action_list_names_the_location_and_the_report_shows_the_table(chain):
    _, _, data = chain
    assert sorted((a.author, a.at) for a in data.actions) == [
        ("Person b1", "All locations — t.example"), ("Person k2", "Kyiv, Khreshchatyk — Trustpilot")]
    html = render_html(data)
    assert "Location by location" in html and "Kyiv, Khreshchatyk — Trustpilot" in html


def test_a_location_whose_page_is_blocked_says_so_instead_of_looking_quiet(tmp_path):
    """Lviv's page blocked since its last good crawl: its row shows last-known figures, so it must say they may be
    short, and the other rows must not."""
    cfg, store = store_for(tmp_path, {KYIV: "kyiv", LVIV: "lviv"})
    blocked = store.start_crawl("acme", "trustpilot", "Spider", LVIV, started_at=stamp(NOW - timedelta(hours=3)))
    store.finish_crawl(blocked, status="blocked", items=0, new_items=0, requests=1, pages=0, full=False,
                       error="captcha", finished_at=stamp(NOW - timedelta(hours=3)))
    data = report(cfg, store)
    store.close()
    kyiv, lviv, brand, total = data.locations
    assert lviv.unread == ("Trustpilot: not read since 20 Nov",) and kyiv.unread == brand.unread == total.unread == ()
    html = render_html(data)
    assert "Trustpilot: not read since 20 Nov" in html and "may have more reviews than its row shows" in html


def test_no_mark_when_every_page_was_read(chain):
    _, _, data = chain
    assert all(row.unread == () for row in data.locations)
    assert "may have more reviews than its row shows" not in render_html(data)


def test_a_source_moved_to_another_location_takes_its_history_along(tmp_path):
    """The location is read from the config at report time: correcting a source's location corrects its past too."""
    cfg, store = store_for(tmp_path, {KYIV: "kyiv", LVIV: "kyiv"}, locations=LOCATIONS[:1])  # Lviv's page was Kyiv's
    kyiv, *rest = report(cfg, store).locations
    store.close()
    assert kyiv.new_reviews == 7 and "Lviv" not in " ".join(str(row) for row in rest)


def test_a_client_without_locations_sees_no_change(tmp_path):
    cfg, store = store_for(tmp_path, {}, locations=[])
    data = report(cfg, store)
    store.close()
    assert data.locations == [] and all(a.location is None for a in data.actions)
    html = render_html(data)
    assert "Location by location" not in html and "All locations" not in html and " — Trustpilot" not in html


def test_the_alert_email_names_the_location_over_real_smtp(chain, tmp_path):
    cfg, store, _ = chain
    with smtp_server(tmp_path / "inbox") as smtp:
        alerts.collect(cfg, store, NOW)
        [result] = alerts.deliver(cfg, store, NOW, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
    assert result.error is None
    [path] = (tmp_path / "inbox").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    # the unanswered negatives: k2 in Kyiv, b1 on the brand's page (answered ones ask for no reply: no alert)
    for place, count in (("Kyiv, Khreshchatyk — Trustpilot", 1), ("Lviv, Rynok Square — Trustpilot", 0),
                         ("All locations — t.example", 1)):
        assert text.count(f"\n  {place}\n") == count and html.count(f"{place}</p>") == count, place


def test_a_spike_is_counted_per_location_and_names_it(chain, tmp_path):
    """Trustpilot has negatives within a day over both locations, two at each: no place had a spike, but the site as
    a whole did (an attack spread over a chain's pages is still caught), named for no one location. Then three
    1-star reviews within the hour at Kyiv: a spike at Kyiv, named, its reviews Kyiv's alone (a client without
    locations keeps one count per site: test_alerts_spike.py)."""
    cfg, store, _ = chain
    alerts.collect(cfg, store, NOW)
    [chain_wide] = [a for a in store.pending_alerts(stamp(NOW)) if a["kind"] == "spike"]
    assert chain_wide["item_key"].startswith("trustpilot at all locations burst from ")
    assert {r["key"][len("trustpilot:")] for r in alerts.burst(chain_wide)} == {"k", "l"}  # both locations' reviews
    [spread] = alerts.with_locations(cfg.client("acme"), store, [chain_wide])
    assert spread["location"] is None and alerts.place_line(spread) is None
    crawl = store.start_crawl("acme", "trustpilot", "Spider", KYIV, started_at=stamp(NOW))
    store.save_items("acme", [review(f"k-burst-{n}", "trustpilot", 1, 0.5 + n / 10) for n in range(3)],
                     crawl_id=crawl, seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    [spike] = [a for a in store.pending_alerts(stamp(NOW)) if a["kind"] == "spike" and a["id"] != chain_wide["id"]]
    assert spike["item_key"].startswith("trustpilot at kyiv burst from ")
    # Kyiv's negatives within the day not already in the chain-wide spike (k1, five hours ago), none of Lviv's
    assert sorted(r["key"] for r in alerts.burst(spike)) == [*(f"trustpilot:k-burst-{n}" for n in range(3)),
                                                             "trustpilot:k1"]
    [located] = alerts.with_locations(cfg.client("acme"), store, [spike])
    assert alerts.place_line(located) == "Kyiv, Khreshchatyk — Trustpilot"
