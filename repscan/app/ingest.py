"""`repscan ingest FEED...`: merge the feed exports of Scrapyd nodes into the database.

A node runs a spider with REPSCAN_STORE = "feed" (spiders/pipelines.py FeedPipeline): every
line of its feed is an item tagged with its `client_id` and `job` (id, spider, source, url,
started_at), and a crawl that ends writes one last line of kind "crawl" with its health.
Ingest applies the local crawl's rules to each line (normalise, classify with the client's
threshold, Store.save_items in batches) under one crawls row per job, then records the
health from the "crawl" line.

Evidence: a node's feed carries each page a negative item or page-one complaint was found on, once per job,
as a line of kind "page" (gzip, base64) ahead of the items naming it (`page_sha256`). Ingest checks each
page's body against that hash and keeps it as a local crawl does (repscan.core.store.evidence). A page that
cannot be brought over (missing from the feed, undecodable, another hash) makes the crawl an error naming it,
however many goes the job's ingest takes (node_jobs.evidence_problems). An item the client's rule judges negative that names no page (a feed written without them)
gets an evidence row that says so: "no copy: ingested from <feed>" (never a copy that is not there); the
dispatcher, whose nodes run this very code, takes that as an error too (`copies_required`).

Exactly once: the node_jobs table remembers, per job, how many of its lines are in and
whether its "crawl" line was. A complete job is skipped; an incomplete one (its node died,
or it is still running) goes on from the first line not yet merged. So ingesting the same
feed twice changes nothing, and a feed that grew is merged without doubling anything.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from repscan.core.config import Config
from repscan.core.items import stamp
from repscan.core.store import Store
from repscan.core.store.crawls import FAILED
from repscan.core.competitors import is_competitor
from repscan.core.store.evidence import PAGE_REF, CopyError, Page, page_from_feed, wanted

BATCH = 200  # lines per transaction, as REPSCAN_BATCH_SIZE for a local crawl
TAGS = ("client_id", "job")
NO_RECORD = "the feed has no crawl record: the job is still running, or its process or node died"


class FeedError(Exception):
    """A feed that cannot be read as a repscan node feed (the message names file and line)."""


@dataclass
class FeedJob:
    """One job's lines in a feed file, in order."""

    job: dict
    client_id: str
    lines: list[dict] = field(default_factory=list)
    record: dict | None = None  # the closing {"kind": "crawl"} line
    pages: dict[str, dict] = field(default_factory=dict)  # sha256 -> its {"kind": "page"} line (not counted in lines)

    @property
    def job_id(self) -> str:
        return self.job["id"]


@dataclass
class Ingested:
    """What ingesting one job did; `skipped` when it was already complete in the database."""

    job_id: str
    client_id: str
    source: str
    url: str | None
    status: str
    items: int = 0
    new_items: int = 0
    requests: int = 0
    lines: int = 0  # lines merged by this call
    error: str | None = None
    crawl_id: int | None = None
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    def line(self) -> str:
        if self.skipped:
            return f"{self.job_id}  {self.client_id} {self.source}: already ingested"
        text = (f"{self.job_id}  {self.client_id} {self.source}: {self.status}, {self.items} items, "
                f"{self.new_items} new, {self.lines} lines merged")
        return text + (f": {self.error}" if self.error else "")


