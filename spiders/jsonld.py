"""Any page with schema.org Review / AggregateRating markup (JSON-LD or microdata)."""

from spiders.base import SourceSpider
from spiders.pages import jsonld


class JsonLdSpider(SourceSpider):
    name = "jsonld"
    page = jsonld
