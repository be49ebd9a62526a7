"""Run the configured sources' spiders in one Scrapy process and return their crawl rows."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from repscan.core import rules
from repscan.core.competitors import is_competitor
from repscan.core.config import Client, Config, Source
from repscan.core.items import parse_iso, utcnow
from repscan.core.store import Store
from repscan.spiders.search import paced


@dataclass(frozen=True)
class Job:
    """One crawl: a client's source, or one engine asked every one of the client's queries."""

    client: Client
    source: Source | None = None
    engine: str | None = None

    @property
    def site(self) -> str:
        return self.engine or self.source.site


def jobs_for(config: Config, client_id: str | None = None, site: str | None = None) -> list[Job]:
    """The jobs of one client or competitor (its key), else of every client and competitor."""
    clients = [config.subject(client_id)] if client_id else config.crawled()
    jobs = [Job(c, source=s) for c in clients for s in c.sources]
    jobs += [Job(c, engine=e) for c in clients if c.queries for e in config.search.engines]
    return [job for job in jobs if site in (None, job.site)]


def crawl_overrides(config: Config, log_level: str = "INFO") -> dict:
    """The config's [crawl] as Scrapy settings: for a local crawl, and sent with every Scrapyd job."""
    crawl = config.crawl
    overrides = {
        "REPSCAN_DATABASE": str(config.database),
        "REPSCAN_EVIDENCE": True,  # the pages of negative items and complaints, kept in the store
        "REPSCAN_BUSY_TIMEOUT": config.storage.busy_timeout,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.0),
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_TIMES": crawl.retries,
        "REPSCAN_MAX_RETRY_AFTER": crawl.max_retry_after,
        "REPSCAN_PAGE_SECONDS": crawl.page_seconds,
        # Applies after decompression too: a gzip bomb stops at this size.
        "DOWNLOAD_MAXSIZE": int(crawl.max_page_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": int(crawl.max_page_mb * 1024 * 1024 / 4),
        "LOG_LEVEL": log_level,
    }
    if crawl.user_agent:
        overrides["USER_AGENT"] = crawl.user_agent
    if config.proxies:
        overrides["REPSCAN_PROXIES"] = json.dumps([proxy.model_dump() for proxy in config.proxies])
    if crawl.proxy:
        # HttpProxyMiddleware reads the standard variables; a per-request proxy needs meta.
        overrides["REPSCAN_PROXY"] = crawl.proxy
    return overrides


def scrapy_settings(config: Config, log_level: str = "INFO") -> Settings:
    settings = Settings()
    settings.setmodule("repscan.spiders.settings", priority="project")
    settings.setdict(crawl_overrides(config, log_level), priority="cmdline")
    return settings


def source_arguments(config: Config, job: Job, *, known, full: bool, now: str | None = None, watch=()) -> dict:
    """A source spider's arguments: the same for a local crawl and a Scrapyd job (repscan/nodes.py)."""
    return dict(
        client_id=job.client.id,
        url=job.source.url,
        known_ids=known,
        watch_ids=watch,
        max_pages=job.source.max_pages or config.crawl.max_pages,
        full=full,
        threshold=job.client.negative_threshold,
        now=now,
        mention_names=[job.client.name, *job.client.aliases, *job.client.handles],
        mentions_only=job.source.mentions_only,
        fetch=job.source.fetch_mode,
        credentials=dict(job.source.credentials),  # variable names only: values never leave the environment
        tz=job.client.zone_of(job.source),
    )


def watched_ids(store: Store, job: Job, now: str | None = None) -> list[str]:
    """The stored reviews the job's crawl reads on to for a reply (rules.watched), those of its own source URL, the
    longest unseen first (a cut list keeps those), when such a read is due for that URL (rules.watch_due: about once a
    REPLY_RECHECK); else none, and it stops at the first page it knows. A competitor's are none: nobody answers
    them for the client."""
    if is_competitor(job.client.id):
        return []
    at = parse_iso(now) if now else utcnow()
    watched = store.watched_reviews(job.client.id, job.site, job.source.url, job.client.negative_threshold, at)
    oldest = min(watched.values(), key=lambda seen: seen or "", default=None)
    if not rules.watch_due(oldest, store.last_watch(job.client.id, job.site, job.source.url), at):
        return []
    return list(watched)


def run(config: Config, jobs: list[Job], *, full: bool = False, now: str | None = None,
        log_level: str = "INFO") -> list[dict]:
    """Crawl every job (concurrently across sites, politely within one); one Scrapy run per process."""
    if not jobs:
        return []
    store = Store(config.database)
    try:
        store.close_interrupted_crawls()
        known = {(j.client.id, j.site): store.known_ids(j.client.id, j.site) for j in jobs if j.source}
        watch = {(j.client.id, j.site, j.source.url): watched_ids(store, j, now) for j in jobs if j.source}
        # The incremental stop trusts that older pages were read; after a crawl that did not end
        # cleanly (error, block, kill) that is not so, and the next crawl reads every page.
        catch_up = {(j.client.id, j.site, j.source.url) for j in jobs if j.source
                    and not store.last_crawl_clean(j.client.id, j.site, j.source.url)}
        before = store.last_crawl_id()
    finally:
        store.close()
    process = CrawlerProcess(scrapy_settings(config, log_level))
    search = config.search
    for job in jobs:
        if job.engine:
            client = job.client
            process.crawl(
                paced(process.spider_loader.load("search"), search.delay), client_id=client.id, engine=job.engine,
                queries=client.queries, base_url=search.base_url(job.engine), depth=search.depth,
                own_domains=client.domains, own_profiles=client.profiles, mention_names=client.names,
                categories=search.categories, now=now,
            )
            continue
        spider_cls = process.spider_loader.load(job.source.site)
        url_key = (job.client.id, job.site, job.source.url)
        process.crawl(spider_cls, **source_arguments(
            config, job, known=known[(job.client.id, job.source.site)], watch=watch[url_key],
            full=full or url_key in catch_up, now=now))
    process.start()
    store = Store(config.database)
    try:
        return store.crawls_after(before)
    finally:
        store.close()
