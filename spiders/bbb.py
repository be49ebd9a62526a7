"""Better Business Bureau: a profile's customer reviews and complaints (both, for a bare profile URL)."""

from spiders.base import SourceSpider
from spiders.pages import bbb


class BbbSpider(SourceSpider):
    name = "bbb"
    page = bbb

    async def start(self):
        async for request in super().start():
            yield request
            for url in bbb.start_urls(self.url)[1:]:
                yield self.request(url, page_no=1)
