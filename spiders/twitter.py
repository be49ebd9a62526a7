"""X (Twitter): recent posts matching a search, through the API v2."""

from spiders.base import SourceSpider
from spiders.pages import twitter


class TwitterSpider(SourceSpider):
    name = "twitter"
    page = twitter

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        request.meta["dont_obey_robotstxt"] = True  # an authorised API, governed by its terms
        return request
