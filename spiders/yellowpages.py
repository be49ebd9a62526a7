"""Yellow Pages: a business page's reviews."""

from spiders.base import SourceSpider
from spiders.pages import yellowpages


class YellowPagesSpider(SourceSpider):
    name = "yellowpages"
    page = yellowpages
