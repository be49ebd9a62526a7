"""Spike alerts: a quiet Trustpilot page crawled through the real pipeline, then three 1-star reviews within the hour:
one spike alert listing them (with the normal alerts), once; a burst that goes on is the same burst, a later one is new."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import timedelta

import pytest
from scenario_site import ClientWeb, review

from helpers import run_cli
from repscan.app.demo import smtp_server
from repscan.core.config import load
from repscan.core.items import make, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import alerts, mail, queries
from repscan.reports.render import render_html

CLIENT = "hlb-internal-7"
WEEK = 24 * 7


def crawl(config) -> None:
    result = run_cli("--config", str(config), "crawl", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]


def inbox(folder) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(folder.glob("*.eml"))]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Thirteen weeks of one 1-star review a week among good ones, crawled and alerted; then three 1-star reviews
    within the hour, crawled again. Yields the config, the store, the SMTP settings and the inbox folder."""
    folder = tmp_path_factory.mktemp("spike")
    now = utcnow().replace(microsecond=0)
    quiet = [review(f"w{n}", 1, WEEK * n + 30, now) for n in range(13)] + \
            [review(f"g{n}", 5, WEEK * n + 60, now) for n in range(6)]
    with ClientWeb(sorted(quiet, key=lambda r: r.published, reverse=True), mentions=False, search=False) as web, \
            smtp_server(folder / "inbox") as smtp:
        config = web.config(folder)
        settings = mail.SmtpSettings("127.0.0.1", smtp.port, "plain")
        cfg = load(config)
        store = Store(cfg.database)
        crawl(config)
        alerts.collect(cfg, store, utcnow())
        alerts.deliver(cfg, store, utcnow(), settings)
        web.business.reviews[:0] = [review(f"bomb{n}", 1, 0.2 + 0.3 * n, now) for n in range(3)]
        crawl(config)
        yield cfg, store, settings, folder / "inbox"
        store.close()


@pytest.mark.drill  # the scene: two crawls in fresh processes, about 3 s
def test_three_one_star_reviews_within_the_hour_alert_one_spike_once(scene):
    cfg, store, settings, folder = scene
    assert not [a for a in store.alerts(CLIENT) if a["kind"] == "spike"]  # the quiet weeks never made one
    before = len(inbox(folder))
    now = utcnow()
    alerts.collect(cfg, store, now)
    [spike] = [a for a in store.alerts(CLIENT) if a["kind"] == "spike"]
    assert spike["source"] == "trustpilot" and spike["title"] == "3 negative reviews within the hour"
    assert spike["detail"] == "usually about 1 a week"
    assert sorted(r["key"] for r in alerts.burst(spike)) == [f"trustpilot:bomb{n}" for n in range(3)]
    assert {a["item_key"] for a in store.alerts(CLIENT) if a["kind"] == "review"} >= \
        {f"trustpilot:bomb{n}" for n in range(3)}  # the normal per-review alerts still go
    [result] = alerts.deliver(cfg, store, now, settings)
    assert result.error is None
    [message] = inbox(folder)[before:]
    text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert message["Subject"].startswith("Alert for Harbour Lane Bakery: spike of negative reviews on Trustpilot")
    assert "A sudden burst of negative reviews on Trustpilot: 3 negative reviews within the hour" in text
    for n in range(3):
        assert f"1/5 — by Person bomb{n} — “Title bomb{n}” — " in text
        assert f"Title bomb{n}" in html
    assert "Trustpilot Business account" in text and "Not based on a genuine experience" in text
    assert html.count("<li>") == 3

    assert alerts.collect(cfg, store, utcnow()) == 0  # a rerun: nothing more
    assert alerts.deliver(cfg, store, utcnow(), settings) == []
    assert len(inbox(folder)) == before + 1


@pytest.mark.drill
def test_the_report_summary_names_the_period_s_spike(scene):
    cfg, store, settings, folder = scene
    alerts.collect(cfg, store, utcnow())  # whichever test runs first makes the alert
    client = cfg.client(CLIENT)
    data = queries.build(cfg, client, store, since=None, until=utcnow())
    [words] = data.summary.spikes
    assert words.startswith("3 negative reviews within the hour on Trustpilot, ")
    assert "Spike of negative reviews:</strong> 3 negative reviews within the hour on Trustpilot" in render_html(data)
    later = queries.build(cfg, client, store, since=stamp(utcnow()), until=utcnow() + timedelta(days=7))
    assert later.summary.spikes == ()  # the next period had none


