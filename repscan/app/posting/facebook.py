"""Facebook Graph: a comment from the Page under its post, a visitor's post, a comment or a recommendation (POST /{object-id}/comments)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from . import access, answers
from .base import NoApi, Outgoing, Posted, Target

SOURCES = ("facebook-graph", "facebook")  # the Graph API's items and the scraped page's: the same object ids
API = "https://graph.facebook.com"
VERSION = "v25.0"
API_VARIABLE = "REPSCAN_FACEBOOK_GRAPH_API_URL"
TOKEN = "REPSCAN_FACEBOOK_PAGE_TOKEN"
OBJECT_ID = re.compile(r"\d+(?:_\d+)?")  # a post or story id, or <post>_<comment>
RETRYABLE_CODES = {1, 2, 4, 17, 32, 341, 613}  # Graph's "temporary: wait and retry" (unknown, service, throttling)


class Poster:
    source = SOURCES[0]

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        if not OBJECT_ID.fullmatch(target.source_id or ""):
            raise NoApi(f"{target.source}: {target.source_id!r} is no Graph object id (a recommendation stored "
                        f"without its story id cannot be answered through the API)")
        token = access.secret(environ, TOKEN, "a Page access token with pages_manage_engagement")
        base = access.base_url(environ, API_VARIABLE, API)
        return Outgoing("POST", f"{base}/{VERSION}/{target.source_id}/comments",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"},
                        urlencode({"message": text}).encode("ascii"))

    def posted(self, status: int, body: bytes) -> Posted:
        data = answers.parsed(body)
        error = data.get("error") if isinstance(data, dict) else None
        if status != 200 or isinstance(error, dict):
            code = error.get("code") if isinstance(error, dict) else None
            raise answers.refused("facebook", status, body,
                                  retry=answers.retryable(status) or code in RETRYABLE_CODES)
        if not isinstance(data, dict) or not data.get("id"):
            raise answers.unreadable("facebook", status, "the comment's id")
        return Posted(str(data["id"]), f"{answers.status_text(status)}, comment {data['id']}")

