"""Apple App Store: an app's customer-reviews feed, newest first."""

from spiders.base import SourceSpider
from spiders.pages import appstore


class AppStoreSpider(SourceSpider):
    name = "appstore"
    page = appstore
    obey_robots = False  # a feed published for programs, not pages to crawl
