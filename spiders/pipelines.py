"""Item pipelines: each item normalised, classified, then stored in batches (one transaction each).

On a Scrapyd node (REPSCAN_STORE = "feed") there is no database: FeedPipeline takes the
store's place, and items leave through the FEEDS export for `repscan ingest` to merge, with
the pages of negative items beside them for the evidence record.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from functools import cached_property

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from repscan.core.classify import classify
from repscan.core.competitors import is_competitor
from repscan.core.search import categorize, negative_result, result_names
from repscan.core.items import UnusableItem, normalise, page_zone, stamp
from repscan.core.rules import DEFAULT_THRESHOLD
from repscan.core.store import Store
from repscan.core.store.evidence import PAGE_KEY, PAGE_REF, feed_page, wanted

log = logging.getLogger(__name__)
FINISH_ATTEMPTS = 120  # tries, a second apart (on top of busy_timeout), to record a crawl's verdict


def classify_item(item: dict, threshold: float = DEFAULT_THRESHOLD, own_domains=(), own_profiles=(), categories=None,
                  names=()) -> dict:
    """Adds sentiment (-1..1) and negative (and a search result's category; `names`: what the business is called,
    Client.names). Shared with `repscan ingest`."""
    if item["kind"] in ("review", "post"):
        item.update(classify(item, threshold))
    elif item["kind"] == "search_result":
        verdict = classify({"text": " ".join(filter(None, (item["title"], item["snippet"])))})
        item["sentiment"], item["judge"] = verdict["sentiment"], verdict["judge"]
        item["negative"] = negative_result(item["title"], item["snippet"], sentiment=verdict["sentiment"],
                                           names=result_names(names, item.get("query")))
        item["category"] = categorize(item["url"], own_domains=own_domains, own_profiles=own_profiles,
                                      extra=categories or {})
    return item


def read_to_the_end(spider) -> bool:
    """Whether a crawl that ended complete (every chain to its last page) read every page: a full crawl, or one that
    read on to reviews waiting for a reply (rules.watched) and never found them all, so it went to the last page. Then
    a stored review it did not see is gone from the site (mark_removed), and a removed one stops being watched."""
    return bool(spider.full or getattr(spider, "watch_ids", None))


def crawl_outcome(health, reason: str, items: int) -> tuple[str, bool, str | None]:
    """(status, complete, error) of a closed crawl: the crawls row's verdict, on a node or not."""
    if reason not in ("finished",) and not health.errors:
        health.errors.append(f"crawl ended early: {reason}")
    status = health.status(items)
    return status, health.complete and status == "ok", health.error_text()


class _PreparingPipeline:
    """Normalises and classifies each item (prepare), then hands it on (take): one Scrapy pipeline step.

    One step, not three: Scrapy's own handling of each pipeline's process_item cost more than the
    normalising and classifying itself (docs/benchmarks.md, crawl throughput)."""

    def __init__(self, crawler):
        self.crawler = crawler

    def process_item(self, item: dict) -> dict:
        page = item.pop(PAGE_KEY, None)  # the page it was found on (SourceSpider.parse), never stored or exported
        return self.take(self.prepare(item), page)

    def prepare(self, item: dict) -> dict:
        """The item contract (repscan.core.items.normalise; a value nulled on the way is logged and counted), then
        sentiment and negative with the client's rating threshold at crawl time. For rated reviews that flag is
        only the crawl's verdict: reports and alerts judge them again (rules.negative) when they are built."""
        notes: list[str] = []
        try:
            with page_zone(getattr(self.crawler.spider, "tz", None)):  # a time a page module left without an offset
                out = normalise(item, notes)
        except UnusableItem as exc:
            raise DropItem(str(exc)) from None
        for note in notes:
            log.warning("%s %s at %s: %s", item.get("kind"), item.get("source_id") or "", item.get("url"), note)
            self.crawler.stats.inc_value("repscan/values_nulled")
        return classify_item(out, *self._judging)

    @cached_property
    def _judging(self) -> tuple:
        """classify_item's arguments after the item: the spider's, fixed for its crawl."""
        spider = self.crawler.spider
        return (getattr(spider, "threshold", DEFAULT_THRESHOLD), getattr(spider, "own_domains", ()),
                getattr(spider, "own_profiles", ()), getattr(spider, "categories", None),
                getattr(spider, "mention_names", ()))

    def take(self, item: dict, page=None) -> dict:
        raise NotImplementedError


