"""Sitejabber: a business's review pages."""

from spiders.base import SourceSpider
from spiders.pages import sitejabber


class SitejabberSpider(SourceSpider):
    name = "sitejabber"
    page = sitejabber
