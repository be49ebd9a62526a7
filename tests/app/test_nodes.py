"""Scrapyd nodes: two real Scrapyd servers on 127.0.0.1, the spiders deployed to both as an egg,
sources dispatched over them, their feeds ingested, and the database compared with a local crawl.
A node killed mid-job fails that job, keeps what arrived, and the next run does the source again."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, make_business, run_cli, write_config
from scrapyd_nodes import running
from repscan.core.config import Node
from repscan.app.demo import smtp_server
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import jsonld_page, trustpilot_page
from repscan.app.evidence import show as show_evidence
from repscan.app.nodes import KNOWN_IDS_BYTES, Scrapyd, _argument, build_egg, domain_of, scrapyd_job
from repscan.core.store import Store
from repscan.spiders.base import bool_arg, list_arg

BOOKKEEPING = {"first_seen_at", "last_seen_at", "negative_since", "first_crawl_id", "last_crawl_id", "seen_at",
               "crawl_id", "id", "started_at", "finished_at"}
WEDNESDAY = "2026-11-18T12:00:00Z"


@pytest.fixture
def nodes(tmp_path, request):
    """A pair of Scrapyd nodes of this test's own (killed, or configured otherwise than the shared pair)."""
    with running([tmp_path / "node-a", tmp_path / "node-b"], items=getattr(request, "param", True)) as pair:
        yield pair


class Sites:
    """Two Trustpilot businesses served as 127.0.0.1 and a JSON-LD page reached as localhost: two domains.
    Counts how many requests to the 127.0.0.1 review pages are in flight at once."""

    def __init__(self, acme=12, bravo=8, per_page=5, delay=0.2):
        self.acme = make_business(acme, per_page=per_page, slug="acme.example")
        self.bravo = make_business(bravo, per_page=per_page, slug="bravo.example", start=5000)
        self.own = make_business(6, per_page=4, slug="own", start=9000)
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0
        self.server = LocalSite(self.route)

    def route(self, path, query):
        page = int((query.get("page") or ["1"])[0])
        if path == "/reviews":
            body = jsonld_page(self.own, page, self.localhost, "/reviews")
            return Reply(body=body) if body else None
        business = {"/review/acme.example": self.acme, "/review/bravo.example": self.bravo}.get(path)
        if business is None:
            return None
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)  # long enough for two nodes on one domain to overlap, were they let
            body = trustpilot_page(business, page, self.server.url)
        finally:
            with self.lock:
                self.in_flight -= 1
        return Reply(body=body) if body else None

    @property
    def localhost(self) -> str:
        return self.server.url.replace("127.0.0.1", "localhost")

    def hits(self, prefix: str) -> int:
        return sum(1 for hit in self.server.hits if hit.startswith(prefix))


def node_entries(nodes, **options) -> list[dict]:
    """[[nodes]] entries for ScrapydNode servers or NodeProject (a project on a shared node)."""
    return [{"url": node.url, **({"project": node.project} if hasattr(node, "project") else {}), **options}
            for node in nodes]


def config(folder: Path, sites: Sites, nodes=(), feeds: str | None = None, batch: int = 20) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_config(
        folder, [],  # two clients of our own below
        crawl={"download_delay": 0, "autothrottle": False, "timeout": 10, "retries": 1, "max_pages": 10},
        dispatch={"poll": 0.3, "node_timeout": 3, "feeds": feeds, "batch": batch},
        nodes=node_entries(nodes, slots=2),
        clients=[
            {"id": "acme", "name": "Acme Plumbing", "recipients": ["owner@acme.example"],
             "sources": [{"site": "trustpilot", "url": f"{sites.server.url}/review/acme.example"},
                         {"site": "jsonld", "url": f"{sites.localhost}/reviews"}]},
            {"id": "bravo", "name": "Bravo Builders", "recipients": ["owner@bravo.example"],
             "sources": [{"site": "trustpilot", "url": f"{sites.server.url}/review/bravo.example"}]},
        ])


def rows(db: Path, sql: str, drop=BOOKKEEPING) -> list[dict]:
    store = Store(db)
    try:
        return [{k: v for k, v in row.items() if k not in drop} for row in store.query(sql)]
    finally:
        store.close()


def dump(db: Path) -> dict:
    store = Store(db)
    try:
        names = [row["name"] for row in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: store.query(f"SELECT * FROM [{name}] ORDER BY rowid") for name in names if not name.startswith("_")}
    finally:
        store.close()


