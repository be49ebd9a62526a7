"""Google Play: an app's reviews through the web client's reviews RPC (newest first), and its details page."""

from urllib.parse import urlencode

import scrapy

from repscan.spiders.base import SourceSpider
from repscan.spiders.pages import LayoutError, googleplay


class GooglePlaySpider(SourceSpider):
    name = "googleplay"

    async def start(self):
        async for request in super().start():
            yield request
            # The details page gives the app's name, rating and rating count.
            yield scrapy.Request(googleplay.details_url(self.url), callback=self.details, errback=self.failed,
                                 meta=self.page_meta())

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        form = googleplay.batch_form(url)
        if form is None:
            return request
        return request.replace(method="POST", body=urlencode(form),
                               headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})

    def details(self, response):
        self.health.pages += 1
        if response.status >= 400:
            self.health.errors.append(f"HTTP {response.status} at {response.url}")
            return
        try:
            yield from googleplay.extract(response, now=self.now)
        except LayoutError as exc:
            self.health.errors.append(f"layout changed at {response.url}: {exc}")
