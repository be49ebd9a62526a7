"""Better Business Bureau: a profile's customer reviews and complaints (both, for a bare profile URL)."""

from spiders.base import SourceSpider
from spiders.pages import bbb


class BbbSpider(SourceSpider):
    name = "bbb"
    page = bbb
