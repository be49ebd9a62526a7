"""Item pipelines: normalise, then classify, then store in batches (one transaction each)."""

from __future__ import annotations

import logging
import re

from scrapy import signals
from scrapy.exceptions import DropItem

from repscan.classify import classify
from repscan.search import categorize, negative_result
from repscan.items import FIELDS, iso_utc
from repscan.language import detect
from repscan.store import Store

log = logging.getLogger(__name__)
TIME_FIELDS = ("published_at", "updated_at", "reply_at")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab and newlines
NUMBER_FIELDS = ("rating", "rating_max", "score")


class NormalisePipeline:
    """Every contract field present, times ISO UTC with Z, numbers numeric, "" as None."""

    def process_item(self, item: dict) -> dict:
        fields = FIELDS[item["kind"]]
        out = {"kind": item["kind"]}
        for name in fields:
            value = item.get(name)
            if isinstance(value, str):
                value = CONTROL.sub("", value).strip() or None
            if name in TIME_FIELDS and value is not None:
                value = iso_utc(value)
            if name in NUMBER_FIELDS and value is not None:
                value = float(str(value).replace(",", "."))
            out[name] = value
        if out["kind"] in ("review", "post") and not (out["source"] and out["source_id"]):
            raise DropItem(f"{out['kind']} without source/source_id from {out.get('url')}")
        if out["kind"] in ("review", "post") and not out.get("language"):
            out["language"] = detect(" ".join(filter(None, (out.get("title"), out.get("text")))))
        if out["kind"] == "review" and out.get("rating_max") is None:
            out["rating_max"] = 5.0
        return out


class ClassifyPipeline:
    """Adds sentiment (-1..1) and negative, with the client's rating threshold."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict) -> dict:
        spider = self.crawler.spider
        if item["kind"] in ("review", "post"):
            item.update(classify(item, getattr(spider, "threshold", 0.4)))
        elif item["kind"] == "search_result":
            verdict = classify({"text": " ".join(filter(None, (item["title"], item["snippet"])))})
            item["sentiment"] = verdict["sentiment"]
            item["negative"] = negative_result(item["title"], item["snippet"], sentiment=verdict["sentiment"])
            item["category"] = categorize(item["url"], own_domains=spider.own_domains,
                                          own_profiles=spider.own_profiles, extra=spider.categories)
        return item


class StorePipeline:
    """Buffers items and writes them in batches; records the crawl's health when it closes."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("REPSCAN_BATCH_SIZE", 200)
        self.buffer: list[dict] = []
        self.counts = {"items": 0, "new": 0}
        self.business_urls: set[str] = set()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = Store(self.crawler.settings.get("REPSCAN_DATABASE"))
        self.crawl_id = self.store.start_crawl(spider.client_id, spider.source, type(spider).__name__, spider.url)
        spider.crawl_id = self.crawl_id

    def process_item(self, item: dict) -> dict:
        if item.get("business_url"):
            self.business_urls.add(item["business_url"])
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer:
            return
        spider = self.crawler.spider
        counts = self.store.save_items(spider.client_id, self.buffer, crawl_id=self.crawl_id)
        self.counts["items"] += counts["items"]
        self.counts["new"] += counts["new"]
        self.buffer = []

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider, reason: str) -> None:
        health = spider.health
        if reason not in ("finished",) and not health.errors:
            health.errors.append(f"crawl ended early: {reason}")
        status = health.status(self.counts["items"])
        stats = self.crawler.stats
        complete = health.complete and status == "ok"
        self.store.finish_crawl(
            self.crawl_id, status=status, items=self.counts["items"], new_items=self.counts["new"],
            requests=stats.get_value("downloader/request_count", 0), pages=health.pages,
            full=complete, error=health.error_text(),
        )
        if complete and spider.full:
            for business_url in self.business_urls:
                self.store.mark_removed(spider.client_id, spider.source, business_url, self.crawl_id)
        log.info("crawl %s %s %s: %s, %d items, %d new", self.crawl_id, spider.client_id, spider.source,
                 status, self.counts["items"], self.counts["new"])
        self.store.close()
