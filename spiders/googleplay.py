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
        if not self.usable(response):
            return
        try:
            items = self.page.extract(response, now=self.now, tz=self.tz)
        except LayoutError as exc:
            self.layout_failed(response, exc)
            return
        yield from items
