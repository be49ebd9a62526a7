"""One harness for real crawls of one source: a LocalSite serving case pages, a config, `repscan crawl`
through the real pipeline into a real SQLite file, the rows read back with Store.query.

A Scenario (see test_crawl_sources.py) says what the site serves (Serve rows), the source URL, the
environment, and what the first crawl and the recrawl must request and store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from helpers import case, run_cli, write_config
from repscan.app.demo.server import LocalSite, Reply
from repscan.core.store import Store

JSON = "application/json; charset=utf-8"


def path_of(url: str) -> str:
    """The path and query of a URL, as the local site records a request for it."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@dataclass
class Serve:
    """Serve `page` (a case "site/name", or `text`) at `path` when the query matches."""

    path: str
    page: str | None = None
    text: str | None = None
    query: dict = field(default_factory=dict)     # name -> value, None: absent
    contains: dict = field(default_factory=dict)  # name -> a substring the value holds
    type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)   # "{site}" stands for the local site's URL
    replace: dict = field(default_factory=dict)   # body text -> its replacement ("{site}" as above)

    def matches(self, path: str, query: dict) -> bool:
        if path != self.path:
            return False
        for name, value in self.query.items():
            if (query.get(name) or [None])[0] != value:
                return False
        return all(text in (query.get(name) or [""])[0] for name, text in self.contains.items())

    def reply(self, site_url: str) -> Reply:
        body = self.text if self.text is not None else case(self.page).body.decode("utf-8")
        for old, new in self.replace.items():
            body = body.replace(old, new.format(site=site_url))
        return Reply(body=body.encode("utf-8"), content_type=self.type,
                     headers={k: v.format(site=site_url) for k, v in self.headers.items()})


@dataclass
class Expect:
    """What one crawl must have done: its requests (under the scenario's prefix) and its crawls row."""

    requests: list[str] | int | None = None  # exact paths in order, or how many
    crawl: dict = field(default_factory=dict)  # fields of the crawls row, e.g. {"status": "ok", "pages": 2}
    counts: dict = field(default_factory=dict)  # table -> rows stored, e.g. {"reviews": 5}
    checks: list[Callable] = field(default_factory=list)  # check(run) after this crawl


@dataclass
class Scenario:
    id: str
    site: str                   # site key of the source
    source: str                 # source URL on the local site ("/path?query")
    serve: list[Serve]
    first: Expect
    recrawl: Expect | None = None
    prefix: str = "/"           # which requests `requests` lists (robots.txt never)
    sort: bool = False          # compare the requests sorted (several start URLs run side by side)
    strip_query: bool = False   # compare the requests without their query
    env: dict = field(default_factory=dict)
    name: str = "Acme Plumbing"
    aliases: tuple[str, ...] = ()
    headers: dict = field(default_factory=dict)  # headers every request under the prefix carries
    robots: str | None = None   # "first": asked before anything; "never": an API or feed
    robots_txt: str | None = None  # what /robots.txt says instead of allowing everything
    require: dict = field(default_factory=dict)  # path -> {param: value}: else 400 (sorting asked for)
    order: str = "published_at DESC"  # the order rows are read back in
    checks: list[Callable] = field(default_factory=list)  # check(run) of the stored rows after the first crawl


@dataclass
class Run:
    result: object
    crawls: list[dict]
    reviews: list[dict]
    posts: list[dict]
    businesses: list[dict]
    requests: list[tuple[str, dict]]  # (path, headers) of every request so far
    site: "Site"

    @property
    def crawl(self) -> dict:
        return self.crawls[-1]

    def rows(self, table: str) -> list[dict]:
        return getattr(self, table)


class Site:
    """The scenario's pages on a LocalSite that records each request's headers."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.requests: list[tuple[str, dict]] = []
        self.local = LocalSite(self.route)
        serve = self.local._serve

        def recording(handler):
            self.requests.append((handler.path, dict(handler.headers)))
            serve(handler)

        self.local._serve = recording
        if scenario.robots_txt:
            self.local.fail("/robots.txt", *[Reply(200, scenario.robots_txt, content_type="text/plain")] * 3)

    def route(self, path, query):
        required = self.scenario.require.get(path, {})
        if any((query.get(name) or [None])[0] != value for name, value in required.items()):
            return Reply(400, '{"error": "sorting or page size not as asked"}', content_type=JSON)
        for serve in self.scenario.serve:
            if serve.matches(path, query):
                return serve.reply(self.url)
        return None

    @property
    def url(self) -> str:
        return self.local.url

    @property
    def hits(self) -> list[str]:
        return self.local.hits

    def selected(self, hits: list[str]) -> list[str]:
        s = self.scenario
        chosen = [h.split("?")[0] if s.strip_query else h for h in hits
                  if h.startswith(s.prefix) and h != "/robots.txt"]
        return sorted(chosen) if s.sort else chosen

    def __enter__(self) -> "Site":
        self.local.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.local.__exit__(*exc)


def crawl(tmp_path: Path, site: Site, *args: str, env: dict | None = None, aliases=None, source: str | None = None,
          fields: dict | None = None, **sections) -> Run:
    """One `repscan crawl` of the scenario's source (as configured, or `source`; `fields` add to its table, e.g.
    fetch or credentials), and what it stored."""
    s = site.scenario
    config = write_config(tmp_path, [{"site": s.site, "url": f"{site.url}{source or s.source}", **(fields or {})}],
                          name=s.name, aliases=s.aliases if aliases is None else aliases, **sections)
    result = run_cli("--config", str(config), "crawl", "--quiet", *args, env=s.env if env is None else env)
    store = Store(tmp_path / "repscan.db")
    try:
        return Run(result, store.crawls(), store.query(f"SELECT * FROM reviews ORDER BY {s.order}"),
                   store.query(f"SELECT * FROM posts ORDER BY {s.order}"),
                   store.query("SELECT * FROM businesses ORDER BY id"), list(site.requests), site)
    finally:
        store.close()


def check(run: Run, expect: Expect, hits: list[str]) -> None:
    """The crawl went well and did what `expect` says; `hits` are the requests of this crawl alone."""
    s = run.site.scenario
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    wanted = {"source": s.site, "status": "ok", **expect.crawl}
    assert {k: run.crawl[k] for k in wanted} == wanted
    requested = run.site.selected(hits)
    if isinstance(expect.requests, int):
        assert len(requested) == expect.requests, requested
    elif expect.requests is not None:
        assert requested == (sorted(expect.requests) if s.sort else expect.requests)
    for table, count in expect.counts.items():
        assert len(run.rows(table)) == count, table
    for path, headers in run.requests:
        if path.startswith(s.prefix) and path != "/robots.txt":
            assert {k: headers.get(k) for k in s.headers} == s.headers, path
    for extra in expect.checks:
        extra(run)


def first_then_recrawl(tmp_path: Path, scenario: Scenario) -> None:
    """Crawl: every page, the rows, the scenario's own checks; then, if it says so, a recrawl that stops early."""
    with Site(scenario) as site:
        run = crawl(tmp_path, site)
        check(run, scenario.first, site.hits)
        if scenario.robots == "first":
            assert site.hits[0] == "/robots.txt"
        elif scenario.robots == "never":
            assert "/robots.txt" not in site.hits
        for extra in scenario.checks:
            extra(run)
        if scenario.recrawl is None:
            return
        before = len(site.hits)
        again = crawl(tmp_path, site)
        check(again, scenario.recrawl, site.hits[before:])
