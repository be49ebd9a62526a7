"""A Facebook page's posts from m.facebook.com (posts tab, "more" pages) and the comments on a post's own page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit, urlunsplit

from parsel import Selector

from repscan.core.items import iso_utc, make, utcnow

from . import LayoutChanged, LayoutError, NotReadable
from .common import dates, evidence, jsondata, urls, values

SITE = "facebook"
MOBILE = "m.facebook.com"
_JS_GUARD = "for (;;);"
_MORE = re.compile(r'see_more_cards_id"?\s*,\s*"?href"?\s*:\s*"((?:[^"\\]|\\.)*)"')
_MORE_COMMENTS = "[id^=see_next_] a::attr(href), [id^=see_prev_] a::attr(href)"
_MORE_TAIL = re.compile(r"\s*(?:…|\.\.\.)\s*(?:More|See more)$")
# A video's page (/videos/, /watch/?v=, /reel/) draws its comments by script: its player marks it, not its address.
_VIDEO = 'meta[property="og:type"][content^="video"], [data-sigil~="inlineVideo"], video'
_VIDEO_PATH = re.compile(r"/(?:videos|watch|reel)(?:/|$)")


def extract(response, *, now: datetime | None = None, listed: dict | None = None) -> list[dict]:
    """Posts in page order; on a post's own page, the post and then its comments (parent_url = the post).

    Exact times come from the data-ft/data-store epochs; displayed times such as "on Thu"
    or "2 hrs" are read against `now` (default: the current time). Raises LayoutError when
    the page has no posts, no "more" payload and no post-page structure. `listed` is the post as
    the posts tab showed it: its counts fill the post page's blanks, and a post page without
    comments under a post listed with some raises LayoutChanged.
    """
    if listed is not None:
        return _thread(response, now or utcnow(), listed)
    now = now or utcnow()
    documents = _documents(response)
    items: list[dict] = []
    for doc in documents:
        for article in doc.css("article[data-ft]"):
            item = _article(article, response, now)
            if item is not None:
                items.append(item)
    if items:
        return items
    found = _post_page(documents, response, now)
    if found or _is_more_payload(response) or any(doc.css("#see_more_cards_id") for doc in documents):
        return found
    raise LayoutError(f"facebook: {response.url} has no posts (article[data-ft]) and is no post page")


def _thread(response, now: datetime, listed: dict) -> list[dict]:
    """A page of a listed post's comments (its own page, or one of its "more comments" pages)."""
    documents = _documents(response)
    if not any(doc.xpath(_COMMENT) for doc in documents) and any(doc.css(_VIDEO) for doc in documents):
        raise NotReadable(f"facebook: {response.url} is a video page, whose comments are drawn by script: "
                          f"the {listed.get('comments_count')} comments listed under post {listed.get('source_id')} "
                          "were not read")
    items = _post_page(documents, response, now)
    if not items:
        hint = " (a video address, but the page has no video either)" if _VIDEO_PATH.search(
            urlsplit(response.url).path) else ""
        raise LayoutError(f"facebook: {response.url} is no post page (no post area, no comment blocks){hint}")
    if listed.get("comments_count") and not any(item["parent_url"] for item in items):
        raise LayoutChanged(f"layout changed: the posts tab lists {listed['comments_count']} comments under post "
                            f"{listed.get('source_id')}, none found at {response.url}")
    # The post page has the untruncated text; the listing has the counts.
    return [{key: listed.get(key) if value is None else value for key, value in item.items()}
            if item["source_id"] == listed.get("source_id") else item for item in items]


def expected(response) -> str | None:
    """The <article> elements of the page, its "more" payload and its hidden blocks; on a post's page, its comments."""
    documents = _documents(response)
    return evidence.first(evidence.counted([article for doc in documents for article in doc.css("article")],
                                           "post article"),
                          evidence.counted([el for doc in documents for el in doc.css('[data-sigil~="comment"]')],
                                           "comment block"))