def read_feed(path: Path | str) -> list[FeedJob]:
    """The jobs of a JSON lines feed (plain or gzip), in the order they appear.

    A last line cut short (the node died mid-write) is ignored; a broken line anywhere else is a
    FeedError, as is a line without the node tags (not a repscan node feed)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):  # a gzip cut short: keep what decompresses
            raw = _partial_gunzip(raw)
    text = raw.decode("utf-8", errors="replace")
    lines = text.split("\n")
    jobs: dict[str, FeedJob] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            if number == len(lines):  # no newline after it: the writer stopped mid-line
                break
            raise FeedError(f"{path}:{number}: not JSON: {exc}") from None
        if not isinstance(data, dict) or "kind" not in data:
            raise FeedError(f"{path}:{number}: not an item (an object with a kind)")
        job, client_id = data.get("job"), data.get("client_id")
        if not (isinstance(job, dict) and job.get("id") and client_id):
            raise FeedError(f"{path}:{number}: no client_id and job: not a feed from a repscan node "
                            "(crawl with -s REPSCAN_STORE=feed)")
        entry = jobs.setdefault(job["id"], FeedJob(job=job, client_id=client_id))
        if data["kind"] == "crawl":
            entry.record = data
        elif data["kind"] == "page":
            entry.pages[str(data.get("sha256"))] = data
        else:
            entry.lines.append(data)
    return list(jobs.values())


def _partial_gunzip(raw: bytes) -> bytes:
    import zlib

    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return decompressor.decompress(raw)
    except zlib.error:
        return b""


def ingest_paths(config: Config, paths: Iterable[Path | str]) -> list[Ingested]:
    """`repscan ingest`: every job of every feed; a job already complete in the database is skipped.
    Every file is read first: one that is not a node feed (FeedError) means nothing is merged."""
    feeds = [(path, read_feed(path)) for path in paths]
    store = Store(config.database)
    try:
        return [ingest_job(store, config, job, feed=str(path)) for path, jobs in feeds for job in jobs]
    finally:
        store.close()


def ingest_job(store: Store, config: Config, feed_job: FeedJob, *, feed: str | None = None,
               node: str | None = None, failure: str | None = None, copies_required: bool = False) -> Ingested:
    """Merge one job's lines not yet in, with their evidence, then record its crawl.

    `failure` is the dispatcher's verdict on a job that ended without its crawl record (its node
    died, it went missing): the crawl is recorded as an error with that reason, and the job as
    failed, so the next run does that source again. With `copies_required`, a negative item whose
    page is not in the feed is the crawl's error, not a row saying "no copy"."""
    from repscan.core.items import normalise
    from repscan.spiders.pipelines import classify_item

    job, client_id = feed_job.job, feed_job.client_id
    source = job.get("source") or _first(feed_job.lines, "source") or "unknown"
    result = Ingested(feed_job.job_id, client_id, source, job.get("url"), status="error")
    row = store.node_job(feed_job.job_id)
    if row and row["complete"]:
        result.status, result.skipped, result.crawl_id = "ok", True, row["crawl_id"]
        return result
    try:
        client = config.subject(client_id)
    except KeyError as exc:
        result.error = f"{exc.args[0]}: feed not ingested"
        return result

    crawl_id = row["crawl_id"] if row and row["crawl_id"] else None
    if crawl_id is None:
        crawl_id = store.start_crawl(client_id, source, job.get("spider") or source, job.get("url"),
                                     started_at=job.get("started_at"))
    if row is None:
        store.add_node_job({
            "job_id": feed_job.job_id, "node": node, "client_id": client_id, "source": source,
            "url": job.get("url"), "spider": job.get("spider"), "crawl_id": crawl_id, "status": "running",
            "scheduled_at": job.get("started_at") or stamp(), "feed": feed,
        })
        row = store.node_job(feed_job.job_id)
    elif not row["crawl_id"]:
        store.update_node_job(feed_job.job_id, crawl_id=crawl_id)
    result.crawl_id = crawl_id

    done, items, new = row["lines"] or 0, row["items"] or 0, row["new_items"] or 0
    pending = feed_job.lines[done:]
    search = config.search
    # evidence that could not be brought over, this go and the earlier ones of the same job: the crawl's error
    problems: list[str] = json.loads(row["evidence_problems"] or "[]")
    decoded: dict[str, Page | CopyError] = {}  # each page of the feed decoded and hash-checked once, whatever names it
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        prepared, refs = [], []
        for line in batch:
            item = {k: v for k, v in line.items() if k not in TAGS}
            try:
                item = normalise(item)
            except (KeyError, ValueError, TypeError):
                continue  # the pipeline drops it too (or it is not an item of the contract)
            prepared.append(classify_item(item, client.negative_threshold, client.domains, client.profiles,
                                          search.categories))
            refs.append(line.get(PAGE_REF))
        # items, evidence, the lines done and what evidence failed commit together: a rerun never skips copies,
        # and never forgets a copy that could not be kept
        with store.transaction():
            counts = store.save_items(client_id, prepared, crawl_id=crawl_id)
            _keep_evidence(store, feed_job, prepared, refs, crawl_id, feed or row["feed"], copies_required,
                           problems, decoded)
            items, new, done = items + counts["items"], new + counts["new"], done + len(batch)
            store.update_node_job(feed_job.job_id, lines=done, items=items, new_items=new, feed=feed or row["feed"],
                                  evidence_problems=json.dumps(problems) if problems else None)
        result.lines += len(batch)
    result.items, result.new_items = items, new

    record = feed_job.record
    with store.transaction():
        if record is not None:
            complete = bool(record.get("complete"))
            result.status, result.error = record.get("status") or "error", record.get("error")
            if problems:
                result.status = "error"
                result.error = "; ".join(filter(None, [result.error, _evidence_error(problems)]))
            result.requests = int(record.get("requests") or 0)
            store.finish_crawl(crawl_id, status=result.status, items=items, new_items=new, requests=result.requests,
                               pages=int(record.get("pages") or 0), full=complete, error=result.error)
            if complete and record.get("full"):
                business_urls = {line.get("business_url") for line in feed_job.lines if line.get("business_url")}
                for business_url in sorted(business_urls):
                    store.mark_removed(client_id, source, business_url, crawl_id)
            store.update_node_job(feed_job.job_id, status="done", complete=1, finished_at=stamp(), error=None)
        else:
            result.status = "error"
            result.error = "; ".join(filter(None, [failure or NO_RECORD, problems and _evidence_error(problems)]))
            store.finish_crawl(crawl_id, status="error", items=items, new_items=new, requests=0, pages=0,
                               full=False, error=result.error)
            store.update_node_job(feed_job.job_id, status="failed" if failure else "partial",
                                  finished_at=stamp(), error=result.error)
    return result


