"""Facebook (m.facebook.com): a page's posts, newest first, and the comments under each post with comments."""

from repscan.core.items import parse_iso
from repscan.core.rules import COMMENT_WINDOW
from repscan.core.store.evidence import PAGE_KEY
from repscan.spiders.base import SourceSpider

_PAST_STOP = "repscan_past_stop"  # a posts-tab page followed only for its recent posts' comments


class FacebookSpider(SourceSpider):
    name = "facebook"

    def follow(self, response, items: list[dict], page_no: int, context: dict):
        """The posts tab's next page, and the comments of each post listed with some: each post's page begins
        a chain of its own (its comments page by page, newest first), read like any page of the source. Past the
        incremental stop the tab is read on while its pages hold posts within COMMENT_WINDOW, and only those
        posts' comments are followed there."""
        request = getattr(response, "request", None)
        past = "listed" not in context and bool(request and request.meta.get(_PAST_STOP))
        known = "listed" not in context and not self.full and \
            all(item["source_id"] in self.known_ids for item in items if item["kind"] == "post")
        for following in super().follow(response, items, page_no, context):
            if past or known:
                following.meta[_PAST_STOP] = True
            yield following
        if "listed" in context:
            return
        for item in items:
            if item["kind"] == "post" and item.get("comments_count") and not item.get("parent_url") \
                    and item.get("url") and (not past or self.recent(item)):
                self.health.chains += 1
                listed = {key: value for key, value in item.items() if key != PAGE_KEY}
                yield self.request(item["url"], page_no=1, listed=listed)

    def reads_past_known(self, items: list[dict], context: dict) -> bool:
        """A posts-tab page of stored posts is read on while it holds a post new comments may still come under."""
        return "listed" not in context and any(self.recent(item) for item in items if not item.get("parent_url"))

    def recent(self, post: dict) -> bool:
        """Published within COMMENT_WINDOW of this crawl (an undated post is not)."""
        published = parse_iso(post.get("published_at"))
        return published is not None and published >= self.now - COMMENT_WINDOW
