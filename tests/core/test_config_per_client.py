"""One client's wrong lines: `repscan run` leaves that client out (naming file:line:field); the same source URL under
two clients is an error naming both places unless both say shared."""

from __future__ import annotations

import pytest

from repscan.app import configfile
from repscan.app.cli import main
from repscan.core import config

URL = "https://www.trustpilot.com/review/acme.example"


def write(tmp_path, *clients: dict, agency: dict | None = None):
    return configfile.write_config(tmp_path / "repscan.toml", **{
        "agency": {"name": "Test Agency", "sender": "reports@agency.example", **(agency or {})},
        "clients": [{"name": c["id"].title(), "recipients": [f"owner@{c['id']}.example"], **c} for c in clients],
    })


def client(id_: str, url: str = URL, **fields) -> dict:
    return {"id": id_, "sources": [{"site": "trustpilot", "url": url, **fields.pop("source", {})}], **fields}


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_same_source_url_under_two_clients_names_both_places(tmp_path, capsys):
    path = write(tmp_path, client("acme"), client("bolt", url=URL + "/"), client("cask", url=URL.replace("acme", "cask")))
    with pytest.raises(config.ConfigError) as raised:
        config.load(path)
    [problem] = raised.value.problems
    first, second = [n for n, line in enumerate(path.read_text().splitlines(), 1)
                     if line.startswith("url") and "acme.example" in line]
    assert problem.startswith(f"{path}:{second}: clients[bolt].sources[0].url: the same URL as {path}:{first}: "
                              "clients[acme].sources[0].url")
    assert main(["--config", str(path), "config", "check"]) == 2
    assert "clients[bolt].sources[0].url: the same URL as" in capsys.readouterr().err


def test_a_shared_url_marked_on_both_sides_and_a_competitors_equal_source_pass(tmp_path):
    marked = write(tmp_path, client("acme", source={"shared": True}), client("bolt", source={"shared": True}))
    assert [c.id for c in config.load(marked).clients] == ["acme", "bolt"]
    one_side = write(tmp_path, client("acme"), client("bolt", source={"shared": True}))
    with pytest.raises(config.ConfigError, match="the same URL as"):
        config.load(one_side)
    rival = write(tmp_path, client("acme", competitors=[{"id": "rival", "name": "Rival",
                                                         "sources": [{"site": "trustpilot", "url": URL}]}]),
                  client("bolt", url=URL.replace("acme", "bolt")))
    assert len(config.load(rival).clients) == 2


def test_run_leaves_out_a_client_whose_lines_are_wrong_and_keeps_the_rest(tmp_path):
    path = write(tmp_path, client("acme"), client("bolt", url=URL.replace("acme", "bolt"), timezone="Berlin"),
                 client("cask", url=URL.replace("acme", "cask")), client("dune", url=URL))
    with pytest.raises(config.ConfigError):
        config.load(path)  # `config check` and every other command: strict
    cfg = config.load(path, skip_bad_clients=True)
    assert [c.id for c in cfg.clients] == ["acme", "cask"]
    timezone, shared = cfg.skipped
    assert timezone == f"{path}:{line_of(path, 'Berlin')}: clients[bolt].timezone: unknown timezone 'Berlin' " \
                       "(use an IANA name such as Europe/Berlin)"
    assert timezone.startswith(f"{path}:") and ": clients[dune].sources[0].url: the same URL as" in shared


def test_an_agency_wide_error_still_stops_the_run(tmp_path):
    path = write(tmp_path, client("acme"), client("bolt", url=URL.replace("acme", "bolt"), timezone="Berlin"),
                 agency={"sender": "not an address"})
    with pytest.raises(config.ConfigError) as raised:
        config.load(path, skip_bad_clients=True)
    assert any("agency.sender" in problem for problem in raised.value.problems)
    every = write(tmp_path, client("acme", timezone="Berlin"))
    with pytest.raises(config.ConfigError, match="clients\\[acme\\].timezone"):
        config.load(every, skip_bad_clients=True)  # no client left: nothing to run