class StorePipeline(_PreparingPipeline):
    """Buffers prepared items and writes them in batches; records the crawl's health when it closes."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.batch_size = crawler.settings.getint("REPSCAN_BATCH_SIZE", 200)
        self.buffer: list[dict] = []
        self.counts = {"items": 0, "new": 0}
        self.business_urls: set[str] = set()
        self.write_error: str | None = None
        self.keep_evidence = crawler.settings.getbool("REPSCAN_EVIDENCE")  # off: no page copies, no evidence rows
        if crawler.settings.get("REPSCAN_EVIDENCE_DIR") and not self.keep_evidence:
            log.warning("REPSCAN_EVIDENCE_DIR is no longer read: evidence copies are kept in the database when"
                        " REPSCAN_EVIDENCE is on (repscan crawl turns it on); this crawl keeps none")
        self.found: list[tuple] = []  # (item, page) of the buffered items whose page is evidence
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("REPSCAN_STORE", "sqlite") == "feed":
            raise NotConfigured  # a node: FeedPipeline sends items to the feed export instead
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = Store(self.crawler.settings.get("REPSCAN_DATABASE"),
                           busy_timeout=self.crawler.settings.getfloat("REPSCAN_BUSY_TIMEOUT", 30.0))
        self.crawl_id = self.store.start_crawl(spider.client_id, spider.source, type(spider).__name__, spider.url,
                                               watched=len(getattr(spider, "watch_ids", ())))
        spider.crawl_id = self.crawl_id
        if is_competitor(spider.client_id):  # evidence is the client's proof; a competitor's pages are not kept
            self.keep_evidence = False

    def take(self, item: dict, page=None) -> dict:
        if item.get("business_url"):
            self.business_urls.add(item["business_url"])
        self.buffer.append(item)
        if page is not None and self.keep_evidence and wanted(item):
            self.found.append((item, page))
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer:
            return
        spider = self.crawler.spider
        try:
            counts = self.store.save_items(spider.client_id, self.buffer, crawl_id=self.crawl_id)
        except (sqlite3.Error, OSError) as exc:
            # Kept for the next flush; if the last one fails too, the crawl is an error (never "empty"),
            # so the next crawl reads every page again.
            self.write_error = f"could not store {len(self.buffer)} items: {exc}"
            return
        self.write_error = None
        self.counts["items"] += counts["items"]
        self.counts["new"] += counts["new"]
        self.buffer = []
        found, self.found = self.found, []
        try:
            self.store.record_evidence(spider.client_id, found, crawl_id=self.crawl_id)
        except (sqlite3.Error, OSError) as exc:  # the items are stored; their proof is not: the crawl says so
            spider.health.errors.append(f"could not keep the evidence of {len(found)} items: {exc}")

    def close_spider(self) -> None:
        self.flush()
        if self.write_error:
            self.crawler.spider.health.errors.append(self.write_error)

    def spider_closed(self, spider, reason: str) -> None:
        health = spider.health
        status, complete, error = crawl_outcome(health, reason, self.counts["items"])
        stats = self.crawler.stats
        for attempt in range(FINISH_ATTEMPTS):
            try:
                self.store.finish_crawl(
                    self.crawl_id, status=status, items=self.counts["items"], new_items=self.counts["new"],
                    requests=stats.get_value("downloader/request_count", 0), pages=health.pages,
                    full=complete, error=error,
                )
                break
            except sqlite3.OperationalError:  # the crawl's verdict is worth waiting for; a batch is not
                if attempt == FINISH_ATTEMPTS - 1:
                    raise  # the row stays "running": the next run records it as interrupted
                time.sleep(1.0)
        if complete and read_to_the_end(spider):
            for business_url in self.business_urls:
                self.store.mark_removed(spider.client_id, spider.source, business_url, self.crawl_id)
        log.info("crawl %s %s %s: %s, %d items, %d new", self.crawl_id, spider.client_id, spider.source,
                 status, self.counts["items"], self.counts["new"])
        self.store.close()


class FeedPipeline(_PreparingPipeline):
    """On a Scrapyd node (REPSCAN_STORE = "feed"): no database, prepared items leave through FEEDS.

    Each item carries its client_id and the job (id, spider, source, url, started_at); when
    the spider closes, one last line {"kind": "crawl", ...} carries the crawl's health, so
    `repscan ingest` can write the crawls row. A feed without that line is from a crawl
    that did not end (the node or the process died)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.items = 0
        self.pages: set[str] = set()  # the sha256 of each page already in the feed
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("REPSCAN_STORE", "sqlite") != "feed":
            raise NotConfigured  # silent: the usual case, StorePipeline stores
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.job = {
            "id": getattr(spider, "_job", None) or uuid.uuid4().hex,  # Scrapyd passes its job id as _job
            "spider": type(spider).__name__, "source": spider.source, "url": spider.url,
            "started_at": stamp(),
        }

    def take(self, item: dict, page=None) -> dict:
        if item["kind"] != "business":  # counted as StorePipeline counts (crawl status ok vs empty)
            self.items += 1
        tags = {"client_id": self.crawler.spider.client_id, "job": self.job}
        if page is not None and wanted(item) and not is_competitor(tags["client_id"]):
            # its page travels in the feed, once, ahead of the item naming it (a competitor's pages are not kept)
            sha = page.sha256
            if sha not in self.pages:
                self.pages.add(sha)
                self._write({**feed_page(page), **tags})
            tags[PAGE_REF] = sha
        return {**item, **tags}

    def _write(self, line: dict) -> None:
        """A line of the feed that is no item of the crawl (a page, the crawl record): FEEDS writes it at once."""
        spider = self.crawler.spider
        self.crawler.signals.send_catch_log(signal=signals.item_scraped, item=line, response=None, spider=spider)

    def spider_closed(self, spider, reason: str) -> None:
        # FeedExporter closes its files on this same signal, in a task scheduled after this
        # handler runs, so the record below is the feed's last line (tests/repscan/test_nodes.py).
        status, complete, error = crawl_outcome(spider.health, reason, self.items)
        record = {
            "kind": "crawl", "client_id": spider.client_id, "job": self.job, "status": status,
            "items": self.items, "requests": self.crawler.stats.get_value("downloader/request_count", 0),
            "pages": spider.health.pages, "complete": complete, "full": read_to_the_end(spider), "error": error,
            "reason": reason, "finished_at": stamp(),
        }
        self._write(record)
        log.info("crawl %s %s %s: %s, %d items to the feed", self.job["id"], spider.client_id, spider.source,
                 status, self.items)
