"""X (Twitter): recent posts matching a search, through the API v2."""

from spiders.base import SourceSpider
from spiders.pages import twitter


class TwitterSpider(SourceSpider):
    name = "twitter"
    page = twitter
    obey_robots = False  # an authorised API, governed by its terms
