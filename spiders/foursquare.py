"""Foursquare: a venue's tips through the Places API."""

from spiders.base import SourceSpider
from spiders.pages import foursquare


class FoursquareSpider(SourceSpider):
    name = "foursquare"
    page = foursquare

    def request(self, url, page_no, **context):
        request = super().request(url, page_no, **context)
        request.meta["dont_obey_robotstxt"] = True  # an authorised API, governed by its terms
        return request
