"""`scrapy crawl` that also runs a batch: several sources of one site as crawlers of one process (one Scrapyd job).

A Scrapyd job is `scrapy crawl SPIDER -a _job=ID -a batch_0=JSON -a batch_1=JSON ...` (repscan/app/nodes.py): each
batch_N holds one source crawl's spider arguments (its own `_job`, the id its feed lines and crawl line carry).
Every crawl writes its own feed file, the job's feed URI with the job id replaced by the crawl's own, so two
crawlers never append to one file. Without batch_N arguments this is Scrapy's own `crawl`.
"""

from __future__ import annotations

import json
import re

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES

BATCH_ARGUMENT = re.compile(r"batch_(\d+)")


def sub_feeds(feeds: dict, job: str, sub: str) -> dict:
    """The job's FEEDS for one crawl of its batch: each URI naming the job's id names the crawl's id instead."""
    out = {}
    for uri, options in feeds.items():
        if job not in str(uri):
            raise UsageError(f"FEEDS {uri} does not name the job {job}: a batch's crawls would share one file")
        out[str(uri).replace(job, sub)] = options
    return out


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts) -> None:
        batch = sorted((int(m.group(1)), key) for key in opts.spargs if (m := BATCH_ARGUMENT.fullmatch(key)))
        if not batch:
            return super().run(args, opts)
        if len(args) != 1:
            raise UsageError("a batch crawls one spider")
        common = {k: v for k, v in opts.spargs.items() if not BATCH_ARGUMENT.fullmatch(k)}
        job = common.get("_job") or ""
        process = self.crawler_process
        feeds = process.settings.getdict("FEEDS")
        for _, key in batch:
            arguments = {**common, **json.loads(opts.spargs[key])}
            crawler = self._create_crawler(args[0])
            if feeds:
                # Above the command line's priority: the process merges its own settings in at crawl() up to it.
                crawler.settings.set("FEEDS", sub_feeds(feeds, job, arguments["_job"]),
                                     priority=SETTINGS_PRIORITIES["cmdline"] + 1)
            process.crawl(crawler, **arguments)
        process.start()
        if process.bootstrap_failed:
            self.exitcode = 1
