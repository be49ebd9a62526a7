"""Trustpilot: a business's review pages, newest first."""

from spiders.base import SourceSpider
from spiders.pages import trustpilot


class TrustpilotSpider(SourceSpider):
    name = "trustpilot"
    page = trustpilot
