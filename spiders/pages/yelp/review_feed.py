"""The review feed pages from 2019 on embed as JSON (…reviewFeedQueryProps): reviews, owner replies, pagination."""

from __future__ import annotations

import html
from urllib.parse import unquote

from ..common import jsondata, values
from ._shared import USER, json_scripts, string

# In a <script type="application/json" data-hypernova-key=…>: reviews with id, userId, user, rating,
# comment{text, language}, localizedDate, businessOwnerReplies; and the pagination.


def records(response) -> list[dict]:
    """The feed's reviews as records (ids, author, rating, text, printed dates, reply), in feed order."""
    found = []
    for data in json_scripts(response):
        for node in jsondata.iter_dicts(data):
            comment = node.get("comment")
            if not (isinstance(comment, dict) and "rating" in node and ("localizedDate" in node or "id" in node)):
                continue
            user = node.get("user") if isinstance(node.get("user"), dict) else {}
            business = node.get("business") if isinstance(node.get("business"), dict) else {}
            link = user.get("link") or user.get("userUrl") or ""
            match = USER.search(link)
            reply_text, reply_date = _reply(node.get("businessOwnerReplies"))
            found.append({
                "review_id": string(node.get("id")),
                "user_id": string(node.get("userId")) or (unquote(match.group(1)) if match else None),
                "alias": string(business.get("alias")),
                "author": string(user.get("markupDisplayName") or user.get("displayName") or user.get("altText")),
                "author_review_count": values.count(user.get("reviewCount")),
                "rating": values.number(node.get("rating")),
                "text": _text(comment.get("text")),
                "language": string(comment.get("language")),
                "date": string(node.get("localizedDate")),
                "reply_text": reply_text,
                "reply_date": reply_date,
            })
    return found


def pagination(response) -> dict | None:
    """The feed's pagination (totalResults, resultsPerPage), or None."""
    for data in json_scripts(response):
        for node in jsondata.iter_dicts(data):
            found = node.get("pagination")
            if isinstance(found, dict) and "totalResults" in found:
                return found
    return None


def _reply(replies) -> tuple[str | None, str | None]:
    for reply in values.as_list(replies):
        if not isinstance(reply, dict):
            continue
        comment = reply.get("comment")
        text = comment.get("text") if isinstance(comment, dict) else comment
        text = _text(string(text) or string(reply.get("text")))
        if text:
            return text, string(reply.get("localizedDate") or reply.get("createdAt"))
    return None, None


def _text(value) -> str | None:
    """Yelp escapes the feed's texts once or twice ("<br&gt;", "&amp;#39;"): unescape, then drop markup."""
    text = string(value)
    for _ in range(3):
        if text is None or "&" not in text:
            break
        text = html.unescape(text)
    return values.clean_text(text)
