"""Crawl on Scrapyd nodes: deploy the spiders, dispatch source crawls as jobs, follow them, ingest their feeds.

    [[nodes]]                       # each Scrapyd server (docs/scale.md)
    url = "http://10.0.0.5:6800/"
    slots = 2                       # jobs at once on it

`run()` is what `repscan run` and `repscan crawl --nodes` call instead of a local crawl:

- a site's due sources become Scrapyd jobs (schedule.json) of up to [dispatch] batch sources each: one process
  crawls them side by side (spiders/crawl.py), as a local run does, one robots.txt and one polite stream for all;
  each source crawl keeps its own spider arguments (those of a local crawl), node_jobs row, crawls row and feed
  file; every job gets the config's [crawl] settings and REPSCAN_STORE = "feed";
- politeness holds across nodes: a site (registrable domain) runs at most one job per outgoing address (a proxy
  of the site's, or a node when it has none), jobs_per_domain at most, and a job of a site starts a download
  delay after the last one from that address ended; the jobs go to the least loaded nodes, each pinned to this
  machine's egg version;
- a node refusing REFUSALS jobs in a row with an answer that says the node is wrong (401/403, project or version
  not found, packages not the pinned ones) is bad for the run: its jobs go to the other nodes, and the run's
  summary says so. A source whose job every node refused is not run, as when no node answers (below): no crawls
  row, so the refusal is never counted against the client's page; a failed line for the run says why. Server errors (5xx) count only once they have lasted node_timeout: a node having a bad second
  is not marked bad, its refused jobs simply run elsewhere;
- listjobs.json is polled until each job finishes; its feed (from the shared [dispatch] feeds
  folder, or the node's items_url over HTTP) is ingested (repscan/ingest.py) into its crawls row, with
  the pages of its negative items (they travel in the feed, hash-checked on arrival; one that does not
  arrive whole makes the crawl an error);
- every node is asked daemonstatus.json at the start (PROBE_TIMEOUT): one that does not answer gets no jobs until it
  answers, and the run's summary names it and why (a failed line: the agency's capacity is down); one that answers
  again later in the run takes jobs (a warning line). When no node answers, the sources are not read this run and
  not charged with it: no crawls row (a client's report never blames its page for the agency's machines), one
  failed line for the run, and each source is read at the first run a node answers (`lost_jobs`);
- a node unreachable for node_timeout seconds is dead: its jobs are failed, what their feeds
  already hold is kept, and the next run does those sources again (`lost_jobs`), reading
  every page because the last crawl did not end cleanly. A job that vanished from its node, or
  finished without its crawl record (the process died), is failed the same way.

Search-engine crawls stay on this machine: one engine is one domain, so nodes would not speed
them up, only spread one engine's queries over more addresses.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib import error as urlerror
from urllib import parse, request

from repscan import __version__
from repscan.core.config import Config, Node
from repscan.app.ingest import FeedError, ingest_job, read_feed, record_failure
from repscan.core import node_packages
from repscan.core.items import stamp
from repscan.core.store import Store
from repscan.core.store.jobs import NOT_RUN

KNOWN_IDS_BYTES = 60_000  # one spider argument is one argv string on the node: Linux caps it at 128 KiB
BATCH_BYTES = 1_000_000  # a batch's known ids at most: all its arguments are one command line (ARG_MAX, often 2 MiB)
EGG_SUFFIXES = {".py", ".toml", ".txt", ".json"}
EGG_PACKAGES = ("repscan.core", "repscan.spiders")  # what the spiders import; app, reports and templates stay home
FEED_DAYS = 7  # a merged job's feed file is deleted this many days after it was written
PROBE_TIMEOUT = 5.0  # seconds for a node's daemonstatus.json at the start of a dispatch
REFUSALS = 3  # a node that refuses this many jobs in a row, saying it is the wrong node, is bad for the run
WRONG_NODE = re.compile(r"HTTP 40[13]\b|not found|" + re.escape(node_packages.MARKER))  # a refusal that will last
Echo = Callable[[str], None]


class NodeDown(Exception):
    """The node did not answer (refused, timed out, not HTTP)."""


class ScrapydError(Exception):
    """The node answered {"status": "error"}."""


# -- the Scrapyd HTTP API -----------------------------------------------------------

def _origin(url: str) -> tuple[str, str, int | None]:
    parts = parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


class _SameNodeRedirects(request.HTTPRedirectHandler):
    """Follows a node's redirects to itself only (urllib would send the Authorization header anywhere)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise urlerror.HTTPError(req.full_url, code, f"redirect to another host refused: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = request.build_opener(_SameNodeRedirects)


