"""One client's wrong config line stops no other client's command: each command leaves that client out, names its
file:line: field on stderr, and refuses (exit 2) only the command that names it; a command done for every client
exits 1; `config check` stays strict (real SQLite, real PDF, real SMTP on 127.0.0.1, a real crawl in a drill)."""

from __future__ import annotations

import pytest

from app.test_run_operator import inbox_of, run_here, smtp  # noqa: F401 (smtp: the fixture, a server on 127.0.0.1)
from helpers import report_due, run_cli
from repscan.app import configfile
from repscan.core.items import make, normalise
from repscan.core.store import Store

SEEN = "2026-12-04T10:00:00.000000Z"


def write(folder, acme_url: str = "https://www.trustpilot.com/review/acme.example", **acme):
    """Clients acme (good; `acme` adds fields), bolt and cask (each a wrong timezone), every report by email."""
    def client(ident: str, url: str, **fields) -> dict:
        return {"id": ident, "name": ident.title(), "recipients": [f"owner@{ident}.example"],
                "sources": [{"site": "trustpilot", "url": url}], **fields}

    return configfile.write_config(folder / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example"},
        "storage": {"database": "repscan.db", "reports_dir": "out"},
        "crawl": {"download_delay": 0, "autothrottle": False, "timeout": 5, "retries": 1},
        "clients": [client("acme", acme_url, **acme),
                    client("bolt", "https://www.trustpilot.com/review/bolt.example", timezone="Berlin"),
                    client("cask", "https://www.trustpilot.com/review/cask.example", timezone="Tokyo")],
    })


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def left_out(path, ident: str, zone: str) -> str:
    return f"{path}:{line_of(path, zone)}: clients[{ident}].timezone: unknown timezone '{zone}'"


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    """The config, and acme's made-up negative review in the database."""
    folder = tmp_path_factory.mktemp("agency")
    path = write(folder)
    review = {**normalise(make("review", source="trustpilot", source_id="a1", url="https://t.example/reviews/a1",
                               author="Person A", rating=1, title="Cold water", text="The boiler broke again.",
                               published_at="2026-12-04T08:00:00Z")), "sentiment": -1.0, "negative": True}
    store = Store(folder / "repscan.db")
    store.save_items("acme", [review], seen_at=SEEN)
    store.close()
    return path


def test_a_send_to_a_good_client_goes_and_names_the_clients_left_out(agency, smtp, capsys):
    code, out, err = run_here(capsys, "--config", str(agency), "send", "--client", "acme")
    assert code == 0, out + err
    assert [m["To"] for m in inbox_of(smtp)] == ["owner@acme.example"]
    assert f"repscan: client left out: {left_out(agency, 'bolt', 'Berlin')}" in err
    assert f"repscan: client left out: {left_out(agency, 'cask', 'Tokyo')}" in err


def test_send_all_sends_every_good_client_and_fails_for_the_one_left_out(agency, smtp, capsys):
    code, out, err = run_here(capsys, "--config", str(agency), "send", "--all", "--force")
    assert code == 1
    assert [m["To"] for m in inbox_of(smtp)] == ["owner@acme.example"]
    assert "acme" in out and left_out(agency, "bolt", "Berlin") in err


@pytest.mark.parametrize("command", [["send", "--client"], ["report", "--client"], ["crawl", "--client"],
                                     ["replies", "list", "--client"], ["replies", "post", "--client"],
                                     ["export", "--client"], ["evidence", "--client"]])
def test_a_command_naming_the_client_left_out_refuses_with_its_line(agency, smtp, capsys, command):
    code, out, err = run_here(capsys, "--config", str(agency), *command, "bolt")
    assert code == 2 and out == ""
    assert left_out(agency, "bolt", "Berlin") in err and "clients[cask]" not in err
    assert inbox_of(smtp) == []


