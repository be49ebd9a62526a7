"""Search engines: each client query on one engine, one query at a time, to the configured depth."""

from __future__ import annotations

from repscan.spiders.base import SourceSpider
from repscan.spiders.pages import get


def paced(spider_cls: type, delay: float) -> type:
    """The spider class with DOWNLOAD_DELAY = delay: queries to one engine are spaced by it.

    The config's crawl settings are applied at command-line priority, above a spider's
    custom_settings, so the engine delay is set at that priority too."""

    class Paced(spider_cls):
        @classmethod
        def update_settings(cls, settings):
            super().update_settings(settings)
            settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
            settings.set("AUTOTHROTTLE_START_DELAY", delay, priority="cmdline")

    Paced.__name__ = Paced.__qualname__ = spider_cls.__name__
    return Paced


class SearchSpider(SourceSpider):
    """The engine's page module extracts; this asks each query, then follows `depth` result pages."""

    name = "search"

    def __init__(self, client_id: str, engine: str, queries=(), base_url: str | None = None, depth: int = 1,
                 own_domains=(), own_profiles=(), categories=None, **kwargs):
        self.engine = engine
        self.page = get(engine)
        queries = list(queries)
        first = self.page.search_url(queries[0], base=base_url) if queries else (base_url or engine)
        super().__init__(client_id=client_id, url=first, **kwargs)
        self.base_url = base_url
        self.queries = list(queries)
        self.depth = int(depth)
        self.own_domains = list(own_domains)
        self.own_profiles = list(own_profiles)
        self.categories = dict(categories or {})

    @property
    def source(self) -> str:
        return self.engine

    def first_requests(self):
        for query in self.queries:
            yield self.request(self.page.search_url(query, base=self.base_url), page_no=1, query=query)

    def follow(self, response, items, page_no, context):
        next_url = self.page.next_page(response)
        if next_url and page_no < self.depth:
            yield self.request(response.urljoin(next_url), page_no + 1, **context)
