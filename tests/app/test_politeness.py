"""Politeness per site, measured at the server: many clients' sources on one site make one stream of requests at
least the download delay apart per outgoing address, in a local crawl, through proxies and through Scrapyd nodes;
the dispatcher's budget keeps a site to one job per address."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from scrapy.http import Request

from app.test_nodes import node_entries
from helpers import make_business, run_cli, write_config
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import trustpilot_page
from repscan.spiders.politeness import SiteGate
from repscan.core.config import ConfigError, load

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


def many_clients_config(folder, site, nodes=(), delay=DELAY, **sections):
    return write_config(
        folder, [], crawl={"download_delay": delay, "autothrottle": False, "timeout": 10, "retries": 1},
        dispatch={"poll": 0.2, "node_timeout": 10, **sections.pop("dispatch", {})},
        nodes=node_entries(nodes, slots=4), **sections,
        clients=[{"id": f"client{n}", "name": f"Client {n}", "recipients": [f"owner@b{n}.example"],
                  "sources": [{"site": "trustpilot", "url": f"{site.url}/review/b{n}.example"}]}
                 for n in range(CLIENTS)])


def gaps(site: LocalSite) -> list[float]:
    times = sorted(site.hit_times)
    return [b - a for a, b in zip(times, times[1:])]


def proxy_authorizations(proxy: LocalSite) -> list[str | None]:
    """The Proxy-Authorization header of each request the stand-in proxy answers, as they come."""
    seen: list[str | None] = []
    handler = proxy.server.RequestHandlerClass
    serve = handler.do_GET

    def do_get(request):
        seen.append(request.headers.get("Proxy-Authorization"))
        serve(request)

    handler.do_GET = do_get
    return seen


def test_one_site_sees_one_stream_across_sources(tmp_path):
    site = site_of_many_clients()
    with site:
        crawled = run_cli("--config", str(many_clients_config(tmp_path, site)), "crawl", "--quiet")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    assert crawled.stdout.count(" ok ") == CLIENTS
    assert site.hits.count("/robots.txt") == 1  # one robots.txt for the run, then two pages per source
    assert len(site.hits) == 1 + CLIENTS * 2
    assert min(gaps(site)) >= DELAY * 0.95, sorted(gaps(site))[:5]


@pytest.mark.drill  # about 20 s: seven requests NODE_DELAY apart
def test_one_site_sees_one_stream_across_nodes(tmp_path, deployed_pair):
    site = site_of_many_clients(reviews=5)  # one page each: robots.txt once a job, then page 1 a source
    with site:
        # Batches of 3: two jobs of the site, on the two nodes one after the other (one address: loopback).
        path = many_clients_config(tmp_path / "main", site, deployed_pair, NODE_DELAY, dispatch={"batch": 3})
        crawled = run_cli("--config", str(path), "crawl", "--nodes", "--quiet")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    assert crawled.stdout.count(" ok ") == CLIENTS and len(site.hits) == 2 + CLIENTS
    assert site.hits.count("/robots.txt") == 2
    assert min(gaps(site)) >= NODE_DELAY * 0.95, sorted(gaps(site))[:5]


@pytest.mark.drill  # about 5 s: a local crawl of eleven requests at a 0.4 s delay
def test_a_sites_requests_rotate_over_its_proxies_one_polite_stream_each(tmp_path):
    site = site_of_many_clients()
    proxies = [LocalSite(site.route) for _ in range(2)]  # stand-ins: a proxy answering as the site would
    seen = [proxy_authorizations(proxy) for proxy in proxies]
    with site, proxies[0], proxies[1]:
        path = many_clients_config(tmp_path, site, proxies=[
            {"url": proxies[0].url, "auth": "TEST_PROXY_A", "sites": ["trustpilot"]}, {"url": proxies[1].url}])
        crawled = run_cli("--config", str(path), "crawl", "--quiet", env={"TEST_PROXY_A": "agency:pr0xy-secret"})
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    assert crawled.stdout.count(" ok ") == CLIENTS
    assert site.hits == []  # nothing went out directly
    hits = [proxy.hits for proxy in proxies]
    assert sorted(map(len, hits)) == [5, 6] and sum(h.count(f"{site.url}/robots.txt") for h in hits) == 1
    assert all(hit.startswith(site.url + "/") for h in hits for hit in h)  # the proxy was asked for the site
    for proxy in proxies:  # one polite stream per address; the two together faster than one
        assert min(gaps(proxy)) >= DELAY * 0.95, sorted(gaps(proxy))[:5]
    both = sorted(proxies[0].hit_times + proxies[1].hit_times)
    assert min(b - a for a, b in zip(both, both[1:])) < DELAY * 0.95
    assert set(seen[0]) == {"Basic " + base64.b64encode(b"agency:pr0xy-secret").decode()} and set(seen[1]) == {None}
    everything = crawled.stdout + crawled.stderr + (tmp_path / "repscan.db").read_bytes().decode("latin-1")
    assert "pr0xy-secret" not in everything


def test_proxy_credentials_never_sit_in_the_config(tmp_path):
    site = LocalSite(lambda path, query: None)
    path = many_clients_config(tmp_path, site, proxies=[{"url": "http://agency:pw@127.0.0.1:3128"}])
    with pytest.raises(ConfigError) as caught:
        load(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "agency:pw@" in text)
    assert f"{path}:{line}" in str(caught.value) and "proxies" in str(caught.value)
    assert "from the environment" in str(caught.value)


@pytest.mark.parametrize("variable", ["REPSCAN_SMTP_PASSWORD", "REPSCAN_FACEBOOK_PAGE_TOKEN"])
def test_a_proxy_never_gets_repscans_own_secrets(tmp_path, variable):
    # the auth variable's value goes to the proxy: it may not be the SMTP password or a site's token
    site = LocalSite(lambda path, query: None)
    path = many_clients_config(tmp_path, site, proxies=[{"url": "http://127.0.0.1:3128", "auth": variable}])
    with pytest.raises(ConfigError) as caught:
        load(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if variable in text)
    assert f"{path}:{line}" in str(caught.value) and "sent to the proxy" in str(caught.value)


def test_the_budget_gives_a_site_one_job_per_address(tmp_path):
    """Three nodes, two proxies for the site: two jobs of it at once, never two through one proxy; without
    proxies, one job of a site per node. The sources are split over the jobs the site may run at once."""
    from repscan.app.nodes import Dispatcher, Running, batches
    from repscan.spiders.run import jobs_for

    site = LocalSite(lambda path, query: None)
    nodes = [type("N", (), {"url": f"http://127.0.0.1:{9 + n}/"})() for n in range(3)]
    for proxied in (True, False):
        path = many_clients_config(tmp_path / str(proxied), site, nodes, dispatch={"jobs_per_domain": 5},
                                   proxies=[{"url": f"http://127.0.0.1:{3128 + n}"} for n in range(2)] if proxied else [])
        dispatcher = Dispatcher(load(path))
        pending = batches(jobs_for(dispatcher.config), dispatcher.options.batch, dispatcher._budget)
        assert [len(batch.jobs) for batch in pending] == ([3, 2] if proxied else [2, 2, 1])
        placed = []
        for n, batch in enumerate(pending):
            place = dispatcher._place(batch, {})
            assert place is not None, n
            node, address, proxy = place
            dispatcher._track(Running(f"job{n}", node, batch.domain, address, []))
            placed.append((node.client.url, address))
        assert dispatcher._place(pending[0], {}) is None  # the budget is spent
        if proxied:
            assert sorted(address for _, address in placed) == [f"proxy http://127.0.0.1:{3128 + n}" for n in range(2)]
        else:
            assert len({url for url, _ in placed}) == 3


@pytest.mark.parametrize("a, b, same", [
    ("https://uk.trustpilot.com/review/x", "https://www.trustpilot.com/review/y", True),
    ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/b", True),
    ("https://www.yelp.co.uk/biz/a", "https://www.yelp.com/biz/a", False),
])
def test_the_gate_is_per_registrable_domain_and_proxy(a, b, same):
    assert (SiteGate.key(Request(a)) == SiteGate.key(Request(b))) is same
    assert SiteGate.key(Request(a, meta={"proxy": "http://p1:8080"})) != SiteGate.key(Request(a))


PROBE = """
import sys
from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