def next_page(response) -> str | None:
    """The "more posts" URL the page's script would fetch next, from a page or a "more" payload; on a post's
    page, its next page of comments ("View more comments", or mbasic's "View previous comments")."""
    for source in _scripts(response):
        match = _MORE.search(source)
        if not match:
            continue
        try:
            href = json.loads(f'"{match.group(1)}"')
        except ValueError:
            continue
        if '"has_next_page":false' in unquote(href):
            return None
        return response.urljoin(href)
    for doc in _documents(response):
        href = doc.css("#see_more_cards_id a::attr(href)").get() or doc.css(_MORE_COMMENTS).get()
        if href:
            return response.urljoin(href)
    return None


def start_url(url: str) -> str:
    """The page's posts tab on m.facebook.com (another host, such as a test server, is kept)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise ValueError(f"facebook: {url} names no page")
    if segments[0] in ("pg", "pages") and len(segments) > 1:
        segments = segments[1:]
    if segments[0] == "profile.php":
        page = urls.param(url, "id")
        return urlunsplit((_scheme(url), _netloc(url), "/profile.php", f"id={page}&v=timeline", ""))
    return urlunsplit((_scheme(url), _netloc(url), f"/{segments[0]}/posts/", "", ""))


def _scheme(url: str) -> str:
    return "https" if urls.on_domain(url, "facebook.com") else urlsplit(url).scheme


def _netloc(url: str) -> str:
    return MOBILE if urls.on_domain(url, "facebook.com") else urlsplit(url).netloc


# -- documents ---------------------------------------------------------------

def _documents(response) -> list[Selector]:
    """The HTML to read: the page, the HTML inside a "more" payload, and hidden <code><!-- --></code> blocks."""
    if _is_more_payload(response):
        payload = _payload(response)
        actions = ((payload or {}).get("payload") or {}).get("actions") or []
        return [Selector(text=a["html"]) for a in actions if isinstance(a, dict) and isinstance(a.get("html"), str)
                and a["html"].strip()]
    docs = [response.selector]
    for comment in response.xpath("//code/comment()").getall():
        inner = comment[4:-3] if comment.startswith("<!--") else comment
        if inner.strip():
            docs.append(Selector(text=inner))
    return docs


def _is_more_payload(response) -> bool:
    return response.body.lstrip()[:len(_JS_GUARD)] == _JS_GUARD.encode()


def _payload(response):
    try:
        return json.loads(response.text.lstrip()[len(_JS_GUARD):])
    except ValueError:
        return None


def _scripts(response) -> list[str]:
    if _is_more_payload(response):
        payload = _payload(response) or {}
        actions = (payload.get("payload") or {}).get("actions") or []
        return [a.get("code") or "" for a in actions if isinstance(a, dict)]
    return response.xpath("//script/text()").getall()


# -- posts -------------------------------------------------------------------

def _article(article, response, now) -> dict | None:
    try:
        ft = json.loads(article.root.get("data-ft") or "{}")
    except ValueError:
        ft = {}
    post_id = (values.text(ft.get("top_level_post_id")) or values.text(ft.get("mf_story_key"))
               or values.text(ft.get("tl_objid")))
    if not post_id:
        return None
    owner = _owner(article.css("header h3 a::attr(href)").get()) or values.text(ft.get("page_id")) \
        or values.text(ft.get("content_owner_id_new"))
    body = article.css("div.story_body_container > div._5rgt, div._5rgt")
    return make(
        "post",
        source=SITE,
        source_id=post_id,
        url=_post_url(response, owner, post_id),
        author=values.first_text(article.css("header h3 strong a, header h3 a")),
        text=_body_text(body[0]) if body else None,
        published_at=_publish_time(ft) or dates.social_time(article.css("header abbr::text").get(), now),
        score=values.abbreviated_count(article.css("footer .like_def::text").get()),
        comments_count=values.abbreviated_count(article.css("footer .cmt_def::text").get()),
    )


_AREA = ("//*[contains(concat(' ', normalize-space(@data-sigil), ' '), ' marea ')]"
         "[.//a[contains(concat(' ', normalize-space(@class), ' '), ' actor-link ')]]")
_COMMENT = "//*[contains(concat(' ', normalize-space(@data-sigil), ' '), ' comment ')]"


def _post_page(documents, response, now) -> list[dict]:
    """A post's own page: the post (author, text, exact time) and its comments, from any of its documents."""
    areas = [area for doc in documents for area in doc.xpath(_AREA)]
    comments = [comment for doc in documents for comment in doc.xpath(_COMMENT)]
    if not areas and not comments:
        return []
    post_id = next((found for found in (_post_id(doc) for doc in documents) if found), None) \
        or _post_id_from_url(response.url)
    if not post_id:
        return []
    area = areas[0] if areas else None
    owner = _owner(area.css("a.actor-link::attr(href)").get() if area else None) or _owner(response.url)
    post_url = _post_url(response, owner, post_id)
    items = []
    if area is not None:
        message = area.css("div.msg > div")
        stamp = area.css("abbr[data-sigil~=timestamp]::attr(data-store)").get()
        items.append(make(
            "post",
            source=SITE,
            source_id=post_id,
            url=post_url,
            author=values.first_text(area.css("a.actor-link strong, strong.actor")),
            text=_body_text(message[0]) if message else None,
            published_at=_store_time(stamp) or dates.social_time(area.css("abbr::text").get(), now),
        ))
    seen = set()
    for comment in comments:
        body = comment.css("[data-commentid]")
        comment_id = (values.text(body.attrib.get("data-commentid") if body else None)
                      or values.text(comment.attrib.get("id")))
        if not comment_id or comment_id in seen:
            continue
        seen.add(comment_id)
        items.append(make(
            "post",
            source=SITE,
            source_id=comment_id if "_" in comment_id else f"{post_id}_{comment_id}",
            url=f"{post_url}?comment_id={comment_id.rsplit('_', 1)[-1]}",
            parent_url=post_url,
            author=values.first_text(comment.css("._2b05")),
            text=_body_text(body[0]) if body else None,
            published_at=_store_time(comment.css("abbr::attr(data-store)").get())
            or dates.social_time(comment.css("abbr::text").get(), now),
        ))
    return items


