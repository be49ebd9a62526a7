"""Apple App Store: an app's customer-reviews feed, newest first."""

from spiders.base import SourceSpider
from spiders.pages import appstore


class AppStoreSpider(SourceSpider):
    name = "appstore"
    page = appstore

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        request.meta["dont_obey_robotstxt"] = True  # a feed published for programs, not pages to crawl
        return request
