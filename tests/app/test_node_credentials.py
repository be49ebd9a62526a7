"""Scrapyd's basic-auth credentials go to the node and nowhere else: not to a redirect target, not to a foreign items_url."""

from __future__ import annotations

import pytest

import helpers
from helpers import LocalSite, Reply
from repscan.app.nodes import Scrapyd, ScrapydError
from repscan.core.config import Node


@pytest.fixture
def trap():
    with helpers.trap() as site:
        yield site


def test_credentials_stay_on_the_node(monkeypatch, trap):
    monkeypatch.setenv("REPSCAN_SCRAPYD_USER", "agency")
    monkeypatch.setenv("REPSCAN_SCRAPYD_PASSWORD", "s3cret")
    heard = []

    def route(path, query):
        if path == "/daemonstatus.json":
            return Reply(status=302, headers={"Location": f"{trap.url}/daemonstatus.json"})
        if path == "/listjobs.json":
            return Reply(status=302, headers={"Location": "/listjobs2.json?project=repscan"})
        if path == "/listjobs2.json":
            return Reply(body='{"status": "ok", "running": []}', content_type="application/json")
        return None

    with LocalSite(route) as node:
        handler = node.server.RequestHandlerClass
        serve = handler.do_GET

        def do_get(request):
            heard.append((request.path.split("?")[0], request.headers.get("Authorization")))
            serve(request)

        handler.do_GET = do_get
        client = Scrapyd(Node(url=node.url))
        with pytest.raises(ScrapydError, match="redirect to another host refused|HTTP 302"):
            client.daemonstatus()
        with pytest.raises(ScrapydError, match="not on the node"):
            client.fetch(f"{trap.url}/items/repscan/trustpilot/job1.jl")
        assert client.listjobs() == {"status": "ok", "running": []}  # a redirect within the node is followed
    assert trap.seen == []
    assert [path for path, auth in heard if auth and auth.startswith("Basic ")] == [
        "/daemonstatus.json", "/listjobs.json", "/listjobs2.json"]
