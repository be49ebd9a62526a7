"""Recent posts on X (Twitter) matching a search, through the API v2 recent search, newest first."""

from __future__ import annotations

import html
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError, credential
from .common import dates, evidence, jsondata, urls, values

SITE = "twitter"
MENTIONS = True  # a search or alert source: keep only items that name the client
API = "https://api.twitter.com"
SEARCH_PATH = "/2/tweets/search/recent"
TOKEN = "REPSCAN_X_BEARER_TOKEN"
DEFAULTS = {
    "tweet.fields": "created_at,author_id,public_metrics,conversation_id,referenced_tweets",
    "expansions": "author_id",
    "user.fields": "username",
    "max_results": "100",
}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """One post per tweet, in the API's order (newest first); a reply's parent_url is the tweet it answers
    (or, without referenced_tweets, the conversation's first tweet).

    Without created_at (the default fields), the time is read from the tweet id. Raises
    LayoutError for a body that is neither a result page nor an empty one.
    """
    data = jsondata.json_body(response, SITE)
    if not isinstance(data, dict) or not ("data" in data or "meta" in data):
        detail = (data.get("title") or data.get("detail")) if isinstance(data, dict) else None
        raise LayoutError(f"twitter: {response.url} is not a search result" + (f" ({detail})" if detail else ""))
    users = {values.text(u.get("id")): u for u in jsondata.dig(data, "includes", "users") or [] if isinstance(u, dict)}
    items = []
    for tweet in data.get("data") or []:
        tweet_id = values.text(tweet.get("id")) if isinstance(tweet, dict) else None
        if not tweet_id:
            continue
        user = users.get(values.text(tweet.get("author_id"))) or {}
        username = values.text(user.get("username"))
        parent = _replied_to(tweet) or values.text(tweet.get("conversation_id"))
        metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) else {}
        items.append(make(
            "post",
            source=SITE,
            source_id=tweet_id,
            url=_status_url(tweet_id, username),
            parent_url=_status_url(parent, None) if parent and parent != tweet_id else None,
            author=username,
            text=_unescape(values.text(tweet.get("text"))),
            published_at=dates.when(tweet.get("created_at")) or dates.snowflake_time(tweet_id),
            score=values.number(metrics.get("like_count")),
            comments_count=values.count(metrics.get("reply_count")),
        ))
    return items


def expected(response) -> str | None:
    """The entries of the response's `data` list, else the count its `meta` reports."""
    return evidence.first(evidence.listed(response, "data", noun="tweet"),
                          evidence.declared(jsondata.dig(jsondata.json_or_none(response), "meta", "result_count"),
                                            "result count"))


def next_page(response) -> str | None:
    data = jsondata.json_or_none(response)
    token = jsondata.dig(data, "meta", "next_token") if isinstance(data, dict) else None
    return urls.with_params(response.url, next_token=token, pagination_token=None) if isinstance(token, str) and token \
        else None


def start_url(url: str) -> str:
    """The recent-search endpoint with the fields we read, from an API URL or an x.com/twitter.com search URL.

    Another host (a local test server) is kept as the API endpoint.
    """
    if urls.on_domain(url, "x.com", "twitter.com") and not urls.on_domain(url, "api.twitter.com", "api.x.com"):
        query = urls.param(url, "q") or urls.param(url, "query")
        if not query:
            raise ValueError(f"twitter: {url} has no search query (q=...)")
        url = urls.with_params(API + SEARCH_PATH, query=query)
    elif not urls.param(url, "query"):
        raise ValueError(f"twitter: {url} has no query=... parameter")
    parts = urlsplit(url)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return urls.with_defaults(urls.with_params(url, next_token=None), **DEFAULTS)


def request_headers(environ) -> dict[str, str]:
    token = credential(environ, TOKEN, " (an X API app bearer token with access to recent search)")
    return {"Authorization": f"Bearer {token}"}


def _replied_to(tweet: dict) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return values.text(ref.get("id"))
    return None


def _unescape(value: str | None) -> str | None:
    """Tweet text arrives with &amp; &lt; &gt; escaped."""
    return html.unescape(value) if value else None


def _status_url(tweet_id: str | None, username: str | None) -> str | None:
    if not tweet_id:
        return None
    return f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}"
