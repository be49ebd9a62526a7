"""One Trustpilot crawl in this process, timed, with or without the item pipelines; prints its figures as JSON.

    python -m bench.crawl_runner --config repscan.toml [--no-pipelines] [--no-evidence] [--full]

Built the way spiders/run.py builds a crawl (scrapy_settings, the same spider arguments), so the
"with pipelines" run is exactly what `repscan crawl` does; --no-pipelines sets ITEM_PIPELINES = {}
and nothing is stored (items are counted from Scrapy's item_scraped_count); --no-evidence leaves
REPSCAN_EVIDENCE off, so no page copies are kept (the spider hands on no pages either).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl_runner", description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--no-pipelines", action="store_true", help="ITEM_PIPELINES = {} (nothing normalised, classified or stored)")
    parser.add_argument("--no-evidence", action="store_true", help="no page copies (REPSCAN_EVIDENCE off)")
    parser.add_argument("--full", action="store_true", help="no incremental stop")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the crawl here")
    args = parser.parse_args(argv)

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from repscan.core import config as config_mod
    from repscan.core.store import Store
    from repscan.spiders.run import jobs_for, scrapy_settings

    config = config_mod.load(args.config)
    jobs = [job for job in jobs_for(config) if job.source]
    settings = scrapy_settings(config, args.log_level)
    if args.no_pipelines:
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    if args.no_evidence:
        settings.set("REPSCAN_EVIDENCE", False, priority="cmdline")
        settings.set("REPSCAN_EVIDENCE_DIR", "", priority="cmdline")  # its name before m025 (bench.crawl_against)
    store = Store(config.database)
    known = {(j.client.id, j.site): store.known_ids(j.client.id, j.site) for j in jobs}
    store.close()

    pipeline_cpu = _time_the_pipeline() if not args.no_pipelines else None
    process = CrawlerProcess(settings)
    figures: dict = {"pipelines": not args.no_pipelines, "evidence": not args.no_evidence, "spiders": []}
    for job in jobs:
        crawler = process.create_crawler(process.spider_loader.load(job.source.site))
        record: dict = {"client": job.client.id, "source": job.site}
        figures["spiders"].append(record)

        def opened(spider, record=record, crawler=crawler):
            record["opened"], record["opened_cpu"] = time.perf_counter(), time.process_time()
            # connected now, after the store pipeline's handler: the crawl row is written when this runs
            crawler.signals.connect(closed, signal=signals.spider_closed)

        def closed(spider, reason, record=record, crawler=crawler):
            record["closed"], record["closed_cpu"] = time.perf_counter(), time.process_time()
            stats = crawler.stats.get_stats()
            record.update(reason=reason, items=stats.get("item_scraped_count", 0),
                          requests=stats.get("downloader/request_count", 0),
                          responses=stats.get("downloader/response_count", 0), pages=spider.health.pages,
                          errors=spider.health.errors, stopped_early=spider.health.stopped_early)

        crawler.signals.connect(opened, signal=signals.spider_opened)
        process.crawl(
            crawler, client_id=job.client.id, url=job.source.url, known_ids=known[(job.client.id, job.site)],
            max_pages=job.source.max_pages or config.crawl.max_pages, full=args.full,
            threshold=job.client.negative_threshold,
            mention_names=[job.client.name, *job.client.aliases, *job.client.handles],
            mentions_only=job.source.mentions_only,
        )
    import gc

    collecting: dict = {"s": 0.0, "runs": [0, 0, 0]}

    def gc_timer(phase, info):
        if phase == "start":
            collecting["began"] = time.process_time()
        else:
            collecting["s"] += time.process_time() - collecting["began"]
            collecting["runs"][info["generation"]] += 1

    gc.callbacks.append(gc_timer)
    started = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(process.start)
        profiler.dump_stats(str(args.profile))
    else:
        process.start()
    figures["seconds"] = time.perf_counter() - started  # the reactor's whole run, robots.txt included
    gc.callbacks.remove(gc_timer)
    figures["gc"] = {"cpu_seconds": collecting["s"], "collections": collecting["runs"]}
    if pipeline_cpu is not None:
        figures["pipeline_cpu_seconds"] = pipeline_cpu["s"]
        figures["timer"] = {**pipeline_cpu["timer"], "calls": pipeline_cpu["calls"]}
    for record in figures["spiders"]:
        record["crawl_seconds"] = record.pop("closed", started) - record.pop("opened", started)
        record["crawl_cpu_seconds"] = record.pop("closed_cpu", 0.0) - record.pop("opened_cpu", 0.0)
    if not args.no_pipelines:
        store = Store(config.database)
        figures["crawls"] = store.crawls_after(0)[-1:]
        figures["stored"] = store.query("SELECT COUNT(*) AS n FROM reviews")[0]["n"]
        figures["evidence_pages"] = store.query("SELECT COUNT(DISTINCT sha256) AS n FROM evidence WHERE crawl_id = ?",
                                                [figures["crawls"][-1]["id"]])[0]["n"] if figures["crawls"] else 0
        store.close()
    json.dump(figures, sys.stdout)
    return 0


def _time_the_pipeline() -> dict:
    """CPU time spent in the store pipeline's own methods (each item's step, the batch writes and the evidence, the
    crawl row), summed while the crawl runs: the pipeline's share measured inside the same process as the spider.
    The timer costs CPU of its own (two clock reads a call): what it adds to the crawl and to that sum is calibrated
    here, on a method that does nothing, so the bench can take it off (`timer`)."""
    from repscan.spiders.pipelines import StorePipeline

    spent = {"s": 0.0, "depth": 0, "calls": 0}

    def timed(method):
        def run(*args, **kwargs):
            spent["depth"] += 1
            began = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent["depth"] -= 1
                if not spent["depth"]:  # flush runs inside process_item: counted once
                    spent["s"] += time.process_time() - began
                    spent["calls"] += 1
        return run

    def nothing(self, item):
        return item

    calls, wrapped = 50_000, timed(nothing)
    for _ in range(2):  # the second round is kept: the first warms the code up
        began = time.process_time()
        for n in range(calls):
            nothing(None, n)
        plain = time.process_time() - began
        spent["s"], began = 0.0, time.process_time()
        for n in range(calls):
            wrapped(None, n)
        spent["timer"] = {"added_per_call": max(0.0, time.process_time() - began - plain) / calls,
                          "counted_per_call": spent["s"] / calls}
    spent.update(s=0.0, calls=0)
    for name in ("process_item", "flush", "close_spider", "spider_closed"):
        setattr(StorePipeline, name, timed(getattr(StorePipeline, name)))
    return spent


if __name__ == "__main__":
    sys.exit(main())
