"""Issue 18, competitors: a client and a competitor crawled through the real pipeline (local pages, `repscan crawl`,
`repscan send` to aiosmtpd); the PDF's competitor table is read back and checked against figures worked out here
from the pages' own data, and nothing of the competitor reaches the client's alerts, action list, drafts, evidence
or email."""

from __future__ import annotations

import re
from statistics import median

import pytest

from scenario_site import ClientWeb, Rival, crawl_and_send, review
from repscan.app.demo.site import Business, SearchHit
from repscan.core import config as config_mod
from repscan.core.items import utcnow
from repscan.core.store import Store
from repscan.reports import alerts

pytestmark = pytest.mark.drill  # the scene: a crawl and a send in fresh processes, about 10 s
NOW = utcnow()
THRESHOLD = 0.6  # the client's: 3 of 5 stars is negative, for the competitor too
# (id, stars, hours ago, reply after hours or None)
RIVAL_REVIEWS = [("r-1", 5, 5, 1), ("r-2", 3, 50, 3), ("r-3", 2, 200, None), ("r-4", 4, 400, 5),
                 ("r-5", 1, 800, 30), ("r-6", 3, 1000, 10)]
RIVAL_RATING = 3.9
CLIENT_REVIEWS = [("c-1", 1, 10, None), ("c-2", 5, 70, 2), ("c-3", 3, 1200, None)]


def pct(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rivals")
    rival = Rival("quay", Business(slug="quaycafe.example", name="Quay Cafe", rating=RIVAL_RATING, per_page=20,
                                   reviews=[review(rid, stars, hours, NOW, after) for rid, stars, hours, after
                                            in RIVAL_REVIEWS]),
                  [SearchHit("https://quaycafe.example/", "Quay Cafe", "Coffee on the quay."),
                   SearchHit("https://www.pissedconsumer.com/quay-cafe/RT-P.html", "Quay Cafe complaints",
                             "Rude staff and a refund that never came.")])
    reviews = [review(rid, stars, hours, NOW, after) for rid, stars, hours, after in CLIENT_REVIEWS]
    with ClientWeb(reviews, rating=3.0, mentions=False, rivals=(rival,), threshold=THRESHOLD) as web:
        delivered = crawl_and_send(folder, web)
    config = config_mod.load(folder / "repscan.toml")
    store = Store(config.database)
    alerts.collect(config, store, utcnow())
    yield delivered, config, store, folder
    store.close()


def rival_row() -> str:
    """The competitor's row, worked out from the pages' data: the site's rating and count, reviews published in the
    last four weeks per week, negatives at the client's threshold, replies and the median reply time."""
    total = len(RIVAL_REVIEWS)
    recent = sum(1 for _, _, hours, _ in RIVAL_REVIEWS if hours <= 28 * 24)
    negative = sum(1 for _, stars, _, _ in RIVAL_REVIEWS if stars / 5 <= THRESHOLD)
    delays = [after for _, _, _, after in RIVAL_REVIEWS if after is not None]
    return (f"Quay Cafe {RIVAL_RATING:.1f} on the site {total} on the site {recent / 4:.1f} a week {recent} reviews"
            f" {pct(negative, total)} {negative} of {total} {pct(len(delays), total)} {len(delays)} of {total}"
            f" {int(median(delays))} h {len(delays)} replies with exact times")


def section(delivered) -> str:
    text = delivered.all
    return text[text.index("Competitors How Harbour Lane Bakery"):text.index("Trends")]


def test_the_competitor_table_shows_the_competitor_beside_the_client(scene):
    delivered = scene[0]
    table = section(delivered)
    row = table[table.index("Quay Cafe"):table.index("Page one of a search")].strip()
    assert row == rival_row()
    assert "67% 4 of 6" in row  # at the client's 0.6; the default 0.4 would make it 2 of 6
    client_row = table[table.index("Harbour Lane Bakery (you)"):table.index("Quay Cafe")]
    assert "3.0 on the site" in client_row and "3 on the site" in client_row
    assert "67% 2 of 3" in client_row  # c-1 and c-3 at 3 stars and below


def test_page_one_for_each_name_is_judged_alike(scene):
    table = section(scene[0])
    search = table[table.index("Page one of a search"):]
    assert re.search(r"Quay Cafe 1 complaint on page one \(1 search; complaint visibility 16%\)", search), search
    assert re.search(r"Harbour Lane Bakery \(you\) 1 complaint on page one", search), search


def test_nothing_of_the_competitor_reaches_the_client(scene):
    delivered, config, store, folder = scene
    needs = delivered.all[delivered.all.index("Needs a reply now"):delivered.all.index("Summary")]
    assert "Title c-1" in needs and "Title r-" not in needs
    assert "Title r-" not in delivered.text and "Title r-" not in delivered.html
    assert delivered.message["To"] == "owner@hlb.example"
    rows = store.query("SELECT client_id, item_key, url FROM alerts")
    assert {row["client_id"] for row in rows} == {"hlb-internal-7"}
    assert not [row for row in rows if "quaycafe" in (row["url"] or "") or "pissedconsumer" in (row["url"] or "")]
    assert store.query("SELECT COUNT(*) AS n FROM reviews WHERE client_id = 'hlb-internal-7:quay'")[0]["n"] == 6
    for table in ("evidence", "replies"):
        owners = {row["client_id"] for row in store.query(f"SELECT DISTINCT client_id FROM {table}")}
        assert owners == {"hlb-internal-7"}, (table, owners)  # the client's negatives have them; the rival's none
    assert not [path for path in (folder / "out").rglob("*") if "quay" in path.name]


def test_the_competitor_is_crawled_under_its_own_key_and_health(scene):
    store = scene[2]
    crawls = store.query("SELECT client_id, source, status FROM crawls ORDER BY id")
    assert ("hlb-internal-7:quay", "trustpilot", "ok") in {(c["client_id"], c["source"], c["status"]) for c in crawls}
    assert ("hlb-internal-7:quay", "duckduckgo", "ok") in {(c["client_id"], c["source"], c["status"]) for c in crawls}
    sources = scene[0].all[scene[0].all.index("Sources"):]
    assert "quaycafe" not in sources.replace(" ", "")  # the client's Sources table lists its own sources only