def _post_id(doc) -> str | None:
    for value in (doc.css("[id^=ufi_]::attr(id)").get(), doc.css("[id^=like_sentence_]::attr(id)").get()):
        match = re.search(r"_(\d+)$", value or "")
        if match:
            return match.group(1)
    token = doc.css("[data-commentid]::attr(data-commentid)").get()
    return token.split("_", 1)[0] if token and "_" in token else None


def _post_id_from_url(url: str) -> str | None:
    match = re.search(r"/posts/(\d+)", urlsplit(url).path)
    return match.group(1) if match else urls.param(url, "story_fbid")


def _post_url(response, owner: str | None, post_id: str) -> str:
    """The post's own page, /<page>/posts/<id>, on the host being crawled."""
    return response.urljoin(f"/{owner}/posts/{post_id}") if owner else response.urljoin(f"/{post_id}")


def _owner(href: str | None) -> str | None:
    """The page's vanity name or id from a link to it ("/Nintendo/?__tn__=C-R", "/profile.php?id=1")."""
    if not href:
        return None
    parts = urlsplit(href)
    segments = [s for s in parts.path.split("/") if s]
    if not segments or segments[0] in ("story.php", "photo.php", "permalink.php"):
        return None
    if segments[0] == "profile.php":
        return urls.param(href, "id")
    return segments[0]


def _body_text(selection) -> str | None:
    """Visible text of a post or comment body, without the "… More" expander."""
    body = values.element_text(selection.root)
    return values.text(_MORE_TAIL.sub("", body))


def _publish_time(ft: dict) -> str | None:
    for node in jsondata.iter_dicts(ft):
        context = node.get("post_context")
        if isinstance(context, dict) and isinstance(context.get("publish_time"), (int, float)):
            return iso_utc(context["publish_time"])
    return None


def _store_time(raw: str | None) -> str | None:
    try:
        value = json.loads(raw or "").get("time")
    except (ValueError, AttributeError):
        return None
    return iso_utc(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
