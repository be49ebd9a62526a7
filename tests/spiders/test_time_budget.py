"""Every page parse has a time budget: a page that takes too long is the crawl's error, naming the URL."""

from __future__ import annotations

import time

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from repscan.spiders.base import PageTimeout, time_budget
from repscan.spiders.sources import JsonldSpider


def test_a_long_pure_python_loop_is_stopped():
    started = time.monotonic()
    with pytest.raises(PageTimeout, match="took over 0.3 s"):
        with time_budget(0.3):
            while True:
                pass
    assert time.monotonic() - started < 5
    with time_budget(0.3):
        time.sleep(0.1)
    time.sleep(0.5)  # the alarm is off once the block is left: nothing fires later


class EndlessPage:
    SITE = "jsonld"

    @staticmethod
    def extract(response, **context):
        while True:
            pass

    @staticmethod
    def next_page(response):
        return None


def test_a_page_over_its_budget_is_an_error_naming_it():
    crawler = get_crawler(JsonldSpider, settings_dict={"REPSCAN_PAGE_SECONDS": 0.5})
    spider = JsonldSpider.from_crawler(crawler, client_id="acme", url="https://acme.example/reviews")
    spider.page = EndlessPage
    response = HtmlResponse(url="https://acme.example/reviews", body=b"<html><body><p>Reviews</p></body></html>")
    assert list(spider.parse(response)) == []
    assert spider.health.errors == [
        "could not read https://acme.example/reviews: PageTimeout: reading the page took over 0.5 s"]
    assert spider.health.status(0) == "error"