@pytest.fixture
def quiet_store(tmp_path):
    """A store whose Trustpilot source imported a year of one negative a week, the day before NOW."""
    from helpers import imported, write_config

    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")]))
    store = Store(cfg.database)
    imported(store, [rated(f"w{n}", 1, NOW - timedelta(days=7 * n + 20)) for n in range(52)],
             stamp(NOW - timedelta(days=1)))
    yield cfg, store
    store.close()


NOW = utcnow().replace(microsecond=0)


def rated(sid, stars, published, precision="exact"):
    return {**make("review", source="trustpilot", source_id=sid, url=f"https://t.example/reviews/{sid}",
                   author=f"Person {sid}", title=f"Title {sid}", rating=stars, text="Text.",
                   published_at=stamp(published)[:19] + "Z", published_precision=precision),
            "sentiment": -1.0, "negative": stars <= 2}


def spikes(store) -> list[dict]:
    return [a for a in store.alerts("acme") if a["kind"] == "spike"]


def test_a_burst_that_goes_on_is_the_same_burst_and_a_later_one_alerts_again(quiet_store):
    cfg, store = quiet_store
    assert alerts.collect(cfg, store, NOW) == 0  # a year of history: no alert of any kind
    store.save_items("acme", [rated(f"a{n}", 1, NOW - timedelta(minutes=50 - 10 * n)) for n in range(3)],
                     seen_at=stamp(NOW))
    assert alerts.collect(cfg, store, NOW) == 4 and len(spikes(store)) == 1  # the three, and the spike
    later = NOW + timedelta(hours=2)
    store.save_items("acme", [rated("a3", 2, later - timedelta(minutes=5))], seen_at=stamp(later))
    assert alerts.collect(cfg, store, later) == 1 and len(spikes(store)) == 1  # its review only
    again = NOW + timedelta(days=3)
    store.save_items("acme", [rated(f"b{n}", 1, again - timedelta(minutes=30 - n)) for n in range(3)],
                     seen_at=stamp(again))
    assert alerts.collect(cfg, store, again) == 4
    first, second = spikes(store)
    assert [r["key"] for r in alerts.burst(second)] == [f"trustpilot:b{n}" for n in range(3)]
    assert first["item_key"] != second["item_key"]


