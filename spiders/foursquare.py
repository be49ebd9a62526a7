"""Foursquare: a venue's tips through the Places API."""

from spiders.base import SourceSpider
from spiders.pages import foursquare


class FoursquareSpider(SourceSpider):
    name = "foursquare"
    page = foursquare
    obey_robots = False  # an authorised API, governed by its terms