def test_the_egg_holds_what_the_spiders_import_and_names_their_settings():
    egg = zipfile.ZipFile(io.BytesIO(build_egg()))
    names = set(egg.namelist())
    assert egg.read("EGG-INFO/entry_points.txt").decode() == "[scrapy]\nsettings = repscan.spiders.settings\n"
    from repscan.spiders.pages import SITES

    spider_modules = {p.name for p in (ROOT / "spiders").glob("*.py")}
    assert {f"repscan/spiders/{name}" for name in spider_modules} <= names
    pages = ROOT / "spiders" / "pages"  # every site's page module or package, and the helpers they share
    assert {site.replace("-", "_") for site in SITES} <= {p.stem for p in pages.iterdir() if p.name != "__pycache__"}
    assert {f"repscan/spiders/pages/{p.relative_to(pages).as_posix()}" for p in pages.rglob("*.py")} <= names
    assert {"repscan/__init__.py", "repscan/core/data/domains.toml", "repscan/core/data/sentiment/de.txt",
            "repscan/core/rules.py", "repscan/core/store/__init__.py", "repscan/core/store/migrations.py"} <= names
    assert not any("__pycache__" in name or name.startswith(("repscan/reports/", "repscan/app/", "tests/"))
                   for name in names)


def test_spider_arguments_survive_scrapyd_strings():
    names = ["Acme, Inc.", "Ünïcode \"quoted\""]
    assert list_arg(_argument(names)) == names and list_arg(names) == names
    assert list_arg("a1, a2,,a3") == ["a1", "a2", "a3"] and list_arg("") == []
    assert [bool_arg(_argument(flag)) for flag in (True, False)] == [True, False]
    assert bool_arg("False") is False and bool_arg("1") is True
    assert _argument(0.4) == "0.4" and _argument(50) == "50"


def test_a_source_domain_is_the_host_its_crawl_asks():
    assert domain_of("trustpilot", "https://www.trustpilot.com/review/acme.example") == "trustpilot.com"
    assert domain_of("jsonld", "http://localhost:8080/reviews") == "localhost"
    assert domain_of("trustpilot", "http://127.0.0.1:8080/review/a") == domain_of("jsonld", "http://127.0.0.1:9/x")


def test_known_ids_sent_to_a_node_are_the_newest_and_fit_one_argument(tmp_path):
    from repscan.core.config import load
    from repscan.core.items import make
    from repscan.app.nodes import Dispatcher

    sites = Sites()
    path = config(tmp_path, sites, nodes=[type("N", (), {"url": "http://127.0.0.1:9/"})()])
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [{**make("review", source="trustpilot", source_id=f"id-{n:05d}-" + "x" * 40,
                                      published_at=f"2026-{1 + n % 12:02d}-01T00:00:00Z", text="t"),
                               "sentiment": 0, "negative": False} for n in range(3000)])
    store.close()
    dispatcher = Dispatcher(load(path))
    dispatcher.store = Store(tmp_path / "repscan.db")
    ids = dispatcher._known_ids("acme", "trustpilot")
    dispatcher.store.close()
    assert 1000 < len(ids) < 2000 and len(_argument(ids).encode()) <= KNOWN_IDS_BYTES
    months = [int(i.split("-")[1]) % 12 + 1 for i in ids]  # published_at's month
    assert months[0] == 12 and months == sorted(months, reverse=True)  # newest first, oldest dropped


