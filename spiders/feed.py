"""RSS and Atom feeds (Google Alerts, Talkwalker Alerts, blogs, forum threads) as posts."""

from spiders.base import SourceSpider
from spiders.pages import feed


class FeedSpider(SourceSpider):
    name = "feed"
    page = feed

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        # A subscribed feed is fetched for its reader, as feed readers do, not crawled:
        # Google Alerts feeds sit under a robots.txt Disallow.
        request.meta["dont_obey_robotstxt"] = True
        return request
