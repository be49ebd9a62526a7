"""X: a reply to the tweet, posted as the client's account (POST /2/tweets with reply.in_reply_to_tweet_id)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from . import access, answers
from .base import Outgoing, Posted, Target

SOURCE = "twitter"
API = "https://api.x.com"
API_VARIABLE = "REPSCAN_X_API_URL"
TOKEN = "REPSCAN_X_USER_TOKEN"
TWEET_ID = re.compile(r"\d{1,20}")
STATUS_PATH = re.compile(r"/status(?:es)?/(\d{1,20})(?:/|$)")


class Poster:
    source = SOURCE

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        replied = access.stored_id(target, TWEET_ID, STATUS_PATH, "tweet id")
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