def test_sources_spread_over_two_nodes_store_what_a_local_crawl_stores(tmp_path, fresh_pair):
    nodes = fresh_pair
    sites = Sites()
    with sites.server:
        path = config(tmp_path / "main", sites, nodes)
        deployed = run_cli("--config", str(path), "nodes", "deploy")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        from scrapy.spiderloader import SpiderLoader
        from scrapy.settings import Settings

        spiders = len(SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["repscan.spiders"]})).list())
        assert deployed.stdout.count(f": {spiders} spiders") == 2, deployed.stdout  # every spider, on both
        assert run_cli("--config", str(path), "nodes", "status").returncode == 0

        crawled = run_cli("--config", str(path), "crawl", "--nodes")
        assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
        db = tmp_path / "main" / "repscan.db"
        jobs = rows(db, "SELECT * FROM node_jobs ORDER BY scheduled_at", drop=())
        assert [j["status"] for j in jobs] == ["done"] * 3
        assert {j["node"] for j in jobs} == {nodes[0].url, nodes[1].url}  # spread over both
        first, second = [j for j in jobs if j["source"] == "trustpilot"]
        # The site's two sources are one batch: one Scrapyd job, one process, one node.
        assert scrapyd_job(first["job_id"]) == scrapyd_job(second["job_id"]) and first["node"] == second["node"]
        assert first["job_id"] != second["job_id"] and first["crawl_id"] != second["crawl_id"]

        local = config(tmp_path / "local", sites)  # the same sources, no [[nodes]]
        here = run_cli("--config", str(local), "crawl", "--quiet")
        assert here.returncode == 0, here.stderr[-3000:]
        local_db = tmp_path / "local" / "repscan.db"
        by_key = "SELECT * FROM {} ORDER BY client_id, source, source_id"
        assert len(rows(db, by_key.format("reviews"))) == 12 + 8 + 6
        assert rows(db, by_key.format("reviews")) == rows(local_db, by_key.format("reviews"))
        assert rows(db, by_key.format("review_versions") + ", changed") == \
            rows(local_db, by_key.format("review_versions") + ", changed")
        crawls = "SELECT * FROM crawls ORDER BY client_id, source"
        # A run fetches a host's robots.txt once for all its crawls, locally and in a node job's batch alike.
        assert rows(db, crawls) == rows(local_db, crawls)
        assert rows(db, "SELECT * FROM businesses ORDER BY client_id, source, url, rating") == \
            rows(local_db, "SELECT * FROM businesses ORDER BY client_id, source, url, rating")

        # The pages of the negative reviews came home in the feeds: the local crawl's evidence, every copy verified.
        kept = "SELECT client_id, kind, source, source_id, url, status, sha256, path, size, note FROM evidence"
        evidence = rows(db, kept + " ORDER BY client_id, source, source_id")
        assert len(evidence) >= 8 and evidence == rows(local_db, kept + " ORDER BY client_id, source, source_id")
        for client in ("acme", "bravo"):
            printed = io.StringIO()
            assert show_evidence(db, tmp_path / "main" / "out", client, out=printed), printed.getvalue()
            assert printed.getvalue().count("\tverified\n") == sum(row["client_id"] == client for row in evidence)

        # Ingesting the feeds again (they were fetched from the nodes' items_url) changes nothing.
        feeds = sorted((tmp_path / "main" / "feeds").glob("*.jl"))
        assert len(feeds) == 3
        before = dump(db)
        again = run_cli("--config", str(path), "ingest", *map(str, feeds))
        assert again.returncode == 0 and again.stdout.count("already ingested") == 3, again.stdout
        assert dump(db) == before

        # The known ids travel with the job: a second crawl stops after page 1 of each source.
        acme, bravo = sites.hits("/review/acme.example"), sites.hits("/review/bravo.example")
        recrawl = run_cli("--config", str(path), "crawl", "--nodes", "--quiet")
        assert recrawl.returncode == 0, recrawl.stdout + recrawl.stderr[-3000:]
        assert (sites.hits("/review/acme.example"), sites.hits("/review/bravo.example")) == (acme + 1, bravo + 1)
        assert [r["new_items"] for r in rows(db, "SELECT * FROM crawls ORDER BY id")][-3:] == [0, 0, 0]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.drill
