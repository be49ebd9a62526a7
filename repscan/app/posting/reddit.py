"""Reddit: a comment under the post or comment, as the client's account (POST /api/comment, thing_id and text)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from repscan import USER_AGENT

from . import access, answers
from .base import Outgoing, Posted, PostFailed, Target

SOURCE = "reddit"
API = "https://oauth.reddit.com"
API_VARIABLE = "REPSCAN_REDDIT_API_URL"
TOKEN = "REPSCAN_REDDIT_USER_TOKEN"
FULLNAME = re.compile(r"t[13]_[0-9a-z]{1,13}")
PERMALINK = re.compile(r"/comments/([0-9a-z]{1,13})(?:/[^/]*(?:/([0-9a-z]{1,13}))?)?/?$")
RETRYABLE_ERRORS = {"RATELIMIT"}


def _fullname(found: re.Match) -> str:
    """t1_<comment> from a comment's permalink, t3_<post> from a post's."""
    return f"t1_{found.group(2)}" if found.group(2) else f"t3_{found.group(1)}"


class Poster:
    source = SOURCE

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        thing = access.stored_id(target, FULLNAME, PERMALINK, "t3_/t1_ fullname", _fullname)
        token = access.secret(environ, TOKEN, "an OAuth access token of the client's Reddit account, scope submit")
        base = access.base_url(environ, API_VARIABLE, API)
        return Outgoing("POST", f"{base}/api/comment",
                        {"Authorization": f"bearer {token}", "User-Agent": USER_AGENT,
                         "Content-Type": "application/x-www-form-urlencoded"},
                        urlencode({"api_type": "json", "thing_id": thing, "text": text}).encode("ascii"))

    def posted(self, status: int, body: bytes) -> Posted:
        if status != 200:
            raise answers.refused(SOURCE, status, body)
        data = answers.parsed(body)
        answer = data.get("json") if isinstance(data, dict) else None
        answer = answer if isinstance(answer, dict) else {}
        errors = answer.get("errors")
        if isinstance(errors, list) and errors:  # a refusal comes with 200: [[code, message, field], ...]
            first = errors[0] if isinstance(errors[0], list) and errors[0] else [str(errors[0])]
            said = ": ".join(str(part) for part in first[:2])
            raise PostFailed(f"reddit refused the reply: {said}"[:answers.SHORT],
                             retryable=first[0] in RETRYABLE_ERRORS)
        things = answer["data"].get("things") if isinstance(answer.get("data"), dict) else None
        first_thing = things[0] if isinstance(things, list) and things else None
        comment = first_thing.get("data") if isinstance(first_thing, dict) else None
        if not isinstance(comment, dict) or not comment.get("name"):
            raise answers.unreadable(SOURCE, status, "the new comment's name")
        return Posted(str(comment["name"]), f"{answers.status_text(status)}, comment {comment['name']}")
