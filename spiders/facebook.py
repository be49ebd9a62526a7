"""Facebook (m.facebook.com): a page's posts, newest first, and the comments under each post with comments."""

from repscan.core.store.evidence import PAGE_KEY
from repscan.spiders.base import SourceSpider


class FacebookSpider(SourceSpider):
    name = "facebook"

    def follow(self, response, items: list[dict], page_no: int, context: dict):
        """The posts tab's next page, and the comments of each post listed with some: each post's page begins
        a chain of its own (its comments page by page, newest first), read like any page of the source."""
        yield from super().follow(response, items, page_no, context)
        if "listed" in context:
            return
        for item in items:
            if item["kind"] == "post" and item.get("comments_count") and not item.get("parent_url") \
                    and item.get("url"):
                self.health.chains += 1
                listed = {key: value for key, value in item.items() if key != PAGE_KEY}
                yield self.request(item["url"], page_no=1, listed=listed)