def _keep_evidence(store: Store, feed_job: FeedJob, items: list[dict], refs: list[str | None],
                   crawl_id: int, feed: str | None, copies_required: bool, problems: list[str],
                   decoded: dict[str, Page | CopyError]) -> None:
    """The evidence of a batch of stored items: each wanted item's page from the feed, its hash checked, or a row
    saying no copy came; what could not be kept goes into `problems`."""
    found, without = [], []
    if is_competitor(feed_job.client_id):
        return  # evidence is the client's proof: a competitor's pages are never kept (StorePipeline skips them too)
    for item, ref in zip(items, refs):
        if not wanted(item):
            continue
        key = f"{item.get('source') or item.get('engine')}:{item.get('source_id') or item.get('url')}"
        if ref is None:
            if copies_required:
                problems.append(f"{key}: no page came with it")
            else:
                without.append((item, None))
            continue
        if ref not in decoded:
            try:
                decoded[ref] = page_from_feed(feed_job.pages.get(ref), ref)
            except CopyError as exc:
                decoded[ref] = exc
        if isinstance(decoded[ref], CopyError):
            problems.append(f"{key}: {decoded[ref]}")
        else:
            found.append((item, decoded[ref]))
    # in the job's transaction: a store that cannot write stops the ingest, as the items' own writes do
    store.record_evidence(feed_job.client_id, found, crawl_id=crawl_id)
    store.record_evidence(feed_job.client_id, without, crawl_id=crawl_id,
                          note=f"no copy: ingested from {feed or 'a feed'}, which carried no page")


def _evidence_error(problems: list[str]) -> str:
    shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
    return f"the evidence of {len(problems)} items could not be kept: {shown}"


def record_failure(store: Store, job_id: str, error: str) -> None:
    """A dispatched job with no feed to read (its node is gone, or never wrote one): its crawl is an error."""
    row = store.node_job(job_id)
    if row is None or row["complete"]:
        return
    with store.transaction():
        if row["crawl_id"]:
            store.finish_crawl(row["crawl_id"], status="error", items=row["items"] or 0,
                               new_items=row["new_items"] or 0, requests=0, pages=0, full=False, error=error)
        store.update_node_job(job_id, status="failed", finished_at=stamp(), error=error)


def _first(lines: list[dict], key: str):
    return next((line.get(key) for line in lines if line.get(key)), None)
