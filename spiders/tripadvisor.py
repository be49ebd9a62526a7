"""Tripadvisor: a hotel's, restaurant's or attraction's review pages, newest first."""

from spiders.base import SourceSpider
from spiders.pages import tripadvisor


class TripadvisorSpider(SourceSpider):
    name = "tripadvisor"
    page = tripadvisor
