"""Facebook (m.facebook.com): a page's posts, newest first, and the comments under each post with comments."""

import scrapy

from repscan.spiders.base import SourceSpider
from repscan.spiders.pages import LayoutError, facebook


class FacebookSpider(SourceSpider):
    name = "facebook"

    def parse(self, response, page_no: int = 1, **context):
        for output in super().parse(response, page_no, **context):
            yield output
            if isinstance(output, dict) and output.get("kind") == "post" and output.get("comments_count") \
                    and not output.get("parent_url") and output.get("url"):
                yield scrapy.Request(output["url"], callback=self.comments, errback=self.failed,
                                     cb_kwargs={"listed": output}, meta=self.page_meta())

    def comments(self, response, listed: dict):
        """A post's page: its full text and comments; pages that show none (videos) are skipped, walls recorded."""
        if not self.usable(response):
            return
        try:
            items = facebook.extract(response, now=self.now)
        except LayoutError:
            self.logger.debug("no comments shown at %s", response.url)
            return
        for item in items:
            if item["source_id"] == listed["source_id"]:
                # The post page has the untruncated text; the listing has the counts.
                item = {key: listed[key] if value is None else value for key, value in item.items()}
            yield item