class Probe(Spider):
    name = "probe"

    async def start(self):
        yield Request(self.url)

    def parse(self, response):
        pass

settings = Settings()
settings.setmodule("repscan.spiders.settings", priority="project")
settings.setdict({"DOWNLOAD_TIMEOUT": 0.5, "RETRY_TIMES": 0, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "ITEM_PIPELINES": {}, "LOG_LEVEL": "ERROR"}, priority="cmdline")
process = CrawlerProcess(settings)
first = process.crawl(Probe, url=sys.argv[1] + "/first")
first.addBoth(lambda _: process.crawl(Probe, url=sys.argv[1] + "/private"))  # a later crawler of the process
process.start()
"""


def test_a_failed_robots_fetch_allows_that_crawl_but_the_next_crawler_fetches_it_again(tmp_path):
    site = LocalSite(lambda path, query: Reply(body="<p>page</p>"))
    site.fail("/robots.txt", Reply(delay=1, body="User-agent: *\nAllow: /\n", content_type="text/plain"),
              Reply(body="User-agent: *\nDisallow: /private\n", content_type="text/plain"))
    with site:
        probe = subprocess.run([sys.executable, "-c", PROBE, site.url], cwd=tmp_path, capture_output=True, text=True,
                               timeout=60)
    assert probe.returncode == 0, probe.stderr[-3000:]
    # The first fetch timed out: that crawl went on as allowed (Scrapy's rule); the next crawler asked again
    # and obeyed the answer, instead of inheriting the failure.
    assert site.hits == ["/robots.txt", "/first", "/robots.txt"], site.hits
