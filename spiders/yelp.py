"""Yelp: a business's review pages, newest first."""

from spiders.base import SourceSpider
from spiders.pages import yelp


class YelpSpider(SourceSpider):
    name = "yelp"
    page = yelp
