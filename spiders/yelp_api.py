"""Yelp Fusion API: up to three review excerpts of a business (a fallback when the pages are blocked)."""

from spiders.base import SourceSpider
from spiders.pages import yelp_api


class YelpApiSpider(SourceSpider):
    name = "yelp-api"
    page = yelp_api
