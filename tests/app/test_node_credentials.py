"""Scrapyd's basic-auth credentials go to the node and nowhere else: not to a redirect target, not to a foreign items_url."""

from __future__ import annotations

import json

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

    def route(path, query):
        if path == "/daemonstatus.json":
            return Reply(status=302, headers={"Location": f"{trap.url}/daemonstatus.json"})
        if path == "/listjobs.json":
            return Reply(status=302, headers={"Location": "/listjobs2.json?project=repscan"})
        if path == "/listjobs2.json":
            return Reply(body='{"status": "ok", "running": []}', content_type="application/json")
        return None

    with LocalSite(route) as node:
        heard = helpers.authorizations(node)
        client = Scrapyd(Node(url=node.url))
        with pytest.raises(ScrapydError, match="redirect to another host refused|HTTP 302"):
            client.daemonstatus()
        with pytest.raises(ScrapydError, match="not on the node"):
            client.fetch(f"{trap.url}/items/repscan/trustpilot/job1.jl")
        assert client.listjobs() == {"status": "ok", "running": []}  # a redirect within the node is followed
    assert trap.seen == []
    assert [path.split("?")[0] for path, auth in heard if auth and auth.startswith("Basic ")] == [
        "/daemonstatus.json", "/listjobs.json", "/listjobs2.json"]


def test_a_node_job_carries_the_variable_names_and_fetch_mode_never_the_values(tmp_path, monkeypatch):
    """The node reads the values from its own environment; the job (a POST anyone on the node can list) has names."""
    from urllib.parse import parse_qsl

    from repscan.app.nodes import Dispatcher, batches
    from repscan.core.config import load
    from repscan.core.store import Store
    from repscan.spiders.base import dict_arg
    from repscan.spiders.run import jobs_for

    monkeypatch.setenv("ACME_FB_TOKEN", "EAAG-made-up-page-token")
    monkeypatch.setenv("ACME_ZYTE_KEY", "made-up-zyte-key")
    answer = '{"status": "ok", "jobid": "job-1"}'
    with LocalSite(lambda path, query: Reply(body=answer, content_type="application/json")) as node:
        path = helpers.write_config(tmp_path, [
            {"site": "facebook-graph", "url": "https://graph.facebook.com/acme",
             "credentials": {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_TOKEN"}},
            {"site": "yelp", "url": "https://www.yelp.com/biz/acme", "fetch": "api",
             "credentials": {"REPSCAN_ZYTE_API_KEY": "ACME_ZYTE_KEY"}}], nodes=[{"url": node.url}])
        config = load(path)
        dispatcher = Dispatcher(config)
        dispatcher.store = Store(config.database)
        try:
            assert dispatcher._start(batches(jobs_for(config), 20, dispatcher._budget), full=False, now=None) == []
        finally:
            dispatcher.store.close()
        posts = [dict(parse_qsl(body.decode())) for where, body in node.posts if where == "/schedule.json"]
    crawls = [(job["spider"], json.loads(job["batch_0"])) for job in posts]  # a batch of one source each
    assert [(spider, crawl["fetch"], dict_arg(crawl["credentials"])) for spider, crawl in crawls] == [
        ("facebook-graph", "http", {"REPSCAN_FACEBOOK_PAGE_TOKEN": "ACME_FB_TOKEN"}),
        ("yelp", "api", {"REPSCAN_ZYTE_API_KEY": "ACME_ZYTE_KEY"})]
    sent = b"".join(body for _, body in node.posts)
    assert b"EAAG-made-up-page-token" not in sent and b"made-up-zyte-key" not in sent
