"""Reddit: posts and comments from a search, via OAuth client credentials (or a .rss URL, without)."""

import scrapy

from repscan.spiders.base import SourceSpider
from repscan.spiders.pages import LayoutError, MissingCredentials, reddit


class RedditSpider(SourceSpider):
    name = "reddit"

    async def start(self):
        first = reddit.start_url(self.url)
        if reddit.is_feed(first):
            yield self.request(first, page_no=1)
            return
        try:
            headers, form = reddit.token_request(self.environment)
        except MissingCredentials as exc:
            self.health.errors.append(f"missing credentials: {self.environment.explain(str(exc))}")
            return
        proxy = self.settings.get("REPSCAN_PROXY")
        yield scrapy.FormRequest(
            reddit.token_url(first), formdata=form, headers=headers, callback=self.authorised,
            errback=self.failed, cb_kwargs={"first": first}, dont_filter=True,
            meta={"dont_obey_robotstxt": True, **({"proxy": proxy} if proxy else {})},
        )

    def authorised(self, response, first: str):
        if response.status >= 400:
            self.health.errors.append(f"token request refused: HTTP {response.status} at {response.url}")
            return
        try:
            token = reddit.access_token(response)
        except LayoutError as exc:
            self.health.errors.append(str(exc))
            return
        self.headers = {"Authorization": f"bearer {token}"}
        yield self.request(first, page_no=1)