def test_undated_reviews_count_when_first_seen_and_a_backfill_of_old_ones_is_no_spike(quiet_store):
    cfg, store = quiet_store
    weeks_ago = NOW - timedelta(days=21)  # "3 weeks ago" on the page, found only now: a backfill, old news (rules.history)
    store.save_items("acme", [rated(f"c{n}", 1, weeks_ago, precision="approximate") for n in range(3)],
                     seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    assert spikes(store) == []
    store.save_items("acme", [{**rated(f"u{n}", 1, NOW), "published_at": None, "published_precision": None}
                              for n in range(3)], seen_at=stamp(NOW))  # undated: nothing says they are old
    alerts.collect(cfg, store, NOW)
    [spike] = spikes(store)
    assert sorted(r["key"] for r in alerts.burst(spike)) == [f"trustpilot:u{n}" for n in range(3)]


def test_positive_reviews_and_history_never_make_a_spike(quiet_store):
    cfg, store = quiet_store
    store.save_items("acme", [rated(f"p{n}", 5, NOW - timedelta(minutes=n)) for n in range(6)], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    assert spikes(store) == []


def test_a_webhook_gets_the_spike_with_its_reviews_and_the_flag_route(quiet_store, tmp_path):
    from repscan.app.demo.server import LocalSite, Reply

    cfg, store = quiet_store
    with LocalSite(lambda path, query: Reply(200, "ok")) as hook:
        client = cfg.clients[0].model_copy(update={
            "apprise": [f"json://127.0.0.1:{hook.server.server_address[1]}/hook"], "recipients": []})
        cfg = type(cfg)(path=cfg.path, settings=cfg.settings.model_copy(update={"clients": [client]}))
        store.save_items("acme", [rated(f"a{n}", 1, NOW - timedelta(minutes=50 - 10 * n)) for n in range(3)],
                         seen_at=stamp(NOW))
        alerts.collect(cfg, store, NOW)
        [result] = alerts.deliver(cfg, store, NOW, None)
        assert result.sent == 4 and result.error is None
        [spike] = [json.loads(body) for path, body in hook.posts if "spike" in json.loads(body)["title"]]
    assert spike["title"] == "Acme Plumbing: spike of negative reviews on Trustpilot: 3 negative reviews within the hour"
    assert "1/5 — by Person a2 — “Title a2” — https://t.example/reviews/a2" in spike["message"]
    assert "Trustpilot Business account" in spike["message"]


def post(sid, published, author=None):
    return {**make("post", source="facebook", source_id=sid, url=f"https://fb.example/acme/posts/{sid}",
                   parent_url="https://fb.example/acme", author=author or f"Person {sid}", title=None,
                   text="Made-up angry words.", published_at=stamp(published)[:19] + "Z"),
            "sentiment": -0.9, "negative": True}


def test_negative_posts_on_the_client_s_page_in_a_burst_are_a_spike_but_never_its_own(quiet_store):
    cfg, store = quiet_store
    own = post("own", NOW - timedelta(minutes=45), author="Acme Plumbing")  # the business's own post: not a burst
    store.save_items("acme", [own, *(post(f"f{n}", NOW - timedelta(minutes=40 - 10 * n)) for n in range(2))],
                     seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    assert spikes(store) == []
    store.save_items("acme", [post("f2", NOW - timedelta(minutes=5))], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    [spike] = spikes(store)
    assert spike["source"] == "facebook" and spike["title"] == "3 negative posts within the hour"
    assert [(r["key"], r["kind"]) for r in alerts.burst(spike)] == [(f"facebook:f{n}", "post") for n in range(3)]
    assert alerts.headline(spike) == "spike of negative posts on Facebook: 3 negative posts within the hour"
    assert alerts.burst_line(alerts.burst(spike)[0]) == \
        "post — by Person f0 — https://fb.example/acme/posts/f0"
    message = alerts.alert_message(cfg, cfg.clients[0], [spike]).get_body(("plain",)).get_content()
    assert "A sudden burst of negative posts on Facebook: 3 negative posts within the hour, none in the 90 days" \
           " before." in message


def test_a_burst_of_reviews_and_posts_on_one_source_is_one_spike_that_says_so(quiet_store):
    cfg, store = quiet_store
    reviews = [{**rated(f"fr{n}", 1, NOW - timedelta(minutes=30 + n)), "source": "facebook"} for n in range(2)]
    store.save_items("acme", [*reviews, post("fp", NOW - timedelta(minutes=10))], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    [spike] = spikes(store)
    assert spike["title"] == "3 negative reviews and posts within the hour"
    assert sorted(r["kind"] for r in alerts.burst(spike)) == ["post", "review", "review"]
    assert alerts.headline(spike).startswith("spike of negative reviews and posts on Facebook: ")


def test_a_spike_of_news_pages_or_posts_is_never_told_to_report_fake_reviews():
    """Three negative news pages from an alerts feed have no report button; a burst of posts is answered in place."""
    from repscan.reports.alerts import next_step

    news, posts, reviews = (next_step("spike", "feed", "post"), next_step("spike", "facebook", "post"),
                            next_step("spike", "trustpilot", "review"))
    assert "publisher" in news and "report" not in news.replace("reported", "")
    assert "where it was posted" in posts and "fake" not in posts
    assert "fake" in reviews


def test_a_burst_of_reviews_dated_by_day_says_the_day_not_within_the_hour(quiet_store):
    """A site that dates reviews by day gives them all the date's midnight: three on one day are "on 15 Nov", never
    "within the hour" (which their times cannot tell)."""
    cfg, store = quiet_store
    day = (NOW - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    store.save_items("acme", [rated(f"d{n}", 1, day, precision="day") for n in range(3)], seen_at=stamp(NOW))
    alerts.collect(cfg, store, NOW)
    [spike] = spikes(store)
    assert spike["title"] == f"3 negative reviews on {day.day} {day:%b}"
    assert "hour" not in spike["title"]
    west = cfg.clients[0].model_copy(update={"timezone": "America/Los_Angeles"})  # midnight UTC is the day before there
    data = queries.build(type(cfg)(path=cfg.path, settings=cfg.settings.model_copy(update={"clients": [west]})), west,
                         store, since=stamp(NOW - timedelta(days=2)), until=NOW)
    assert [f", {day.day} {day:%b} (" in line for line in data.summary.spikes] == [True]
