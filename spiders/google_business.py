"""Google Business Profile API: an authorised location's reviews, most recently updated first."""

from spiders.base import SourceSpider
from spiders.pages import google_business


class GoogleBusinessSpider(SourceSpider):
    name = "google-business"
    page = google_business
