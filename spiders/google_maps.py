"""Google Maps: a place's reviews from the reviews data endpoint (newest first) or its page."""

from spiders.base import SourceSpider
from spiders.pages import google_maps


class GoogleMapsSpider(SourceSpider):
    name = "google-maps"
    page = google_maps
