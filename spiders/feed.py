"""RSS and Atom feeds (Google Alerts, Talkwalker Alerts, blogs, forum threads) as posts."""

from spiders.base import SourceSpider
from spiders.pages import feed


class FeedSpider(SourceSpider):
    name = "feed"
    page = feed
    obey_robots = False  # a subscribed feed, fetched for its reader as feed readers do (Google Alerts feeds sit under a Disallow)
