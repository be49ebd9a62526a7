"""Nodes down, as the operator and the client meet it: a dead node is named in the run's summary (and the operator's
email) though the live one took the work, and with every node down the run fails once for the agency while no
source is charged with it, so the client's report never blames their page for the agency's machines."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from app.test_nodes import Sites, node_entries, rows
from app.test_run_operator import inbox_of
from helpers import write_config
from repscan.app.cli import main
from repscan.app.demo import free_port, smtp_server
from repscan.app.nodes import lost_jobs
from repscan.core.config import load
from repscan.core.items import utcnow
from scenario_site import ClientWeb, crawl_and_send, review, send


def dead_node() -> str:
    """A node's address where nothing listens: the machine is off, or Scrapyd died."""
    return f"http://127.0.0.1:{free_port()}/"


def nodes_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("(nodes)")]


def add_nodes(path: Path, urls: list[str]) -> None:
    path.write_text(path.read_text() + "".join(f'\n[[nodes]]\nurl = "{url}"\n' for url in urls))


def run_here(path: Path) -> tuple[int, str]:
    """`repscan run` in this process: every source goes to the nodes, no crawl starts a reactor here."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--config", str(path), "run"])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def every_node_down(tmp_path_factory):
    """A client with one source, two nodes both down, the operator's email on: `repscan run` twice."""
    folder = tmp_path_factory.mktemp("down")
    path = write_config(folder, [("trustpilot", "https://www.trustpilot.com/review/acme.example")],
                        agency={"name": "Test Agency", "sender": "reports@agency.example",
                                "operator": "ops@agency.example"})
    dead = [dead_node(), dead_node()]
    add_nodes(path, dead)
    with smtp_server(folder / "ops") as smtp, pytest.MonkeyPatch.context() as env:
        env.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        runs = [run_here(path), run_here(path)]
    return folder, path, dead, runs


def test_every_node_down_is_one_failed_line_for_the_run_and_one_operator_email(every_node_down):
    folder, _, dead, runs = every_node_down
    code, out = runs[0]
    assert code == 1, out
    [line] = nodes_lines(out)
    assert " failed " in f" {line} " and "no node reachable" in line and "1 source of 1 client not read" in line
    assert all(f"node {url} did not answer at the start of the run" in line for url in dead), line
    assert not [row for row in out.splitlines() if " crawl " in f" {row} "], out  # no source charged with it
    to_operator = [m for m in inbox_of(folder / "ops") if m["To"] == "ops@agency.example"]
    assert len(to_operator) == 1 and to_operator[0].get_content().count("no node reachable") == 1


def test_a_source_no_node_took_keeps_its_health_and_is_read_at_the_next_run(every_node_down):
    folder, path, _, runs = every_node_down
    assert rows(folder / "repscan.db", "SELECT * FROM crawls", drop=()) == []  # no error row to count against it
    assert runs[1][0] == 1 and len(nodes_lines(runs[1][1])) == 1  # the next run, still down: the same one line
    [waiting] = rows(folder / "repscan.db", "SELECT * FROM node_jobs", drop=())  # one row a source, renewed
    assert waiting["status"] == "not run" and waiting["crawl_id"] is None
    assert [(job.client.id, job.site) for job in lost_jobs(load(path))] == [("acme", "trustpilot")]


@pytest.mark.drill  # about 11 s: a crawl and two reports
def test_after_a_run_with_every_node_down_the_clients_report_blames_nothing_on_their_page(tmp_path):
    with ClientWeb([review("fine", 5, 30 * 24, utcnow())], mentions=False, search=False) as web:
        crawl_and_send(tmp_path, web)  # read once, here
        path = web.config(tmp_path)
        add_nodes(path, [dead_node(), dead_node()])
        code, out = run_here(path)
        after = send(tmp_path, path)
    assert code == 1 and len(nodes_lines(out)) == 1, out
    for report in (after.all, after.text, after.html):
        assert "could not read" not in report and "not read" not in report and "node" not in report
    # its page was read an hour ago at most: the board says so, and the sources table gives that crawl
    assert re.search(r"Trustpilot 3\.5 no change 1 no change .* OK, read", after.all), after.all
    assert re.search(r"Sources Source Status Last crawl Items Note Trustpilot \S+ \S+ OK ", after.all), after.all


def test_a_dead_node_is_named_though_the_live_one_took_the_work(tmp_path, deployed_pair, capsys):
    live, dead = deployed_pair[0], dead_node()
    sites = Sites()
    with sites.server:
        # The live node first: the least loaded and first listed, it takes the one job; the dead one is never
        # offered a job, so nothing but the probe at the start can tell it is down.
        path = write_config(tmp_path, [("jsonld", f"{sites.localhost}/reviews")],
                            dispatch={"poll": 0.3, "node_timeout": 3},
                            nodes=node_entries([live], slots=2) + [{"url": dead, "project": live.project}])
        code = main(["--config", str(path), "run"])
        out = capsys.readouterr().out
    assert code == 1, out  # the agency lost half its capacity: someone must look
    [line] = nodes_lines(out)
    assert " failed " in f" {line} " and f"node {dead} did not answer at the start of the run" in line, line
    assert "Connection refused" in line and "the other nodes took its share" in line
    assert [(job["node"], job["status"]) for job in rows(tmp_path / "repscan.db", "SELECT * FROM node_jobs")] == [
        (live.url, "done")]
    [crawl] = rows(tmp_path / "repscan.db", "SELECT * FROM crawls", drop=())
    assert crawl["status"] == "ok" and crawl["items"] == 6


def test_repscan_crawl_on_nodes_all_down_fails_saying_why_never_an_empty_ok(tmp_path, capsys):
    path = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")])
    add_nodes(path, [dead_node()])
    code = main(["--config", str(path), "crawl", "--nodes", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1, out
    [line] = nodes_lines(out)
    assert line.startswith("(nodes) failed: no node reachable") and "1 source of 1 client not read" in line
