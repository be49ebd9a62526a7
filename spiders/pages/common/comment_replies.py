"""Owner replies threaded under a page's comments (WordPress: li.comment, WooCommerce: li.review; the owner's marked
bypostauthor or comment-author-admin), given to the reviews its structured data carries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from repscan.core.items import make

from . import dates, values

# A comment's <li>: class "comment", or "review" for WooCommerce's product reviews (id li-comment-N either way).
_COMMENT = ("contains(concat(' ', normalize-space(@class), ' '), ' comment ')"
            " or contains(concat(' ', normalize-space(@class), ' '), ' review ') and starts-with(@id, 'li-comment-')")
_OWNER_CLASS = re.compile(r"(?:^|\s)(?:bypostauthor|comment-author-admin)(?:\s|$)")
_NOT_WORD = re.compile(r"\W+")
_AT = re.compile(r"^\s*on\s+|\s+at\s+(?=\d)", re.IGNORECASE)  # "on August 20, 2023 at 2:19 pm"
_SAME_TEXT = 40  # the leading letters and digits two copies of a text must share


@dataclass
class Comment:
    author: str
    text: str
    at: str | None
    owner: bool  # marked by its class as the post author's
    replies: list[Comment] = field(default_factory=list)


def threads(response) -> list[Comment]:
    """Every comment of the page, each with its direct replies."""
    found: dict = {}
    for li in response.xpath(f"//li[{_COMMENT}]"):
        body = li.xpath("./*[not(self::ul or self::ol)]")
        stamp = body.xpath(".//time/@datetime").get()
        shown = body.xpath("normalize-space(.//*[contains(@class, 'comment_date') or contains(@class, 'comment-date')"
                           " or contains(@class, 'comment-metadata')][1])").get()
        text = body.xpath(".//*[contains(@class, 'comment-content') or contains(@class, 'description')][1]"
                          " | .//*[contains(@class, 'comment-text')][not(.//*[contains(@class, 'description')])][1]")
        comment = Comment(
            author=_fold(body.xpath("normalize-space(.//*[contains(concat(' ', @class, ' '), ' fn ')"
                                    " or contains(@class, 'review__author')][1])").get()),
            text=values.element_text(text[0].root) if text else "",
            at=dates.when(stamp) if stamp else dates.parse(_AT.sub(" ", shown or "").strip() or None)[0],
            owner=bool(_OWNER_CLASS.search(li.attrib.get("class", ""))))
        found[li.root] = comment
        parent = li.xpath(f"ancestor::li[{_COMMENT}][1]")
        if parent and parent[0].root in found:
            found[parent[0].root].replies.append(comment)
    return list(found.values())


def answer(items: list[dict], response, owners: set[str]) -> tuple[list[dict], int]:
    """`items` with each review the owner answered in the comments given that reply (a review matched to its comment
    by author and text), and how many reviews show an owner's reply: counted by author alone, the owner known by
    the class or by name (`owners`, the names the structured data gives the page's author), so a renamed class or a
    changed text is seen."""
    comments = [comment for comment in threads(response) if not comment.owner]
    if not comments:
        return items, 0
    owners = {_fold(name) for name in owners if name}
    out, shown = [], 0
    for item in items:
        if item.get("kind") != "review":
            out.append(item)
            continue
        theirs = [comment for comment in comments if comment.author and comment.author == _fold(item.get("author"))]
        same = [comment for comment in theirs if _same_text(comment.text, item.get("text"))]
        answered = [comment for comment in (theirs if len(theirs) == 1 else same)
                    if any(reply.owner or reply.author in owners for reply in comment.replies)]
        shown += bool(answered)
        reply = next((reply for comment in same[:1] if len(same) == 1 for reply in comment.replies if reply.owner), None)
        if reply is not None and reply.text and not item.get("reply_text"):
            item = make("review", **{**{k: v for k, v in item.items() if k != "kind"},
                                     "reply_text": reply.text, "reply_at": reply.at, "reply_precision": None})
        out.append(item)
    return out, shown


def _fold(name) -> str:
    return " ".join(str(name or "").split()).casefold()


def _same_text(one, other) -> bool:
    a, b = (_NOT_WORD.sub("", str(text or "")).casefold()[:_SAME_TEXT] for text in (one, other))
    return bool(a) and a == b
