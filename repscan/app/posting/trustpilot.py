"""Trustpilot: the company's one reply to a service review, through the Business API (read the review, then POST .../reply)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from . import access, answers
from .base import Outgoing, Posted, Target

SOURCE = "trustpilot"
API = "https://api.trustpilot.com"
API_VARIABLE = "REPSCAN_TRUSTPILOT_API_URL"
TOKEN = "REPSCAN_TRUSTPILOT_BUSINESS_TOKEN"
AUTHOR = "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID"
REVIEW_ID = re.compile(r"[0-9a-f]{24}")  # Trustpilot's ids are 24 hex digits
REVIEW_PATH = re.compile(r"/reviews/([0-9a-f]{24})/?$")


class Poster:
    source = SOURCE

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        review = access.stored_id(target, REVIEW_ID, REVIEW_PATH, "Trustpilot review id")
        token = access.secret(environ, TOKEN, "a business user OAuth access token")
        author = access.secret(environ, AUTHOR, "the id of the business user the reply is posted as")
        base = access.base_url(environ, API_VARIABLE, API)
        body = {"authorBusinessUserId": author, "message": text}
        return Outgoing("POST", f"{base}/v1/private/reviews/{review}/reply",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def lookup(self, target: Target, environ: Mapping[str, str]) -> Outgoing:
        """The private review (GET /v1/private/reviews/{reviewId}): a review has one company reply, which a reply
        may replace (its companyReply has an updatedAt)."""
        post = self.request(target, "", environ)
        return Outgoing("GET", post.url.removesuffix("/reply"), {"Authorization": post.headers["Authorization"]})

    def answered(self, status: int, body: bytes) -> str | None:
        """The company reply the review shows, or None."""
        return answers.existing_reply(SOURCE, status, body, field="companyReply", text="text",
                                      times=("updatedAt", "createdAt"), call="another reply")

    def posted(self, status: int, body: bytes) -> Posted:
        if status not in (200, 201, 204):
            raise answers.refused(SOURCE, status, body)
        return Posted(None, answers.status_text(status))
