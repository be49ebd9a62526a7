"""A Facebook page the client owns, through the Graph API: its feed with comments, and its ratings (recommendations)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError, credential
from .common import dates, evidence, jsondata, urls, values

SITE = "facebook-graph"
GRAPH = "https://graph.facebook.com"
VERSION = "v19.0"
TOKEN = "REPSCAN_FACEBOOK_PAGE_TOKEN"
FEED_FIELDS = ("id,message,created_time,permalink_url,from,"
               "comments.summary(true){id,message,created_time,from}")
# open_graph_story{...comments} brings the page's public replies to each recommendation.
RATING_FIELDS = ("reviewer,rating,recommendation_type,review_text,created_time,"
                 "open_graph_story{id,comments{id,message,created_time,from}}")
EDGES = ("feed", "ratings")
# A recommendation has no stars: "positive" is stored as 5 of 5 and "negative" as 1 of 5, so a
# negative one is flagged and answered like a one-star review. Pre-2018 star ratings (`rating`) stay.
RECOMMENDATION_STARS = {"positive": 5, "negative": 1}


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Feed posts (each followed by its comments, parent_url = the post) or rating reviews.

    Raises LayoutError for a body without a `data` list (Graph's error objects included).
    """
    data = jsondata.json_body(response, SITE)
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        error = jsondata.dig(data, "error", "message") if isinstance(data, dict) else None
        raise LayoutError(f"facebook-graph: {response.url} has no data list" + (f" ({error})" if error else ""))
    page_id = _page_id(response.url)
    items: list[dict] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if _is_rating(entry):
            items.append(_rating(entry, page_id))
        elif values.text(entry.get("id")):
            items.extend(_post(entry))
    return items


def expected(response) -> str | None:
    """The entries of the response's `data` list (feed posts or ratings)."""
    return evidence.listed(response, "data", noun="Graph API entry", plural="Graph API entries")


def next_page(response) -> str | None:
    """paging.next, without any access_token in it (the token travels in a header, never in stored URLs)."""
    data = jsondata.json_or_none(response)
    target = jsondata.dig(data, "paging", "next") if isinstance(data, dict) else None
    if not isinstance(target, str) or not target or not (jsondata.dig(data, "data") or []):
        return None
    return urls.with_params(target, access_token=None)


def start_url(url: str) -> str:
    """The configured edge (feed or ratings; feed when none is named) with the fields we read."""
    return start_urls(url)[0]


def start_urls(url: str) -> list[str]:
    """What to crawl for a configured URL: the named edge, or both feed and ratings for a bare page.

    www.facebook.com/<page> maps to the Graph API; a Graph-shaped URL on another host
    (a local test server) is kept as the API endpoint.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    web = urls.on_domain(url, "facebook.com") and not urls.on_domain(url, "graph.facebook.com")
    if web:
        if segments[:1] in (["pg"], ["pages"]):
            segments = segments[1:]
        if segments[:1] == ["profile.php"]:
            segments = [urls.param(url, "id") or ""]
        if not segments or not segments[0]:
            raise ValueError(f"facebook-graph: {url} names no page")
        base, segments = GRAPH, [VERSION, segments[0]]
    else:
        base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    edges = [segments.pop()] if segments and segments[-1] in EDGES else list(EDGES)
    if not segments:
        raise ValueError(f"facebook-graph: {url} names no page")
    query = "" if web else urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                                      if k != "access_token"])
    out = []
    for edge in edges:
        target = f"{base}/{'/'.join(segments)}/{edge}" + (f"?{query}" if query else "")
        out.append(urls.with_defaults(target, fields=FEED_FIELDS if edge == "feed" else RATING_FIELDS))
    return out


def request_headers(environ) -> dict[str, str]:
    detail = " (a page access token with pages_read_engagement and pages_read_user_content)"
    return {"Authorization": f"Bearer {credential(environ, TOKEN, detail)}"}


def _is_rating(entry: dict) -> bool:
    return any(key in entry for key in ("recommendation_type", "review_text", "reviewer", "open_graph_story"))


def _rating(entry: dict, page_id: str | None) -> dict:
    story_id = values.text(jsondata.dig(entry, "open_graph_story", "id"))
    reviewer = entry.get("reviewer") if isinstance(entry.get("reviewer"), dict) else {}
    stars = values.number(entry.get("rating"))
    if stars is None:
        stars = RECOMMENDATION_STARS.get(str(entry.get("recommendation_type") or "").lower())
    reply = _page_reply(jsondata.dig(entry, "open_graph_story", "comments", "data"), page_id)
    return make(
        "review",
        source=SITE,
        source_id=story_id or values.stable_id(page_id, values.text(reviewer.get("id")),
                                               values.text(entry.get("created_time"))),
        url=f"https://www.facebook.com/{story_id}" if story_id else None,
        business_url=f"https://www.facebook.com/{page_id}" if page_id else None,
        author=values.text(reviewer.get("name")),
        rating=stars,
        rating_max=5,
        text=values.text(entry.get("review_text")),
        published_at=dates.when(entry.get("created_time")),
        reply_text=values.text(reply.get("message")),
        reply_at=dates.when(reply.get("created_time")),
    )


def _page_reply(comments, page_id: str | None) -> dict:
    """The page's own first comment under a recommendation."""
    for comment in comments if isinstance(comments, list) else []:
        if isinstance(comment, dict) and page_id and values.text(jsondata.dig(comment, "from", "id")) == page_id:
            return comment
    return {}


def _post(entry: dict) -> list[dict]:
    post_id = values.text(entry["id"])
    url = values.text(entry.get("permalink_url")) or f"https://www.facebook.com/{post_id}"
    items = [make(
        "post",
        source=SITE,
        source_id=post_id,
        url=url,
        author=values.text(jsondata.dig(entry, "from", "name")),
        text=values.text(entry.get("message")),
        published_at=dates.when(entry.get("created_time")),
        comments_count=values.count(jsondata.dig(entry, "comments", "summary", "total_count")),
    )]
    for comment in jsondata.dig(entry, "comments", "data") or []:
        comment_id = values.text(comment.get("id")) if isinstance(comment, dict) else None
        if not comment_id:
            continue
        items.append(make(
            "post",
            source=SITE,
            source_id=comment_id,
            url=urls.with_params(url, comment_id=comment_id.rsplit("_", 1)[-1]),
            parent_url=url,
            author=values.text(jsondata.dig(comment, "from", "name")),
            text=values.text(comment.get("message")),
            published_at=dates.when(comment.get("created_time")),
        ))
    return items


def _page_id(url: str) -> str | None:
    """The page named in an edge URL (/v19.0/<page>/ratings); replies are matched by it, so use the numeric id."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-2] if len(segments) >= 2 and segments[-1] in EDGES else None