def test_posting_a_reply_of_the_client_left_out_refuses_and_sends_nothing(tmp_path, capsys):
    path = write(tmp_path)
    store = Store(tmp_path / "repscan.db")
    reply = store.add_draft({"client_id": "bolt", "source": "trustpilot", "source_id": "b1", "kind": "review",
                             "url": "https://t.example/reviews/b1", "language": "en", "situation": "negative",
                             "text": "We are sorry; please call us."}, actor="tester")
    store.approve_reply(reply, actor="tester")
    store.close()
    code, out, err = run_here(capsys, "--config", str(path), "replies", "post", str(reply), "--as", "tester")
    assert code == 2 and out == "" and left_out(path, "bolt", "Berlin") in err
    store = Store(tmp_path / "repscan.db")
    assert store.reply(reply)["status"] == "approved" and store.reply(reply)["attempts"] == 0
    store.close()


def test_a_crawl_of_a_competitor_of_the_client_left_out_refuses(agency, capsys):
    code, _out, err = run_here(capsys, "--config", str(agency), "crawl", "--client", "bolt:rival")
    assert code == 2 and left_out(agency, "bolt", "Berlin") in err


def test_the_agencys_commands_and_the_good_clients_go_on(agency, capsys, tmp_path):
    for args, expected in ((["report", "--client", "acme", "--out", str(tmp_path / "acme.pdf")], 0),
                           (["export", "--client", "acme", "--format", "jsonl", "--out", str(tmp_path / "a.jl")], 0),
                           (["evidence", "--client", "acme"], 0),
                           (["replies", "list", "--client", "acme"], 0),
                           (["replies", "list"], 1),  # bolt's and cask's complaints are neither drafted nor listed
                           (["prune", "--dry-run"], 0), (["prune"], 0), (["schedule"], 0)):
        code, _out, err = run_here(capsys, "--config", str(agency), *args)
        assert code == expected, (args, err)
        assert left_out(agency, "bolt", "Berlin") in err and left_out(agency, "cask", "Tokyo") in err, args
    assert (tmp_path / "acme.pdf").read_bytes().startswith(b"%PDF")
    assert "a1" in (tmp_path / "a.jl").read_text()


def test_config_check_stays_strict_and_lists_every_error(agency, capsys):
    code, out, err = run_here(capsys, "--config", str(agency), "config", "check")
    assert code == 2 and "ok" not in out
    assert left_out(agency, "bolt", "Berlin") in err and left_out(agency, "cask", "Tokyo") in err
    assert "client left out" not in err


def test_a_run_delivers_the_good_clients_report_beside_the_clients_left_out(tmp_path, smtp, capsys):
    path = write(tmp_path, crawl_schedule="0 3 * * 1")
    store = Store(tmp_path / "repscan.db")
    store.mark_done("acme", "crawl", "2026-11-16T03:00:00.000000Z", "ok")  # crawled on Monday: no crawl is due
    store.close()
    report_due(tmp_path / "repscan.db")
    code, out, _err = run_here(capsys, "--config", str(path), "run", "--now", "2026-11-18T12:00:00Z")
    assert code == 1, out
    assert [line.split()[:3] for line in out.splitlines() if line.startswith("acme") and " report" in line] == \
        [["acme", "report", "ok"]], out  # its PDF rendered in a worker that reads the config as the run did
    assert [m["To"] for m in inbox_of(smtp)] == ["owner@acme.example"]


@pytest.mark.drill  # two crawls in fresh processes (Scrapy's reactor runs once per process), about 6 s
def test_a_crawl_of_the_good_client_runs_and_a_crawl_of_all_fails_for_the_one_left_out(tmp_path, site):
    path = write(tmp_path, acme_url=f"{site.url}/review/{site.trustpilot.slug}")
    one = run_cli("--config", str(path), "crawl", "--client", "acme", "--quiet")
    every = run_cli("--config", str(path), "crawl", "--quiet")
    assert one.returncode == 0, one.stderr[-2000:]
    assert left_out(path, "bolt", "Berlin") in one.stderr
    [row] = [line.split() for line in one.stdout.splitlines() if line.startswith("acme")]
    assert row[2] == "ok" and int(row[3]) == 12
    assert every.returncode == 1 and left_out(path, "cask", "Tokyo") in every.stderr
    assert [line.split()[:3] for line in every.stdout.splitlines()[1:]] == [["acme", "trustpilot", "ok"]]
