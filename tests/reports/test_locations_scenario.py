"""Issue 18, locations: a two-location chain (and its brand-wide page) crawled through the real pipeline, its report
sent over SMTP and read back from the PDF: each location's figures equal those worked out here from the pages' own
reviews, the roll-up equals the headline, and the action list and the alert email name each item's location."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta
from statistics import median

import pytest

from helpers import run_cli
from scenario_site import review, send
from repscan.app import configfile
from repscan.app.demo import smtp_server
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import Business, Review, trustpilot_page
from repscan.core.config import load
from repscan.core.items import parse_iso, stamp, utcnow
from repscan.core.store import Store
from repscan.reports import alerts, mail

NOW = utcnow()
CLIENT = "dough"
KYIV, LVIV = "Kyiv, Khreshchatyk", "Lviv, Rynok Square"
pytestmark = pytest.mark.drill  # a crawl and a send in fresh processes, about 8 s (test_locations.py: in-process)


def reviews(prefix: str, plan: list[tuple[int, float, float | None]]) -> list[Review]:
    """(stars, hours ago, reply after hours or None) -> made-up reviews, newest first."""
    made = [review(f"{prefix}{n}", stars, hours, NOW, reply_after=reply) for n, (stars, hours, reply) in enumerate(plan)]
    return sorted(made, key=lambda r: r.published, reverse=True)


class ChainWeb:
    """Three Trustpilot-structured pages on 127.0.0.1: one per location and the brand's own (every location)."""

    def __init__(self):
        self.pages = {
            "kyiv": Business("kyiv.dough.example", "Dough & Co Kyiv", 3.0,
                             reviews("k", [(1, 5, 2), (2, 30, None), (5, 50, None), (4, 70, None)]), per_page=20),
            "lviv": Business("lviv.dough.example", "Dough & Co Lviv", 2.1,
                             reviews("l", [(1, 10, 5), (1, 20, 9), (2, 40, 1), (4, 60, None)]), per_page=20),
            None: Business("dough.example", "Dough & Co", 3.5, reviews("b", [(2, 15, None), (5, 25, None)]), per_page=20),
        }
        self.local = LocalSite(self.route)

    def route(self, path, query):
        for business in self.pages.values():
            if path == f"/review/{business.slug}":
                body = trustpilot_page(business, int((query.get("page") or ["1"])[0]), self.local.url)
                return Reply(body=body) if body else None
        return None

    def config(self, folder):
        sources = [{"site": "trustpilot", "url": f"{self.local.url}/review/{business.slug}",
                    **({"location": key} if key else {})} for key, business in self.pages.items()]
        return configfile.write_config(
            folder / "repscan.toml", agency={"name": "Test Agency", "sender": "reports@agency.example"},
            storage={"database": "repscan.db", "reports_dir": "out"},
            crawl={"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 0},
            clients=[{"id": CLIENT, "name": "Dough & Co", "recipients": ["owner@dough.example"],
                      "timezone": "Europe/Kyiv", "sources": sources,
                      "locations": [{"id": "kyiv", "name": KYIV, "address": "Khreshchatyk 1"},
                                    {"id": "lviv", "name": LVIV}]}])

    def __enter__(self):
        self.local.__enter__()
        return self

    def __exit__(self, *exc):
        self.local.__exit__(*exc)


def expected(rows: list[Review]) -> str:
    """A table row's figures worked out from the reviews on the pages: new, negative (2 stars or fewer of 5), answered,
    median reply, waiting, average rating; as the report writes them."""
    negatives = [r for r in rows if r.rating <= 2]
    replied = [r for r in negatives if r.reply]
    hours = [(parse_iso(r.reply_at) - parse_iso(r.published)).total_seconds() / 3600 for r in replied]
    answered = f"{len(replied)} of {len(negatives)} ({round(100 * len(replied) / len(negatives))}%)" if negatives else "–"
    hour, minutes = divmod(int(median(hours) * 60), 60) if hours else (0, 0)
    assert hour < 10  # the pages' replies: hours and minutes, as the report writes them below 10 h
    took = ("–" if not hours else f"{hour} h {minutes} min" if hour and minutes else f"{hour} h" if hour
            else f"{minutes} min")
    average = f"{sum(r.rating for r in rows) / len(rows):.1f}"
    return f"{len(rows)} {len(negatives)} {answered} {took} {len(negatives) - len(replied)} {average}"


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The chain crawled, its alerts delivered over SMTP, then its first report sent (as `repscan run` does: a burst
    a sent report told already is no spike, rules.spike_told)."""
    folder = tmp_path_factory.mktemp("chain")
    with ChainWeb() as web:
        crawled = run_cli("--config", str(web.config(folder)), "crawl", "--quiet")
        assert crawled.returncode == 0, crawled.stderr[-2000:]
    config = load(folder / "repscan.toml")
    store = Store(config.database)
    with smtp_server(folder / "inbox") as smtp:
        alerts.collect(config, store, NOW)
        kinds = sorted(a["kind"] for a in store.pending_alerts(stamp(NOW)))
        [result] = alerts.deliver(config, store, NOW, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
    store.close()
    delivered = send(folder, folder / "repscan.toml", client=CLIENT)
    assert result.error is None
    # one per negative review without a reply (an alert asks for one), and one spike for the chain: four within 20
    # hours on Trustpilot, at most two at any one place (no location's spike) but far above the site's usual rate
    waiting = sum(1 for page in web.pages.values() for r in page.reviews if r.rating <= 2 and not r.reply)
    assert 0 < waiting < 6 and kinds == ["review"] * waiting + ["spike"]
    [message] = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                 for p in (folder / "inbox").glob("*.eml")]
    return web.pages, delivered, message


def table(delivered) -> str:
    text = delivered.all
    return text[text.index("Location by location"): text.index("Each review counts at the location")]


def test_each_location_has_the_figures_of_its_own_page(chain):
    pages, delivered, _ = chain
    rows = table(delivered)
    assert f"{KYIV} Khreshchatyk 1 {expected(pages['kyiv'].reviews)} " in rows
    assert f"{LVIV} {expected(pages['lviv'].reviews)} " in rows
    brand = "All locations brand-wide pages"
    assert f"{brand} {expected(pages[None].reviews)} " in rows
    assert rows.index(KYIV) < rows.index(LVIV) < rows.index(brand) < rows.index("Total Dough & Co")


def test_the_roll_up_is_the_whole_chain_and_equals_the_headline(chain):
    pages, delivered, _ = chain
    everything = [r for business in pages.values() for r in business.reviews]
    total = re.search(r"Total Dough & Co (\d+) (\d+) (\d+ of \d+ \(\d+%\)) (\d+ h(?: \d+ min)?|\d+ min|–) (\d+) (\S+)", table(delivered))
    assert total and " ".join(total.groups()) == expected(everything)
    new, negatives, answered, took, waiting, rating = total.groups()
    summary = delivered.all[delivered.all.index("Summary"):delivered.all.index("Location by location")]
    for label, value in (("New reviews", new), ("New negative reviews", negatives), ("Negatives answered", answered),
                         ("Negative reviews without a reply", waiting), ("Average rating", rating)):
        assert f"{label} {value} " in summary, label
    assert f"the median reply took {took}." in summary


def test_the_action_list_names_each_items_location(chain):
    pages, delivered, _ = chain
    needs = delivered.all[delivered.all.index("Needs a reply now"):delivered.all.index("Summary")]
    assert needs.count(f"{KYIV} — Trustpilot") == 1  # k1 has its reply; k2 waits
    assert f"{KYIV} — Trustpilot · ★★☆☆☆ 2/5 · Person k1" in needs
    assert f"{LVIV} — Trustpilot" not in needs  # every Lviv negative is answered
    assert "All locations — Trustpilot · ★★☆☆☆ 2/5 · Person b0" in needs
    # and the report's email, both parts
    assert f"* Negative review on Trustpilot ({KYIV}), ★★☆☆☆ 2/5, by Person k1" in delivered.text
    assert f"<strong>{KYIV} — Trustpilot</strong>" in delivered.html


def test_the_alert_email_names_each_reviews_location(chain):
    pages, _, message = chain
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    for name, key in ((KYIV, "kyiv"), (LVIV, "lviv"), ("All locations", None)):
        negatives = [r for r in pages[key].reviews if r.rating <= 2 and not r.reply]
        assert text.count(f"  {name} — Trustpilot\n") == len(negatives), name
        assert html.count(f"{name} — Trustpilot</p>") == len(negatives), name
    first = next(r for r in pages["kyiv"].reviews if r.rating <= 2 and not r.reply)
    assert re.search(rf"\* new negative review on Trustpilot \({first.rating}/5\)\n  {KYIV} — Trustpilot\n  by {first.author}\n", text)
    # the chain-wide spike comes first and names no one location: its reviews are at two
    assert text.count("* spike of negative reviews on Trustpilot: 4 negative reviews within 20 hours\n") == 1
    spike = text[text.index("* spike of negative reviews"):text.index("* new negative review")]
    assert " — Trustpilot\n" not in spike.split("\n", 2)[1]


def test_the_platform_table_shows_the_sites_figures_over_every_page_of_the_chain(chain):
    """Three Trustpilot pages: the public count added up and the rating weighted by each page's count, never the
    figures of the page crawled last."""
    pages, delivered, _ = chain
    count = sum(len(business.reviews) for business in pages.values())
    rating = sum(business.rating * len(business.reviews) for business in pages.values()) / count
    board = " ".join(delivered.all[delivered.all.index("Platform by platform"):].split())
    assert f"Trustpilot 3 pages {rating:.1f} {count} " in board