class Scrapyd:
    """The few Scrapyd endpoints repscan uses, over urllib. Basic auth from REPSCAN_SCRAPYD_USER and
    REPSCAN_SCRAPYD_PASSWORD (the environment, never the config file)."""

    def __init__(self, node: Node, timeout: float = 15.0):
        self.node = node
        self.url = node.url if node.url.endswith("/") else node.url + "/"
        self.project = node.project
        self.timeout = timeout
        user, password = os.environ.get("REPSCAN_SCRAPYD_USER"), os.environ.get("REPSCAN_SCRAPYD_PASSWORD")
        self.auth = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()) if user else None

    def __repr__(self) -> str:
        return f"Scrapyd({self.url})"

    def call(self, endpoint: str, params: list[tuple[str, str]] | None = None, *, post: bool = False,
             body: bytes | None = None, content_type: str | None = None) -> dict:
        url = parse.urljoin(self.url, endpoint)
        data = body
        if params and not post:
            url += "?" + parse.urlencode(params)
        elif params:
            data = parse.urlencode(params).encode()
            content_type = "application/x-www-form-urlencoded"
        raw = self._open(url, data, "POST" if post else "GET", content_type)
        try:
            answer = json.loads(raw)
        except ValueError:
            raise NodeDown(f"{url}: not a Scrapyd answer: {raw[:80]!r}") from None
        if answer.get("status") != "ok":
            raise ScrapydError(f"{url}: {answer.get('message') or answer}")
        return answer

    def fetch(self, path_or_url: str) -> bytes:
        return self._open(parse.urljoin(self.url, path_or_url))

    def _open(self, url: str, data: bytes | None = None, method: str = "GET", content_type: str | None = None) -> bytes:
        """One request to this node, and only to it: the credentials never go to another host, whether an
        absolute items_url or a redirect names it."""
        if _origin(url) != _origin(self.url):
            raise ScrapydError(f"{url}: not on the node {_origin(self.url)}; refused")
        req = request.Request(url, data=data, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with _OPENER.open(req, timeout=self.timeout) as response:
                return response.read()
        except urlerror.HTTPError as exc:
            raise ScrapydError(f"{url}: HTTP {exc.code}") from None
        except (urlerror.URLError, OSError) as exc:
            raise NodeDown(f"{self.url}: {getattr(exc, 'reason', exc)}") from None

    def schedule(self, spider: str, job_id: str, settings: dict[str, str], args: dict[str, str],
                 version: str | None = None) -> str:
        params = [("project", self.project), ("spider", spider), ("jobid", job_id)]
        params += [("_version", version)] if version else []
        params += [("setting", f"{key}={value}") for key, value in settings.items()]
        params += list(args.items())
        return self.call("schedule.json", params, post=True)["jobid"]

    def listjobs(self) -> dict:
        return self.call("listjobs.json", [("project", self.project)])

    def cancel(self, job_id: str) -> dict:
        return self.call("cancel.json", [("project", self.project), ("job", job_id)], post=True)

    def listversions(self) -> list[str]:
        return self.call("listversions.json", [("project", self.project)])["versions"]

    def delversion(self, version: str) -> dict:
        return self.call("delversion.json", [("project", self.project), ("version", version)], post=True)

    def daemonstatus(self) -> dict:
        return self.call("daemonstatus.json")

    def addversion(self, version: str, egg: bytes) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (("project", self.project), ("version", version)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="repscan.egg"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + egg + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.call("addversion.json", body=b"".join(parts), post=True,
                         content_type=f"multipart/form-data; boundary={boundary}")


# -- deploy -----------------------------------------------------------------------

def build_egg() -> bytes:
    """The spiders as a Scrapyd egg: repscan's core and its spiders (code and data), the node's pinned packages
    (repscan/core/node_packages.py checks them on the node before any spider loads) and the `scrapy` entry point
    naming repscan.spiders.settings. Built from wherever they are imported from, a checkout or an install, without
    setup.py; the application and the report side stay home. The same code and packages give the same bytes."""
    import importlib

    import repscan

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        def add(name: str, data: bytes | str) -> None:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            egg.writestr(info, data)

        add("repscan/__init__.py", Path(repscan.__file__).read_bytes())
        for package in EGG_PACKAGES:
            root = Path(importlib.import_module(package).__file__).parent
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if path.is_file() and path.suffix in EGG_SUFFIXES and "__pycache__" not in relative.parts:
                    add(f"{package.replace('.', '/')}/{relative.as_posix()}", path.read_bytes())
        add(f"repscan/core/{node_packages.PINS_FILE}", json.dumps(node_packages.pins(), indent=0))
        add("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: repscan\nVersion: {__version__}\n")
        add("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = repscan.spiders.settings\n")
        add("EGG-INFO/top_level.txt", "repscan\n")
        add("EGG-INFO/zip-safe", "\n")
    return buffer.getvalue()


def egg_version(egg: bytes) -> str:
    """The version an egg is deployed as, and every job is scheduled with (schedule.json `_version`): repscan's
    version and the egg's digest, in the characters Scrapyd keeps (it rewrites others to '_'), so a node runs
    exactly the code and packages of this machine or refuses the job."""
    return _as_stored(__version__) + "-" + hashlib.sha256(egg).hexdigest()[:12]


def _as_stored(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", version)  # scrapyd.eggstorage: listversions.json names it so


def deploy(config: Config, echo: Echo | None = None) -> list[tuple[str, str | None]]:
    """Upload the egg to every [[nodes]] entry (addversion.json), then drop the project's older versions on each
    node that runs none of its jobs; (node url, error or None) each. A node whose Python packages are not the
    pinned ones refuses the egg: the error names each missing or mismatched package, and the refused version is
    deleted again (Scrapyd keeps an egg it could not list, and would run it as the newest); any other error leaves
    the node's versions as they were."""
    egg = build_egg()
    version = egg_version(egg)  # what the dispatcher pins every job to
    echo = echo or (lambda message: None)
    results = []
    for node in config.nodes:
        client = Scrapyd(node)
        try:
            answer = client.addversion(version, egg)
        except (NodeDown, ScrapydError) as exc:
            error = str(exc)
            mismatch = node_packages.mismatch_in(error) if isinstance(exc, ScrapydError) else None
            if mismatch:  # only this refusal leaves the egg stored; another error may hit a good earlier upload
                error = f"{client.url} refused the egg: {mismatch}"
                try:
                    client.delversion(version)
                except (NodeDown, ScrapydError):
                    pass
            results.append((client.url, error))
            echo(f"deploy to {client.url} failed: {error}")
            continue
        results.append((client.url, None))
        echo(f"deployed {node.project} {version} to {client.url}: {answer.get('spiders')} spiders"
             + _drop_older(client, version))
    return results


def _drop_older(client: Scrapyd, version: str) -> str:
    """Delete the project's other versions on a node running none of its jobs (a job reads its egg while it runs)."""
    try:
        jobs = client.listjobs()
        older = [v for v in client.listversions() if v != _as_stored(version)]
        if not older:
            return ""
        if jobs.get("running") or jobs.get("pending"):
            return f"; kept {len(older)} older versions (jobs running)"
        for old in older:
            client.delversion(old)
        return f"; removed {len(older)} older versions"
    except (NodeDown, ScrapydError) as exc:
        return f"; older versions not removed: {exc}"


def status(config: Config) -> list[dict]:
    """Each node's daemonstatus.json and whether it holds this machine's egg version ("current"), or its error."""
    version = egg_version(build_egg())
    out = []
    for node in config.nodes:
        client = Scrapyd(node)
        try:
            daemon = client.daemonstatus()
            out.append({"url": client.url, **daemon, "version": version,
                        "current": version in client.listversions()})
        except (NodeDown, ScrapydError) as exc:
            out.append({"url": client.url, "status": "down", "error": str(exc)})
    return out


# -- dispatch -----------------------------------------------------------------------

@dataclass(eq=False)
class NodeState:
    client: Scrapyd
    running: int = 0
    down_since: float | None = None
    dead: str | None = None  # unreachable, or bad (refused REFUSALS jobs in a row): no more jobs this run
    last_used: float = 0.0
    refusals: int = 0  # in a row
    failing_since: float | None = None  # the first refusal of the row that was not a WRONG_NODE answer (a 5xx)
    refused_total: int = 0
    last_refusal: str = ""
    absent: str | None = None  # why it did not answer the probe at the start of the run


@dataclass
class Part:
    """One source crawl of a node job: its own node_jobs row, crawls row and feed file."""

    job_id: str  # "<the Scrapyd job's id>.<n>": the id its feed lines carry
    crawl_id: int
    feed: Path | None  # in the shared [dispatch] feeds folder, if set


@dataclass(frozen=True, eq=False)
class Batch:
    """Due sources of one site crawled by one Scrapyd job (one spider, one process): at most [dispatch] batch."""

    site: str
    domain: str
    jobs: tuple


@dataclass
class Running:
    job_id: str  # the Scrapyd job's
    node: NodeState
    domain: str
    address: str  # the outgoing address its requests leave from: the node, or the proxy it was given
    parts: list[Part]
    scheduled: float = field(default_factory=time.monotonic)
    cancelled: float | None = None


def scrapyd_job(job_id: str) -> str:
    """The Scrapyd job a source crawl ran in (Part.job_id); an id without a part is a job of its own."""
    return job_id.split(".", 1)[0]


def _sources_of(jobs: list) -> str:
    """The run summary's count of source jobs: "3 sources of 2 clients"."""
    sources, clients = len(jobs), len({job.client.id for job in jobs})
    return f"{sources} source{'s' * (sources != 1)} of {clients} client{'s' * (clients != 1)}"


def batches(jobs: list, size: int, spread: Callable[[str, str], int]) -> list[Batch]:
    """The jobs grouped by site and spider into batches of at most `size`, each group split evenly over at least
    `spread(domain, spider)` batches (as many as the site may crawl at once), as far as it has sources."""
    groups: dict[tuple[str, str], list] = {}
    for job in jobs:
        groups.setdefault((domain_of(job.site, job.source.url), job.site), []).append(job)
    out = []
    for (domain, site), group in groups.items():
        count = max(-(-len(group) // size), min(spread(domain, site), len(group)))
        per = -(-len(group) // count)
        out += [Batch(site, domain, tuple(group[i:i + per])) for i in range(0, len(group), per)]
    return out


def domain_of(site: str, url: str) -> str:
    """The site a source's crawl requests go to: the registrable domain of its first page's host
    (uk.trustpilot.com and www.trustpilot.com are one site)."""
    from repscan.core.sites import registrable
    from repscan.spiders.pages import get

    try:
        url = get(site).start_url(url)
    except Exception:  # noqa: BLE001 (the source URL's host is a fair stand-in)
        pass
    return registrable(parse.urlsplit(url).hostname or url)


def lost_jobs(config: Config, jobs: list | None = None) -> list:
    """`jobs` plus the sources whose last node job failed (node died, job lost) and not crawled since."""
    from repscan.spiders.run import Job

    jobs = list(jobs or [])
    have = {(j.client.id, j.site, j.source.url) for j in jobs if j.source}
    store = Store(config.database)
    try:
        lost = store.lost_node_jobs()
    finally:
        store.close()
    for row in lost:
        key = (row["client_id"], row["source"], row["url"])
        if key in have:
            continue
        try:
            client = config.subject(row["client_id"])
        except KeyError:
            continue
        for source in client.sources:
            if (source.site, source.url) == (row["source"], row["url"]):
                jobs.append(Job(client, source=source))
                have.add(key)
                break
    return jobs


def run(config: Config, jobs: list, *, full: bool = False, now: str | None = None, log_level: str = "INFO",
        echo: Echo | None = None, sleep: Callable[[float], None] = time.sleep,
        notes: list[str] | None = None) -> list[dict]:
    """Source jobs on the nodes, then search jobs here; the crawls rows of all, like spiders.run.run.
    `notes` gets what went wrong with the nodes themselves, for the run's summary: ("failed", a node marked bad
    or unreachable) or ("warning", a node refused jobs that then ran elsewhere)."""
    node_jobs = [job for job in jobs if job.source]
    local_jobs = [job for job in jobs if not job.source]
    dispatcher = Dispatcher(config, echo=echo, sleep=sleep, log_level=log_level)
    rows = dispatcher.run(node_jobs, full=full, now=now)
    if notes is not None:
        notes += dispatcher.notes
    if local_jobs:
        from repscan.spiders.run import run as run_here

        rows += run_here(config, local_jobs, full=full, now=now, log_level=log_level)
    return rows


class Dispatcher:
    def __init__(self, config: Config, *, echo: Echo | None = None, sleep: Callable[[float], None] = time.sleep,
                 log_level: str = "INFO"):
        if not config.nodes:
            raise ValueError("no [[nodes]] in the config")
        self.config = config
        self.options = config.dispatch
        self.echo = echo or (lambda message: None)
        self.sleep = sleep
        self.log_level = log_level
        self.nodes = {self._key(node): NodeState(Scrapyd(node)) for node in config.nodes}
        self.running: dict[str, Running] = {}
        # One job of a site per outgoing address (one polite stream each), jobs_per_domain addresses at most: the
        # site's proxies when it has some, else the nodes.
        self.domains: dict[str, dict[str, int]] = {}  # site -> {address: its jobs of the site running}
        self.quiet_until: dict[tuple[str, str], float] = {}  # (site, address) -> when its next job may start there
        self.refused: dict[int, dict[NodeState, str]] = {}  # id(batch) -> the nodes that refused it, and why
        self.crawl_ids: list[int] = []
        self.not_run: list = []  # source jobs no node was there to take
        self.refused_everywhere: list = []  # source jobs every node refused (the nodes' fault, never the source's)
        self.notes: list[tuple[str, str]] = []  # (failed: a node marked bad or unreachable, or warning; what)
        self.version: str | None = None  # the egg version every job is pinned to (egg_version)

    @staticmethod
    def _key(node: Node) -> str:
        return (node.url if node.url.endswith("/") else node.url + "/") + "#" + node.project

    # The loop ---------------------------------------------------------------------

    def run(self, jobs: list, *, full: bool = False, now: str | None = None) -> list[dict]:
        self.store = Store(self.config.database)
        self.version = self.version or egg_version(build_egg())
        try:
            self.store.close_interrupted_crawls()
            self._clean_feeds()
            self._roll_call()
            self._adopt()
            pending = batches(jobs, self.options.batch, self._budget)
            while pending or self.running:
                pending = self._start(pending, full, now)
                if pending and all(self._nowhere(n) for n in self.nodes.values()):
                    for job in (job for batch in pending for job in batch.jobs):
                        self._not_run(job, f"{self._nobody()}: " + self._dead_reasons())
                        self.not_run.append(job)
                    pending = []
                if not (pending or self.running):
                    break
                self.sleep(self.options.poll)
                self._poll()
                self._probe()
            for node in self.nodes.values():
                if node.refused_total and not node.dead:
                    self.notes.append(("warning", f"node {node.client.url} refused {node.refused_total} jobs"
                                                  f" ({node.last_refusal}); they ran on other nodes"))
            self._tell_absent()
            if self.refused_everywhere:
                self.notes.append(("failed", f"every node refused the jobs of {_sources_of(self.refused_everywhere)}"
                                             f" ({'; '.join(sorted({n.last_refusal for n in self.nodes.values() if n.last_refusal}))}):"
                                             " not read this run, and not counted against them; they are read at the"
                                             " next run a node takes them"))
            return self.store.crawls_by_id(self.crawl_ids)
        finally:
            self.store.close()

    def _roll_call(self) -> None:
        """Ask every node daemonstatus.json before any job: one that does not answer takes none until it does.
        A node that answers with an error (401, 5xx) is up: the refusals of its jobs tell what is wrong with it."""
        for node in self.nodes.values():
            try:
                Scrapyd(node.client.node, timeout=PROBE_TIMEOUT).daemonstatus()
            except NodeDown as exc:
                node.down_since = time.monotonic()
                node.absent = f"node {node.client.url} did not answer at the start of the run ({exc})"
                self.echo(node.absent)
            except ScrapydError:
                pass

    def _nowhere(self, node: NodeState) -> bool:
        """The node takes no job this run: dead, or silent since the start of the run."""
        return bool(node.dead or (node.absent and node.down_since is not None))

    def _tell_absent(self) -> None:
        """The summary's lines on nodes that did not answer at the start: one for the run when no node took its
        sources, else one a node (failed while it stayed away, a warning if it came back and took jobs)."""
        if self.not_run:
            self.notes.append(("failed", f"{self._nobody()} ({self._dead_reasons()}): {_sources_of(self.not_run)}"
                                         " not read this run, and not counted against them; they are read at the"
                                         " first run a node takes them"))
            return
        for node in self.nodes.values():
            if node.absent and self._nowhere(node):
                self.notes.append(("failed", node.absent + "; it took no jobs, the other nodes took its share"))
            elif node.absent:
                self.notes.append(("warning", node.absent + "; it answered later and took jobs"))

    def _clean_feeds(self) -> None:
        """Delete the feed files of jobs merged whole (node_jobs.complete) once FEED_DAYS old, in the shared
        folder and in the spool of feeds fetched over HTTP; a feed cut short stays, to be continued."""
        cutoff = time.time() - FEED_DAYS * 86400
        merged = {row["job_id"] for row in self.store.node_jobs("done") if row["complete"]}
        for folder in filter(None, (self.config.feeds, self.config.database.parent / "feeds")):
            for path in folder.glob("*.jl"):
                if path.stem in merged and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)

    def _adopt(self) -> None:
        """Jobs an earlier dispatcher left running (it was killed): follow them to the end too."""
        adopted: dict[str, Running] = {}
        for row in self.store.node_jobs("running"):
            state = next((s for s in self.nodes.values() if s.client.url == row["node"]), None)
            if state is None:
                record_failure(self.store, row["job_id"], f"node {row['node']} is no longer in the config")
                continue
            feed = self.config.feeds / f"{row['job_id']}.jl" if self.config.feeds else None
            part = Part(row["job_id"], row["crawl_id"], feed)
            job_id = scrapyd_job(row["job_id"])
            if job_id in adopted:
                adopted[job_id].parts.append(part)
                self.crawl_ids.append(part.crawl_id)
                continue
            domain = domain_of(row["source"], row["url"])
            address = self._key(state.client.node)  # or a proxy it was given: the dispatcher that knew is gone
            adopted[job_id] = Running(job_id, state, domain, address, [part])
            self._track(adopted[job_id])

    def _track(self, running: Running) -> None:
        self.running[running.job_id] = running
        running.node.running += 1
        holders = self.domains.setdefault(running.domain, {})
        holders[running.address] = holders.get(running.address, 0) + 1
        self.crawl_ids += [part.crawl_id for part in running.parts]

    def _untrack(self, running: Running) -> None:
        self.running.pop(running.job_id, None)
        running.node.running -= 1
        holders = self.domains[running.domain]
        holders[running.address] -= 1
        if not holders[running.address]:
            del holders[running.address]
        # The site's next job from this address starts a download delay after this one was seen ending: no burst
        # between two jobs. Nodes may share an address: without proxies the quiet time holds on every node.
        self.quiet_until[(running.domain, self._quiet_key(running.address))] = (
            time.monotonic() + self.config.crawl.download_delay)
        if not holders:
            del self.domains[running.domain]

    def _quiet_key(self, address: str) -> str:
        return address if address.startswith("proxy ") else ""

    def _budget(self, domain: str, site: str) -> int:
        """How many jobs of the site may run at once: one per outgoing address, jobs_per_domain at most."""
        addresses = len(self.config.proxies_for(site)) or (
            1 if self.config.crawl.proxy else sum(1 for n in self.nodes.values() if not n.dead))
        return max(1, min(self.options.jobs_per_domain, addresses))

    def _start(self, pending: list, full: bool, now: str | None) -> list:
        waiting = []
        for batch in pending:
            refused = self.refused.setdefault(id(batch), {})
            if refused and all(n.dead or n in refused for n in self.nodes.values()):
                for job in batch.jobs:
                    self._not_run(job, "every node refused it: " + "; ".join(refused.values()))
                    self.refused_everywhere.append(job)
                continue
            place = self._place(batch, refused)
            if place is None or not self._schedule(batch, *place, full, now):
                waiting.append(batch)
        return waiting

    def _place(self, batch: Batch, refused: dict) -> tuple[NodeState, str, dict | None] | None:
        """A node and an outgoing address for the batch, or None while its site has no address free: never two
        jobs of a site from one address (a proxy, or a node when the site has none), the site's budget at most."""
        holders = self.domains.get(batch.domain, {})
        if len(holders) >= self._budget(batch.domain, batch.site):
            return None
        free = [n for n in self.nodes.values()
                if not n.dead and n.down_since is None and n not in refused and n.running < n.client.node.slots]
        now = time.monotonic()
        for proxy in self.config.proxies_for(batch.site):
            address = f"proxy {proxy.url}"
            if address not in holders and now >= self.quiet_until.get((batch.domain, address), 0.0) and free:
                return self._least_loaded(free), address, proxy.model_dump()
        if self.config.proxies_for(batch.site) or now < self.quiet_until.get((batch.domain, ""), 0.0):
            return None
        node = self._least_loaded([n for n in free if self._key(n.client.node) not in holders])
        return None if node is None else (node, self._key(node.client.node), None)

    @staticmethod
    def _least_loaded(free: list[NodeState]) -> NodeState | None:
        return min(free, key=lambda n: (n.running / n.client.node.slots, n.last_used), default=None)

    def _schedule(self, batch: Batch, node: NodeState, address: str, proxy: dict | None, full: bool,
                  now: str | None) -> bool:
        from repscan.spiders.run import crawl_overrides, source_arguments, watched_ids

        site, store = batch.site, self.store
        job_id = f"{site}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        settings = {k: _setting(v) for k, v in crawl_overrides(self.config, self.log_level).items()
                    if k not in ("REPSCAN_DATABASE", "REPSCAN_EVIDENCE")}  # its evidence travels in the feed
        settings["REPSCAN_STORE"] = "feed"
        settings["REPSCAN_PROXIES"] = json.dumps([proxy] if proxy else [])  # this job's address only
        feed = None
        if self.config.feeds:
            self.config.feeds.mkdir(parents=True, exist_ok=True)
            feed = self.config.feeds / f"{job_id}.jl"
            settings["FEEDS"] = json.dumps({feed.resolve().as_uri(): {"format": "jsonlines"}})
        args, parts, every_page, watched = {}, [], [], []
        known_bytes = min(KNOWN_IDS_BYTES, BATCH_BYTES // len(batch.jobs))
        for n, job in enumerate(batch.jobs):
            part_id = f"{job_id}.{n}"
            every_page.append(full or not store.last_crawl_clean(job.client.id, site, job.source.url))
            # the longest unseen first, so a cut list drops the ones seen lately (and a next read takes them);
            # the rest of the budget: known ids
            watched.append(_within(watched_ids(store, job, now), known_bytes // 2))
            known = self._known_ids(job.client.id, site, known_bytes - _size(watched[-1]))
            arguments = source_arguments(self.config, job, known=known, watch=watched[-1], full=every_page[-1], now=now)
            values = {k: _argument(v) for k, v in arguments.items() if v is not None}
            args[f"batch_{n}"] = json.dumps({**values, "_job": part_id}, ensure_ascii=False)
            parts.append(Part(part_id, 0, self.config.feeds / f"{part_id}.jl" if feed else None))
        try:
            node.client.schedule(site, job_id, settings, args, version=self.version)
        except NodeDown as exc:
            node.down_since = node.down_since or time.monotonic()
            self.echo(f"node {node.client.url} did not take {site} ({len(batch.jobs)} sources): {exc}")
            self._check_dead(node, exc)
            return False
        except ScrapydError as exc:  # 401, not deployed, an older deploy, 5xx: the batch waits for another node
            self._refusal(node, batch, exc)
            return False
        node.last_used, node.refusals, node.failing_since = time.monotonic(), 0, None
        for job, part, all_pages, watch in zip(batch.jobs, parts, every_page, watched):
            client, url = job.client.id, job.source.url
            part.crawl_id = store.start_crawl(client, site, _spider_name(site), url, watched=len(watch))
            store.add_node_job({
                "job_id": part.job_id, "node": node.client.url, "project": node.client.project, "client_id": client,
                "source": site, "url": url, "spider": _spider_name(site), "crawl_id": part.crawl_id,
                "status": "running", "scheduled_at": stamp(), "feed": str(part.feed) if part.feed else None,
            })
            self.echo(f"{part.job_id}: {client} {site} on {node.client.url}"
                      + (f" via {proxy['url']}" if proxy else "") + (" (every page)" if all_pages else ""))
        self._track(Running(job_id, node, batch.domain, address, parts))
        return True

    def _known_ids(self, client: str, site: str, limit: int = KNOWN_IDS_BYTES) -> list[str]:
        return _within(self.store.recent_ids(client, site, self.options.known_ids), limit)

    def _poll(self) -> None:
        by_node: dict[str, list[Running]] = {}
        for running in self.running.values():
            by_node.setdefault(running.node.client.url + "#" + running.node.client.project, []).append(running)
        for jobs in by_node.values():
            node = jobs[0].node
            try:
                answer = node.client.listjobs()
            except (NodeDown, ScrapydError) as exc:
                node.down_since = node.down_since or time.monotonic()
                self._check_dead(node, exc)
                continue
            node.down_since = None
            finished = {job["id"]: job for job in answer.get("finished", [])}
            alive = {job["id"] for key in ("pending", "running") for job in answer.get(key, [])}
            for running in jobs:
                if running.job_id in finished:
                    self._finished(running, finished[running.job_id])
                elif running.job_id not in alive:
                    self._failed(running, f"job {running.job_id} is gone from node {node.client.url}"
                                          " (Scrapyd restarted?)")
                else:
                    self._watch_time(running)

    def _probe(self) -> None:
        """Nodes that did not answer and run nothing of ours: are they back, or dead by now?"""
        for node in self.nodes.values():
            if node.down_since is None or node.dead or node.running:
                continue
            try:
                node.client.daemonstatus()
                node.down_since = None
            except (NodeDown, ScrapydError) as exc:
                self._check_dead(node, exc)

    def _watch_time(self, running: Running) -> None:
        limit = self.options.node_timeout
        age = time.monotonic() - running.scheduled
        job_timeout = self.options.job_timeout * max(len(running.parts), 1)  # per source: a batch's crawls run in turn
        if age > job_timeout and running.cancelled is None:
            running.cancelled = time.monotonic()
            try:
                running.node.client.cancel(running.job_id)
            except (NodeDown, ScrapydError):
                pass
            self.echo(f"{running.job_id}: ran over {job_timeout:.0f} s, cancelled")
        elif running.cancelled is not None and time.monotonic() - running.cancelled > limit:
            self._failed(running, f"job ran over its time and did not stop within {limit:.0f} s of cancel")

    def _check_dead(self, node: NodeState, exc: Exception) -> None:
        down = time.monotonic() - (node.down_since or time.monotonic())
        if down < self.options.node_timeout:
            return
        node.dead = f"node {node.client.url} unreachable for {down:.0f} s ({exc})"
        if not node.absent:  # else _tell_absent says it once
            self.notes.append(("failed", node.dead))
        self.echo(node.dead + ": its jobs failed, their sources run again next time")
        for running in [r for r in self.running.values() if r.node is node]:
            self._failed(running, node.dead + " mid-job")

    def _refusal(self, node: NodeState, batch: Batch, exc: ScrapydError) -> None:
        reason = str(exc)
        if "version" in reason and "not found" in reason:
            reason += f" (this machine's code is {self.version}: run `repscan nodes deploy`)"
        self.refused[id(batch)][node] = reason
        node.refusals += 1
        node.refused_total += 1
        node.last_refusal = reason
        if not WRONG_NODE.search(reason):
            node.failing_since = node.failing_since or time.monotonic()
        self.echo(f"node {node.client.url} refused {batch.site} ({len(batch.jobs)} sources): {reason}")
        lasting = node.failing_since is None or time.monotonic() - node.failing_since >= self.options.node_timeout
        if node.refusals >= REFUSALS and lasting and not node.dead:
            node.dead = f"node {node.client.url} refused {node.refusals} jobs in a row, marked bad for this run: {reason}"
            others = any(n is not node and not self._nowhere(n) for n in self.nodes.values())
            self.notes.append(("failed", node.dead + ("; its jobs went to the other nodes" if others else
                                                      "; no other node could take its jobs")))
            self.echo(node.dead)

    def _nobody(self) -> str:
        """Why no node is left to take jobs: none answers, or some answered but refused jobs until marked bad."""
        return "no node reachable" if all(n.absent for n in self.nodes.values()) else "no node could take jobs"

    def _dead_reasons(self) -> str:
        return "; ".join(n.absent or n.dead or f"node {n.client.url} down" for n in self.nodes.values())

    # Outcomes -----------------------------------------------------------------------

    def _finished(self, running: Running, info: dict) -> None:
        missing = (f"job {running.job_id} ended on node {running.node.client.url} without its crawl record"
                   " (the crawl process died)")
        for part in running.parts:
            path = self._feed_path(running, part, info)
            if isinstance(path, str):  # an error text: no feed to read
                record_failure(self.store, part.job_id, path)
            else:
                self._ingest(running, part, path, failure=missing)
        self._untrack(running)

    def _failed(self, running: Running, error: str) -> None:
        for part in running.parts:
            path = part.feed if part.feed and part.feed.exists() else None
            if path is not None:
                self._ingest(running, part, path, failure=error)
            else:
                record_failure(self.store, part.job_id, error)
            row = self.store.node_job(part.job_id)
            if row and not row["complete"]:
                self.echo(f"{part.job_id}: failed: {error}")
        self._untrack(running)

    def _not_run(self, job, error: str) -> None:
        """A source no node took (none was there, or every one refused its job): no crawls row (its health is not the
        nodes'), a NOT_RUN node_jobs row (one a source, renewed each run) so that the next run reads it (`lost_jobs`)."""
        client, site, url = job.client.id, job.site, job.source.url
        job_id = f"{NOT_RUN}:{client}:{site}:{url}"
        fields = {"status": NOT_RUN, "scheduled_at": stamp(), "error": error}
        if self.store.node_job(job_id):
            self.store.update_node_job(job_id, **fields)
        else:
            self.store.add_node_job({"job_id": job_id, "node": None, "client_id": client, "source": site, "url": url,
                                     "spider": _spider_name(site), "crawl_id": None, **fields})
        self.echo(f"{client} {site}: not run: {error}")

    def _feed_path(self, running: Running, part: Part, info: dict) -> Path | str:
        if part.feed and part.feed.exists():
            return part.feed
        if part.feed:
            return (f"no feed for job {part.job_id}: {part.feed} does not exist (deleted, or [dispatch]"
                    f" feeds is not the same path on node {running.node.client.url})")
        # Scrapyd names a job's items_url only when a file bears the job's own id; a batch's crawls write theirs
        # under their own ids (spiders/crawl.py), beside it in the node's items_dir.
        client = running.node.client
        items_url = info.get("items_url") or f"/items/{client.project}/{info.get('spider')}/{running.job_id}.jl"
        items_url = items_url.replace(f"/{running.job_id}.", f"/{part.job_id}.")
        try:
            body = client.fetch(items_url)
        except ScrapydError as exc:
            if "HTTP 404" not in str(exc):
                return f"cannot fetch the feed of job {part.job_id}: {exc}"
            return (f"no feed for job {part.job_id}: node {client.url} does not serve {items_url} (no items_dir,"
                    " and [dispatch] feeds not set; or the file was deleted)")
        except NodeDown as exc:
            return f"cannot fetch the feed of job {part.job_id}: {exc}"
        spool = self.config.database.parent / "feeds"
        spool.mkdir(parents=True, exist_ok=True)
        path = spool / f"{part.job_id}.jl"
        path.write_bytes(body)
        return path

    def _ingest(self, running: Running, part: Part, path: Path, failure: str) -> None:
        try:
            jobs = [job for job in read_feed(path) if job.job_id == part.job_id]
        except FeedError as exc:
            record_failure(self.store, part.job_id, f"unreadable feed: {exc}")
            return
        if not jobs:
            record_failure(self.store, part.job_id, f"{failure}; its feed {path} holds none of its lines")
            return
        try:
            result = ingest_job(self.store, self.config, jobs[0], feed=str(path), node=running.node.client.url,
                                failure=failure, copies_required=True)
        except Exception as exc:  # noqa: BLE001 (one bad feed never stops the other jobs)
            record_failure(self.store, part.job_id, f"ingest of {path} failed: {type(exc).__name__}: {exc}")
            return
        self.echo(result.line())


_SPIDER_NAMES: dict[str, str] = {}


def _spider_name(site: str) -> str:
    """The spider's class name, as a local crawl records it in crawls.spider."""
    if not _SPIDER_NAMES:
        from scrapy.settings import Settings
        from scrapy.spiderloader import SpiderLoader

        loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["repscan.spiders"]}))
        _SPIDER_NAMES.update({name: loader.load(name).__name__ for name in loader.list()})
    return _SPIDER_NAMES.get(site, site)


def _setting(value) -> str:
    return str(value)  # True/False, numbers: Scrapy's getbool/getfloat read these


def _within(ids: list[str], limit: int) -> list[str]:
    """The first of `ids` that fit in `limit` bytes of a spider argument."""
    size, kept = _size([]), []
    for source_id in ids:
        size += _id_size(source_id)
        if size > limit:
            break
        kept.append(source_id)
    return kept


def _size(ids: list[str]) -> int:
    """The bytes of a list of ids as _argument writes it (an estimate from above: two bytes of separator an id)."""
    return 2 + sum(map(_id_size, ids))


def _id_size(source_id: str) -> int:
    return len(json.dumps(source_id, ensure_ascii=False).encode()) + 2


def _argument(value) -> str:
    """A spider argument as Scrapyd passes it (`-a name=value`): spiders/base.py list_arg, dict_arg and bool_arg
    read these. A source's credentials argument is variable names: the node reads their values from its environment."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
