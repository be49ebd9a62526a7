"""Google Business Profile: the owner's reply to a review (accounts.locations.reviews.updateReply, PUT .../reply)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from repscan.core.credentials import RefreshGrant
from repscan.spiders.pages import MissingCredentials
from repscan.spiders.pages import google_business as crawl

from . import access, answers
from .base import NoApi, Outgoing, Posted, Target

SOURCE = "google-business"
API = "https://mybusiness.googleapis.com"
API_VARIABLE = "REPSCAN_GOOGLE_BUSINESS_API_URL"
TOKEN = crawl.TOKEN_VARIABLE  # REPSCAN_GOOGLE_BUSINESS_TOKEN, or the refresh grant the crawl trades for it
REVIEW_NAME = re.compile(r"accounts/[^/]+/locations/[^/]+/reviews/[^/]+")
LOCATION_REVIEWS = re.compile(r"accounts/[^/]+/locations/[^/]+/reviews")


def review_name(target: Target) -> str:
    """accounts/*/locations/*/reviews/*: the stored url's path (/v4/<name>), else the location's reviews URL the
    review was read from (business_url) and its reviewId (source_id)."""
    path = urlsplit(target.url or "").path
    found = REVIEW_NAME.search(path)
    if found and path.endswith(found.group(0)):
        return found.group(0)
    location = LOCATION_REVIEWS.search(urlsplit(str(target.item.get("business_url") or "")).path)
    if location and target.source_id and "/" not in target.source_id:
        return f"{location.group(0)}/{target.source_id}"
    raise NoApi(f"google-business: review {target.source_id} has no review name "
                f"(accounts/*/locations/*/reviews/*) in its url or business_url")


class Poster:
    source = SOURCE

    def grant(self, environ: Mapping[str, str]) -> RefreshGrant | None:
        """The crawl's refresh grant, for `send` to trade for an access token; None when an access token is set or
        the grant is incomplete (then `request` says what is unset)."""
        try:
            return crawl.oauth_refresh(environ, access.base_url(environ, API_VARIABLE, API))
        except MissingCredentials:
            return None

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        name = review_name(target)
        token = access.secret(environ, TOKEN, "an OAuth access token of the location's owner or manager, scope "
                                             "business.manage; or the refresh token the crawl reads, with its "
                                             f"client: {', '.join(crawl.REFRESH_VARIABLES)}")
        base = access.base_url(environ, API_VARIABLE, API)
        return Outgoing("PUT", f"{base}/v4/{name}/reply",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        json.dumps({"comment": text}, ensure_ascii=False).encode("utf-8"))

    def lookup(self, target: Target, environ: Mapping[str, str]) -> Outgoing:
        """accounts.locations.reviews.get: updateReply replaces the reply the review has, the owner's own included."""
        put = self.request(target, "", environ)
        return Outgoing("GET", put.url.removesuffix("/reply"), {"Authorization": put.headers["Authorization"]})

    def answered(self, status: int, body: bytes) -> str | None:
        """The reply the Review shows (reviewReply), or None."""
        return answers.existing_reply(SOURCE, status, body, field="reviewReply", text="comment", times=("updateTime",),
                                      call="Google's updateReply")

    def posted(self, status: int, body: bytes) -> Posted:
        if status != 200:
            raise answers.refused(SOURCE, status, body)
        reply = answers.parsed(body)
        if not isinstance(reply, dict) or "comment" not in reply:
            raise answers.unreadable(SOURCE, status, "a ReviewReply")
        at = reply.get("updateTime")
        return Posted(None, answers.status_text(status) + (f", reply updated {at}" if at else ""))