@pytest.mark.parametrize("nodes", [False], indirect=True)  # no items_dir: feeds go to a shared folder
def test_a_node_killed_mid_job_fails_the_job_and_the_next_run_does_it_again_losing_and_doubling_nothing(
        tmp_path, nodes):
    sites = Sites(acme=60, per_page=20, delay=0)
    slow = "/review/acme.example?sort=recency&page=3"
    sites.server.fail(slow, Reply(200, "", delay=30))  # the job stalls on page 3, with 40 reviews in its feed
    with sites.server, smtp_server(tmp_path / "inbox") as smtp:
        path = config(tmp_path / "main", sites, nodes, feeds="feeds")  # acme and bravo: one batch, one victim
        env = {"REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"}
        assert run_cli("--config", str(path), "nodes", "deploy").returncode == 0
        db = tmp_path / "main" / "repscan.db"

        first = subprocess.Popen([sys.executable, "-P", "-m", "repscan.app.cli", "--config", str(path), "run", "--now", WEDNESDAY],
                                 cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            wait_for(lambda: slow in sites.server.hits, 60, "the crawl to reach the slow page")
            job = wait_for(lambda: [j for j in rows(db, "SELECT * FROM node_jobs WHERE client_id = 'acme'"
                                                        " AND source = 'trustpilot'", drop=())], 10, "the job row")[0]
            time.sleep(1)  # page 2's reviews reach the feed
            victim = next(node for node in nodes if node.url == job["node"])
            survivor = next(node for node in nodes if node is not victim)
            victim.kill()
            out, err = first.communicate(timeout=90)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == 1, out + err[-3000:]
        assert "crawl trustpilot" in out and "unreachable" in out

        failed = rows(db, f"SELECT * FROM node_jobs WHERE job_id = '{job['job_id']}'", drop=())[0]
        assert failed["status"] == "failed" and "unreachable" in failed["error"]
        crawl = rows(db, f"SELECT * FROM crawls WHERE id = {failed['crawl_id']}", drop=())[0]
        assert crawl["status"] == "error" and "mid-job" in crawl["error"]
        kept = {r["source_id"]: r for r in rows(db, "SELECT * FROM reviews WHERE client_id = 'acme'"
                                                    " AND source = 'trustpilot'", drop=())}
        assert 10 <= len(kept) < 60  # what the feed held when the node died is in, and nothing more
        # bravo's crawl, in the same batch on the victim, ended before the kill: its feed file is whole, so it is ok.
        others = rows(db, "SELECT * FROM crawls WHERE source != 'trustpilot' OR client_id != 'acme'")
        assert {(c["client_id"], c["source"], c["status"]) for c in others} == {("acme", "jsonld", "ok"),
                                                                                ("bravo", "trustpilot", "ok")}

        # The next run: no crawl is due, but the lost source runs again, on the node still alive.
        second = run_cli("--config", str(path), "run", "--now", "2026-11-18T12:30:00Z", env=env)
        # The dead node is still listed: the probe at the start of the run names it, and it gets no job.
        [failure] = [line for line in second.stdout.splitlines() if " failed " in line]
        assert failure.startswith("(nodes)") and f"node {victim.url} did not answer at the start" in failure
        assert second.returncode == 1, second.stdout + second.stderr[-3000:]
        assert "crawl trustpilot" in second.stdout and "crawl jsonld" not in second.stdout
        redo = rows(db, "SELECT * FROM node_jobs WHERE client_id = 'acme' AND source = 'trustpilot'"
                        " ORDER BY scheduled_at", drop=())
        assert [r["status"] for r in redo] == ["failed", "done"] and redo[1]["node"] == survivor.url

        reviews = rows(db, "SELECT * FROM reviews WHERE client_id = 'acme' AND source = 'trustpilot'", drop=())
        assert len(reviews) == len({r["source_id"] for r in reviews}) == 60
        for review in reviews:  # what the first run kept is the same row, first seen then
            if review["source_id"] in kept:
                assert review["first_seen_at"] == kept[review["source_id"]]["first_seen_at"]
                assert review["first_crawl_id"] == failed["crawl_id"]
        versions = rows(db, "SELECT changed, COUNT(*) AS n FROM review_versions GROUP BY changed", drop=())
        assert versions == []  # no review changed, so none was stored twice: each row is its only version
        last = rows(db, "SELECT * FROM crawls WHERE client_id = 'acme' AND source = 'trustpilot' ORDER BY id",
                    drop=())[-1]
        assert last["status"] == "ok" and last["new_items"] == 60 - len(kept) and last["pages"] == 3  # every page
        assert len(rows(db, "SELECT * FROM reviews WHERE source = 'jsonld'")) == 6

        third = run_cli("--config", str(path), "run", "--now", "2026-11-18T12:35:00Z", env=env)
        assert third.returncode == 0 and third.stdout.strip() == "nothing due", third.stdout + third.stderr[-2000:]


def test_jobs_a_killed_dispatcher_left_running_are_followed_and_ingested_by_the_next(tmp_path, deployed_pair):
    nodes = deployed_pair
    sites = Sites()
    with sites.server:
        path = config(tmp_path / "main", sites, nodes)
        url = f"{sites.server.url}/review/acme.example"
        db = tmp_path / "main" / "repscan.db"
        store = Store(db)  # what a dispatcher records just before it is killed
        crawl_id = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url)
        store.add_node_job({"job_id": "orphan-1", "node": nodes[0].url, "project": nodes[0].project, "client_id": "acme",
                            "source": "trustpilot", "url": url, "spider": "TrustpilotSpider", "crawl_id": crawl_id,
                            "status": "running", "scheduled_at": "2026-11-18T12:00:00.000000Z"})
        store.close()
        Scrapyd(Node(url=nodes[0].url, project=nodes[0].project)).schedule("trustpilot", "orphan-1", {"REPSCAN_STORE": "feed"},
                                                  {"client_id": "acme", "url": url})

        crawled = run_cli("--config", str(path), "crawl", "--nodes", "--client", "bravo")
        assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
        orphan = rows(db, "SELECT * FROM node_jobs WHERE job_id = 'orphan-1'", drop=())[0]
        assert orphan["status"] == "done" and orphan["items"] == 12
        crawl = rows(db, f"SELECT * FROM crawls WHERE id = {crawl_id}", drop=())[0]
        assert crawl["status"] == "ok" and crawl["new_items"] == 12
        assert len(rows(db, "SELECT * FROM reviews WHERE client_id = 'acme'")) == 12
        assert len(rows(db, "SELECT * FROM reviews WHERE client_id = 'bravo'")) == 8
