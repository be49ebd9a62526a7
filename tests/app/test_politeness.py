"""Politeness per site, measured at the server: many clients' sources on one site make one stream of requests at
least the download delay apart, in a local crawl and through Scrapyd nodes."""

from __future__ import annotations

import pytest
from scrapy.http import Request

from helpers import make_business, run_cli, write_config
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import trustpilot_page
from repscan.spiders.politeness import SiteGate
from scrapyd_nodes import ScrapydNode, need_scrapyd

DELAY = 0.4
NODE_DELAY = 3.0  # longer than a job's start-up (about 2 s), which would hide a burst between two jobs
CLIENTS = 5


def site_of_many_clients(reviews: int = 8) -> LocalSite:
    """CLIENTS made-up Trustpilot businesses, 5 reviews a page (two pages each by default), on one server."""
    businesses = {f"/review/b{n}.example": make_business(reviews, per_page=5, slug=f"b{n}.example", start=100 * n)
                  for n in range(CLIENTS)}

    def route(path, query):
        business = businesses.get(path)
        return Reply(body=trustpilot_page(business, int((query.get("page") or ["1"])[0]), site.url)) if business else None

    site = LocalSite(route)
    return site


def many_clients_config(folder, site, nodes=(), delay=DELAY):
    return write_config(
        folder, [], crawl={"download_delay": delay, "autothrottle": False, "timeout": 10, "retries": 1},
        dispatch={"poll": 0.2, "node_timeout": 10}, nodes=[{"url": node.url, "slots": 4} for node in nodes],
        clients=[{"id": f"client{n}", "name": f"Client {n}", "recipients": [f"owner@b{n}.example"],
                  "sources": [{"site": "trustpilot", "url": f"{site.url}/review/b{n}.example"}]}
                 for n in range(CLIENTS)])


def gaps(site: LocalSite) -> list[float]:
    times = sorted(site.hit_times)
    return [b - a for a, b in zip(times, times[1:])]


def test_one_site_sees_one_stream_across_sources(tmp_path):
    site = site_of_many_clients()
    with site:
        crawled = run_cli("--config", str(many_clients_config(tmp_path, site)), "crawl", "--quiet")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    assert crawled.stdout.count(" ok ") == CLIENTS
    assert site.hits.count("/robots.txt") == 1  # one robots.txt for the run, then two pages per source
    assert len(site.hits) == 1 + CLIENTS * 2
    assert min(gaps(site)) >= DELAY * 0.95, sorted(gaps(site))[:5]


def test_one_site_sees_one_stream_across_nodes(tmp_path):
    need_scrapyd()
    nodes = [ScrapydNode(tmp_path / name) for name in ("node-a", "node-b")]
    site = site_of_many_clients(reviews=5)  # one page: robots.txt and page 1 a job
    try:
        for node in nodes:
            node.wait_ready()
        with site:
            path = many_clients_config(tmp_path / "main", site, nodes, NODE_DELAY)
            assert run_cli("--config", str(path), "nodes", "deploy").returncode == 0
            crawled = run_cli("--config", str(path), "crawl", "--nodes", "--quiet")
    finally:
        for node in nodes:
            node.stop()
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    assert crawled.stdout.count(" ok ") == CLIENTS and len(site.hits) == CLIENTS * 2
    assert min(gaps(site)) >= NODE_DELAY * 0.95, sorted(gaps(site))[:5]


@pytest.mark.parametrize("a, b, same", [
    ("https://uk.trustpilot.com/review/x", "https://www.trustpilot.com/review/y", True),
    ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/b", True),
    ("https://www.yelp.co.uk/biz/a", "https://www.yelp.com/biz/a", False),
])
def test_the_gate_is_per_registrable_domain_and_proxy(a, b, same):
    assert (SiteGate.key(Request(a)) == SiteGate.key(Request(b))) is same
    assert SiteGate.key(Request(a, meta={"proxy": "http://p1:8080"})) != SiteGate.key(Request(a))
