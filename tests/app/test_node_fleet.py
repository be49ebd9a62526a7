"""A fleet of real Scrapyd nodes as an operator meets it: a node without the pinned packages refuses the deploy
by name, a redeploy leaves every node on the new code, and a node refusing jobs is marked bad, its jobs run
elsewhere and the run's summary says so."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from contextlib import nullcontext
from importlib import metadata
from pathlib import Path

import pytest

from app.test_nodes import WEDNESDAY, Sites, config, rows
from helpers import run_cli
from repscan import USER_AGENT
from repscan.app.demo import smtp_server
from repscan.app.demo.server import LocalSite, Reply
from repscan.app.nodes import Scrapyd, build_egg, egg_version, lost_jobs
from repscan.core.config import load
from repscan.core.config import Node
from repscan.core.node_packages import canonical
from scrapyd_nodes import ScrapydNode, need_scrapyd


@pytest.fixture
def fleet(tmp_path):
    """Start ScrapydNode(folder, **options) servers; stop them all at the end."""
    need_scrapyd()
    started = []

    def start(name: str, **options) -> ScrapydNode:
        node = ScrapydNode(tmp_path / name, **options)
        started.append(node)
        node.wait_ready()
        return node

    yield start
    for node in started:
        node.stop()


def node_python(folder: Path, drop: set[str], versions: dict[str, str]) -> str:
    """A node's own virtualenv: this one's packages (symlinked), less `drop`, with `versions` claimed instead of the
    installed ones, and without repscan (a node gets it as the egg)."""
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(folder)],
                   check=True)
    python = folder / "bin" / "python"
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        owner = canonical(entry.name.split("-")[0].removesuffix(".dist").removesuffix(".py").removesuffix(".pth"))
        if owner in drop or "repscan" in entry.name:
            continue
        if entry.name.endswith(".dist-info") and owner in versions:
            shutil.copytree(entry, target / entry.name)
            text = (entry / "METADATA").read_text(encoding="utf-8")
            old = metadata.version(owner)
            (target / entry.name / "METADATA").write_text(
                text.replace(f"\nVersion: {old}\n", f"\nVersion: {versions[owner]}\n", 1), encoding="utf-8")
            continue
        (target / entry.name).symlink_to(entry)
    return str(python)


def test_a_node_without_the_pinned_packages_refuses_the_deploy_naming_each(tmp_path, fleet, fresh_pair):
    python = node_python(tmp_path / "bare-venv", drop={"sqlite-utils"}, versions={"tqdm": "0.0.1"})
    good, bare = fresh_pair[0], fleet("bare", python=python)
    sites = Sites()
    path = config(tmp_path / "main", sites, [good, bare])

    deployed = run_cli("--config", str(path), "nodes", "deploy")
    assert deployed.returncode == 1, deployed.stdout + deployed.stderr
    lines = deployed.stdout.splitlines()
    assert any(line.startswith(f"deployed {good.project} ") and good.url in line for line in lines), deployed.stdout
    refusal = next(line for line in lines if bare.url in line)
    assert "refused the egg: repscan node packages do not match" in refusal
    assert f"missing sqlite-utils=={metadata.version('sqlite-utils')}" in refusal
    assert f"tqdm 0.0.1 installed, {metadata.version('tqdm')} pinned" in refusal
    assert refusal.count(";") == 1 and "Traceback" not in refusal  # those two, and only the reason
    assert Scrapyd(Node(url=bare.url)).listversions() == []  # the refused egg is not left as the newest
    status = run_cli("--config", str(path), "nodes", "status")
    assert status.returncode == 1, status.stdout + status.stderr
    lines = {line.split()[0]: line for line in status.stdout.splitlines()}
    assert "has this machine's version" in lines[good.url] and "lacks (run repscan nodes deploy)" in lines[bare.url]

    # The requirements file the operator installs on a node pins exactly what the check wants.
    written = run_cli("nodes", "requirements", str(tmp_path / "requirements-nodes.txt"))
    assert written.returncode == 0, written.stderr
    pins = dict(line.split("==") for line in (tmp_path / "requirements-nodes.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    assert pins["sqlite-utils"] == metadata.version("sqlite-utils") and pins["scrapy"] == metadata.version("scrapy")
    assert pins["scrapyd"] == metadata.version("scrapyd") and "repscan" not in pins


def old_egg() -> bytes:
    """The egg as an earlier release built it: another User-Agent marks the requests it sends."""
    source = zipfile.ZipFile(io.BytesIO(build_egg()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as egg:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "repscan/__init__.py":
                data = data.replace(b'USER_AGENT = f"repscan/', b'USER_AGENT = f"repscan-old-egg/')
            egg.writestr(info, data)
    return buffer.getvalue()


def wait_finished(node: Scrapyd, job_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(job["id"] == job_id for job in node.listjobs().get("finished", [])):
            return
        time.sleep(0.3)
    pytest.fail(f"job {job_id} did not finish")


@pytest.mark.drill  # about 30 s: five uploads (each a `scrapy list` on the node) and three jobs
def test_a_redeploy_leaves_every_node_on_the_new_code(tmp_path, fresh_pair):
    nodes = fresh_pair
    clients = [Scrapyd(Node(url=node.url, project=node.project)) for node in nodes]
    sites = Sites()
    with sites.server:
        path = config(tmp_path / "main", sites, nodes)
        for client in clients:
            client.addversion("0_1_0_post1700000000", old_egg())  # an earlier deploy
        deployed = run_cli("--config", str(path), "nodes", "deploy")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert deployed.stdout.count("removed 1 older versions") == 2, deployed.stdout
        version = egg_version(build_egg())
        assert [client.listversions() for client in clients] == [[version], [version]]

        # An older egg Scrapyd would take for the newest (it sorts names it cannot parse as text)...
        for client in clients:
            client.addversion("zz-older", old_egg())
            assert client.listversions()[-1] == "zz-older"
        # ...runs a job scheduled without a version, as the dispatcher used to schedule them:
        url = f"{sites.server.url}/review/acme.example"
        clients[0].schedule("trustpilot", "unpinned", {"REPSCAN_STORE": "feed"}, {"client_id": "acme", "url": url})
        wait_finished(clients[0], "unpinned")
        assert any(agent.startswith("repscan-old-egg/") for agent in sites.server.agents)
        sites.server.agents.clear()

        crawled = run_cli("--config", str(path), "crawl", "--nodes")
        assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
        jobs = rows(tmp_path / "main" / "repscan.db", "SELECT * FROM node_jobs", drop=())
        assert {job["node"] for job in jobs} == {node.url for node in nodes} and len(jobs) == 3
        assert sites.server.agents == {USER_AGENT}  # every job, on both nodes, ran this machine's code


class Unavailable(LocalSite):
    """A node behind a proxy whose Scrapyd is down: every request answers 503."""

    def __init__(self):
        super().__init__(lambda path, query: Reply(503, "<h1>503 Service Unavailable</h1>"))

    @property
    def url(self) -> str:
        return super().url + "/"


@pytest.mark.parametrize("fault", ["credentials",  # about 15 s each: the other two as drills
                                   pytest.param("undeployed", marks=pytest.mark.drill),
                                   pytest.param("5xx", marks=pytest.mark.drill)])
def test_a_refusing_node_is_marked_bad_its_jobs_run_elsewhere_and_the_run_says_so(tmp_path, fleet, deployed_pair,
                                                                                fresh_pair, fault):
    bad = {"credentials": lambda: fleet("bad", auth=("agency", "right")), "undeployed": lambda: fresh_pair[1],
           "5xx": Unavailable}[fault]()
    good = deployed_pair[0]
    sites = Sites()
    with sites.server, smtp_server(tmp_path / "inbox") as smtp, (bad if fault == "5xx" else nullcontext()):
        # The bad node first: the least loaded, as ever. A batch a source: three jobs to refuse.
        path = config(tmp_path / "main", sites, [bad, good], batch=1)
        env = {"REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"}
        if fault == "credentials":
            env |= {"REPSCAN_SCRAPYD_USER": "agency", "REPSCAN_SCRAPYD_PASSWORD": "wrong"}
        ran = run_cli("--config", str(path), "run", "--now", WEDNESDAY, env=env)
        # a node marked bad fails the run (someone must look at it); refusals that ran elsewhere are a warning
        assert ran.returncode == (0 if fault == "5xx" else 1), ran.stdout + ran.stderr[-3000:]
        why = {"credentials": "HTTP 401", "undeployed": f"project '{fresh_pair[1].project}' not found",
               "5xx": "HTTP 503"}[fault]
        summary = [line for line in ran.stdout.splitlines() if line.startswith("(nodes)")]
        assert len(summary) == 1 and ("warning" if fault == "5xx" else "failed") in summary[0], ran.stdout
        if fault == "5xx":  # a server error can pass: three in a row within a second do not make the node bad
            assert f"node {bad.url} refused 3 jobs (" in summary[0] and why in summary[0], summary
            assert "they ran on other nodes" in summary[0] and "marked bad" not in summary[0]
        else:
            assert f"node {bad.url} refused 3 jobs in a row, marked bad" in summary[0] and why in summary[0]
            assert "its jobs went to the other nodes" in summary[0]

        db = tmp_path / "main" / "repscan.db"
        crawls = rows(db, "SELECT * FROM crawls ORDER BY id", drop=())
        assert sorted((c["client_id"], c["source"], c["status"]) for c in crawls) == [
            ("acme", "jsonld", "ok"), ("acme", "trustpilot", "ok"), ("bravo", "trustpilot", "ok")]
        assert {job["node"] for job in rows(db, "SELECT * FROM node_jobs", drop=())} == {good.url}
        assert len(rows(db, "SELECT * FROM reviews")) == 12 + 8 + 6
        crawl_lines = [line for line in ran.stdout.splitlines() if " crawl " in f" {line} "]
        assert len(crawl_lines) == 3 and all(" ok " in line for line in crawl_lines), ran.stdout


def test_feeds_of_merged_jobs_are_deleted_after_a_week(tmp_path):
    from repscan.app.nodes import FEED_DAYS, Dispatcher
    from repscan.core.config import load
    from repscan.core.store import Store

    path = config(tmp_path, Sites(), nodes=[type("N", (), {"url": "http://127.0.0.1:9/"})()], feeds="shared")
    store = Store(tmp_path / "repscan.db")
    for job_id, status, complete in (("merged", "done", 1), ("merged-recent", "done", 1), ("cut-short", "done", 0),
                                     ("failed", "failed", 0)):
        store.add_node_job({"job_id": job_id, "node": "http://127.0.0.1:9/", "client_id": "acme",
                            "source": "jsonld", "url": "http://localhost/reviews", "crawl_id": 1,
                            "status": status, "complete": complete, "scheduled_at": "2026-11-01T00:00:00Z"})
    store.close()
    old = time.time() - (FEED_DAYS + 1) * 86400
    for folder in (tmp_path / "shared", tmp_path / "feeds"):
        folder.mkdir()
        for name in ("merged", "cut-short", "failed", "unknown"):
            (folder / f"{name}.jl").write_text("{}\n")
            os.utime(folder / f"{name}.jl", (old, old))
    (tmp_path / "feeds" / "merged-recent.jl").write_text("{}\n")
    Dispatcher(load(path)).run([])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*.jl"))
    assert left == ["feeds/cut-short.jl", "feeds/failed.jl", "feeds/merged-recent.jl", "feeds/unknown.jl",
                    "shared/cut-short.jl", "shared/failed.jl", "shared/unknown.jl"]


def test_the_documented_scrapyd_conf_starts_and_takes_a_deploy(tmp_path, fleet):
    from helpers import ROOT
    from scrapyd_nodes import free_port

    doc = (ROOT / "docs" / "scale.md").read_text()
    text = doc[doc.index("Write `/etc/scrapyd/scrapyd.conf`"):]
    text = text[text.index("```ini\n") + 7:text.index("```", text.index("```ini\n") + 7)]
    port = free_port()
    conf = "\n".join(line.strip() for line in text.splitlines())
    conf = (conf.replace("bind_address = 10.0.0.5", "bind_address = 127.0.0.1").replace("= 6800", f"= {port}")
            .replace("/var/lib/scrapyd", str(tmp_path / "var")))
    assert conf.count(str(tmp_path)) == 4 and f"http_port = {port}" in conf
    node = fleet("documented", conf=conf, port=port)
    path = config(tmp_path / "main", Sites(), [node])
    refused = run_cli("--config", str(path), "nodes", "status")
    assert refused.returncode == 1 and "HTTP 401" in refused.stdout, refused.stdout
    env = {"REPSCAN_SCRAPYD_USER": "repscan", "REPSCAN_SCRAPYD_PASSWORD": "change-this-password"}
    deployed = run_cli("--config", str(path), "nodes", "deploy", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert (tmp_path / "var" / "eggs" / "repscan").is_dir() and (tmp_path / "var" / "dbs").is_dir()


@pytest.mark.parametrize("batch", [1, 20])  # a batch a source: the node is marked bad; a batch a site: it is not
def test_jobs_every_node_refused_are_not_counted_against_the_sources(tmp_path, fresh_pair, batch):
    """The only node is up but refuses every job (its project holds no egg): the agency's fault, not the pages'. No
    crawls row (a client's report never says its page could not be read), one failed line for the run saying why,
    and each source waits for the next run (lost_jobs)."""
    bad = fresh_pair[1]
    sites = Sites()
    with sites.server:
        path = config(tmp_path / "main", sites, [bad], batch=batch)
        ran = run_cli("--config", str(path), "run", "--now", WEDNESDAY)
    assert ran.returncode == 1, ran.stdout + ran.stderr[-3000:]
    summary = [line for line in ran.stdout.splitlines() if line.startswith("(nodes)")]
    [line] = [line for line in summary if "3 sources of 2 clients" in line]
    assert f"project '{bad.project}' not found" in line and "not counted against them" in line and "failed" in line
    assert "no node reachable" not in line  # it answered
    assert not any("went to the other nodes" in line for line in summary), summary  # there is no other node
    db = tmp_path / "main" / "repscan.db"
    assert rows(db, "SELECT * FROM crawls", drop=()) == []
    jobs = rows(db, "SELECT * FROM node_jobs ORDER BY job_id", drop=())
    assert [(job["status"], job["crawl_id"]) for job in jobs] == [("not run", None)] * 3
    assert all(f"project '{bad.project}' not found" in job["error"] for job in jobs)
    assert sorted((job.client.id, job.site) for job in lost_jobs(load(path))) == [
        ("acme", "jsonld"), ("acme", "trustpilot"), ("bravo", "trustpilot")]
