"""X: a reply to the tweet, posted as the client's account (POST /2/tweets with reply.in_reply_to_tweet_id)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from . import access, answers
from .base import NoApi, Outgoing, Posted, Target

SOURCE = "twitter"
API = "https://api.x.com"
API_VARIABLE = "REPSCAN_X_API_URL"
TOKEN = "REPSCAN_X_USER_TOKEN"
TWEET_ID = re.compile(r"\d{1,20}")
STATUS_PATH = re.compile(r"/status(?:es)?/(\d{1,20})(?:/|$)")


def tweet_id(target: Target) -> str:
    """The tweet's id: the stored source_id, else the /status/<id> of its url."""
    if TWEET_ID.fullmatch(target.source_id or ""):
        return target.source_id
    found = STATUS_PATH.search(urlsplit(target.url or "").path)
    if found:
        return found.group(1)
    raise NoApi(f"twitter: {target.source_id!r} is no tweet id and {target.url!r} no /status/<id> URL")


class Poster:
    source = SOURCE

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        replied = tweet_id(target)
        token = access.secret(environ, TOKEN, "an OAuth 2.0 user access token of the client's account, "
                                             "scopes tweet.read tweet.write users.read")
        base = access.base_url(environ, API_VARIABLE, API)
        body = {"text": text, "reply": {"in_reply_to_tweet_id": replied}}
        return Outgoing("POST", f"{base}/2/tweets",
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                        json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def posted(self, status: int, body: bytes) -> Posted:
        if status not in (200, 201):
            raise answers.refused("x", status, body)
        data = answers.parsed(body)
        tweet = data.get("data") if isinstance(data, dict) else None
        if not isinstance(tweet, dict) or not tweet.get("id"):
            raise answers.unreadable("x", status, "the new tweet's id")
        return Posted(str(tweet["id"]), f"{answers.status_text(status)}, tweet {tweet['id']}")
