"""A Facebook page the client owns, through the Graph API: the feed and the ratings (both, for a bare page)."""

from spiders.base import SourceSpider
from spiders.pages import facebook_graph


class FacebookGraphSpider(SourceSpider):
    name = "facebook-graph"
    page = facebook_graph

    async def start(self):
        async for request in super().start():
            yield request
            for url in facebook_graph.start_urls(self.url)[1:]:
                yield self.request(url, page_no=1)

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        request.meta["dont_obey_robotstxt"] = True  # an authorised API, governed by its terms
        return request
