"""Trustpilot: the company's reply to a service review, through the Business API (POST /v1/private/reviews/{reviewId}/reply)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from . import access, answers
from .base import NoApi, Outgoing, Posted, Target

SOURCE = "trustpilot"
API = "https://api.trustpilot.com"
API_VARIABLE = "REPSCAN_TRUSTPILOT_API_URL"
TOKEN = "REPSCAN_TRUSTPILOT_BUSINESS_TOKEN"
AUTHOR = "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID"
REVIEW_ID = re.compile(r"[0-9a-f]{24}")  # Trustpilot's ids are 24 hex digits
REVIEW_PATH = re.compile(r"/reviews/([0-9a-f]{24})/?$")


def review_id(target: Target) -> str:
    """The review's id: the stored source_id, else the last segment of its /reviews/<id> url."""
    if REVIEW_ID.fullmatch(target.source_id or ""):
        return target.source_id
    found = REVIEW_PATH.search(urlsplit(target.url or "").path)
    if found:
        return found.group(1)
    raise NoApi(f"trustpilot: {target.source_id!r} is no Trustpilot review id and {target.url!r} "
                f"no /reviews/<id> URL")


class Poster:
    source = SOURCE

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        review = review_id(target)
        token = access.secret(environ, TOKEN, "a business user OAuth access token")
        author = access.secret(environ, AUTHOR, "the id of the business user the reply is posted as")
        base = access.base_url(environ, API_VARIABLE, API)
        body = {"authorBusinessUserId": author, "message": text}
        return Outgoing("POST", f"{base}/v1/private/reviews/{review}/reply",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def posted(self, status: int, body: bytes) -> Posted:
        if status not in (200, 201, 204):
            raise answers.refused(SOURCE, status, body)
        return Posted(None, answers.status_text(status))
