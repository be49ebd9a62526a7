"""The node tests' Scrapyd fleet: one pair of real Scrapyd servers for the whole session (starting one takes a
second or two), each test in a Scrapyd project of its own, or in the one project deployed once for all."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from scrapyd_nodes import running


@dataclass(frozen=True)
class NodeProject:
    """A project on a node: what a [[nodes]] entry names (url and project)."""

    url: str
    project: str


@pytest.fixture(scope="session")
def scrapyd_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scrapyd")
    with running([folder / "node-a", folder / "node-b"]) as pair:
        yield pair


@pytest.fixture
def fresh_pair(scrapyd_pair, request) -> list[NodeProject]:
    """The shared pair, in a project no other test uses (nothing deployed in it yet)."""
    project = "t" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]
    return [NodeProject(node.url, project) for node in scrapyd_pair]


@pytest.fixture(scope="session")
def deployed_pair(scrapyd_pair, tmp_path_factory) -> list[NodeProject]:
    """The shared pair with this checkout's egg deployed once, in project "deployed"."""
    from repscan.app.configfile import write_config
    from repscan.app.nodes import deploy
    from repscan.core.config import load

    pair = [NodeProject(node.url, "deployed") for node in scrapyd_pair]
    path = write_config(tmp_path_factory.mktemp("deploy") / "repscan.toml",
                        agency={"name": "Test Agency", "sender": "reports@agency.example"},
                        nodes=[{"url": node.url, "project": node.project} for node in pair],
                        clients=[{"id": "acme", "name": "Acme", "recipients": ["owner@acme.example"],
                                  "sources": [{"site": "jsonld", "url": "https://acme.example/reviews"}]}])
    failed = [(url, error) for url, error in deploy(load(path)) if error]
    assert not failed, failed
    return pair
