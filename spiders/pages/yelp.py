"""Yelp business review pages: the embedded review feed first, the review markup as fallback."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from repscan.core.items import make

from . import LayoutError
from .common import dates, jsondata, schemaorg, urls, values

# Pages from 2019 on embed the review feed as JSON in a <script type="application/json"
# data-hypernova-key=…> (…reviewFeedQueryProps: reviews with id, userId, user, rating,
# comment{text, language}, localizedDate, businessOwnerReplies; and the pagination); 2022
# pages also carry an Apollo cache whose Review nodes give exact creation times. Without
# the feed, reviews are read from the markup by structure, never by the hashed class names:
# a /user_details link, an "N star rating" label, the lang attribute of the text, the
# "Business owner information" region before the reply. Legacy pages (to 2019) mark each
# review with data-review-id.
#
# A review's source_id is "<business alias>:<user id>": Yelp keeps one review per user and
# business, and it is the one key the feed, the 2022 markup (no review ids) and the legacy
# markup all show.

SITE = "yelp"
PER_PAGE = 10
NEWEST = "date_desc"

_STARS = re.compile(r"(\d(?:[.,]\d)?)\s+star rating", re.IGNORECASE)
_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$"            # 3/1/2018, 1.3.2018
                   r"|^[^\W\d]{3,10}\.? \d{1,2}, \d{4}$"          # Mar 1, 2018
                   r"|^\d{1,2}\.? [^\W\d]{3,10}\.? \d{4}$")       # 1 mars 2018
_USER = re.compile(r"[?&]userid=([^&#]+)")
_BIZ = re.compile(r"/biz/([^/?#]+)")
_MONTH_FIRST = {"", "en", "en-us", "es-us", "en-ph"}
_LITERAL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews in page order, then (on a business page) the business's name, rating and count.

    Raises LayoutError when the page has neither embedded reviews, review markup nor a rating
    summary. `now` resolves relative dates, should Yelp print any.
    """
    page_alias = _page_alias(response)
    day_first = _day_first(response)
    records = _embedded_reviews(response) or _legacy_blocks(response) or _blocks(response)
    _add_exact_times(records, _apollo_reviews(response))
    summary = _summary(response) if page_alias else None
    if not records and summary is None:
        raise LayoutError(f"yelp: {response.url} has no embedded reviews, no review markup and no rating summary")
    items = []
    seen = set()
    for record in records:
        alias = record.get("alias") or page_alias
        business_url = response.urljoin(f"/biz/{alias}") if alias else urls.page_url(response.url)
        source_id = (f"{alias}:{record['user_id']}" if alias and record.get("user_id")
                     else record.get("review_id") or values.fallback_id(business_url, record.get("author"),
                                                                    record.get("date"), record.get("text")))
        if source_id in seen:
            continue
        seen.add(source_id)
        published, approx = record.get("published") or dates.parse(record.get("date"), now=now, day_first=day_first)
        reply_at, _ = dates.parse(record.get("reply_date"), now=now, day_first=day_first)
        review_id = record.get("review_id")
        items.append(make(
            "review",
            source=SITE,
            source_id=source_id,
            url=f"{business_url}?hrid={review_id}" if review_id and alias else business_url,
            business_url=business_url,
            author=record.get("author"),
            rating=record.get("rating"),
            rating_max=5,
            text=record.get("text"),
            language=record.get("language"),
            published_at=published,
            published_approx=approx,
            reply_text=record.get("reply_text"),
            reply_at=reply_at if record.get("reply_text") else None,
        ))
    if summary is not None:
        items.append(summary)
    return items


def next_page(response) -> str | None:
    """The next page of this business's reviews (?start=N, our sort kept); None on the last page.

    The embedded feed's pagination decides first, then the page's own "next" link, then the
    page count the markup shows ("Page: 3", "2 of 9") with 10 reviews a page.
    """
    pagination = _embedded_pagination(response)
    link = response.css('link[rel="next"]::attr(href), a.next::attr(href)').get()
    if not _BIZ.search(urlsplit(response.url).path):
        return _same_host(response, link) if link else None
    query = dict(parse_qsl(urlsplit(response.url).query))
    start = int(query["start"]) if query.get("start", "").isdigit() else 0
    per_page, total_pages = PER_PAGE, None
    if pagination:
        per_page = values.count(pagination.get("resultsPerPage")) or PER_PAGE
        total = values.count(pagination.get("totalResults"))
        total_pages = -(-total // per_page) if total is not None else None
    elif link:
        target = _same_host(response, link)
        missing = {k: v for k, v in query.items() if k != "start" and k not in dict(parse_qsl(urlsplit(target).query))}
        return urls.with_params_last(target, **missing) if missing else target
    else:
        total_pages = _markup_page_count(response)
    if total_pages is None or start // per_page + 1 >= total_pages:
        return None
    return urls.with_params_last(response.url, start=str(start + per_page))


def _same_host(response, link: str) -> str:
    """A link of the site's own, on the host we are reading (absolute links name www.yelp.com)."""
    parts = urlsplit(link)
    return response.urljoin(urlunsplit(("", "", parts.path, parts.query, "")))


def start_url(url: str) -> str:
    """A business page sorted newest first (sort_by=date_desc), from its first page."""
    if not _BIZ.search(urlsplit(url).path):
        return url
    return urls.with_params_last(url, sort_by=NEWEST, start=None)


# Embedded review JSON (2019-2021 pages).

def _json_scripts(response) -> list:
    found = []
    for raw in response.xpath("//script[contains(@type, 'json') and not(@src)]/text()").getall():
        text = raw.strip()
        if text.startswith("<!--") and text.endswith("-->"):
            text = text[4:-3]
        data = _loads(text)
        if data is None and "&quot;" in text:
            data = _loads(html.unescape(text))
        if data is not None:
            found.append(data)
    return found


def _loads(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _embedded_reviews(response) -> list[dict]:
    records = []
    for data in _json_scripts(response):
        for node in jsondata.iter_dicts(data):
            comment = node.get("comment")
            if not (isinstance(comment, dict) and "rating" in node and ("localizedDate" in node or "id" in node)):
                continue
            user = node.get("user") if isinstance(node.get("user"), dict) else {}
            business = node.get("business") if isinstance(node.get("business"), dict) else {}
            link = user.get("link") or user.get("userUrl") or ""
            match = _USER.search(link)
            reply_text, reply_date = _embedded_reply(node.get("businessOwnerReplies"))
            records.append({
                "review_id": _str(node.get("id")),
                "user_id": _str(node.get("userId")) or (unquote(match.group(1)) if match else None),
                "alias": _str(business.get("alias")),
                "author": _str(user.get("markupDisplayName") or user.get("displayName") or user.get("altText")),
                "rating": values.number(node.get("rating")),
                "text": _embedded_text(comment.get("text")),
                "language": _str(comment.get("language")),
                "date": _str(node.get("localizedDate")),
                "reply_text": reply_text,
                "reply_date": reply_date,
            })
    return records


def _embedded_reply(replies) -> tuple[str | None, str | None]:
    for reply in values.as_list(replies):
        if not isinstance(reply, dict):
            continue
        comment = reply.get("comment")
        text = comment.get("text") if isinstance(comment, dict) else comment
        text = _embedded_text(_str(text) or _str(reply.get("text")))
        if text:
            return text, _str(reply.get("localizedDate") or reply.get("createdAt"))
    return None, None


def _embedded_text(value) -> str | None:
    """Yelp escapes the feed's texts once or twice ("<br&gt;", "&amp;#39;"): unescape, then drop markup."""
    text = _str(value)
    for _ in range(3):
        if text is None or "&" not in text:
            break
        text = html.unescape(text)
    return values.clean_text(text)


def _embedded_pagination(response) -> dict | None:
    for data in _json_scripts(response):
        for node in jsondata.iter_dicts(data):
            pagination = node.get("pagination")
            if isinstance(pagination, dict) and "totalResults" in pagination:
                return pagination
    return None


def _apollo_reviews(response) -> list[dict]:
    """(author, rating, exact time) of the reviews in a 2022 page's Apollo cache."""
    found = []
    for data in _json_scripts(response):
        if not isinstance(data, dict):
            continue
        for node in data.values():
            if not isinstance(node, dict) or node.get("__typename") != "Review":
                continue
            author = _resolve(data, node.get("author"))
            stamp = node.get("timeCreatedTimestamp")
            when = dates.from_epoch(stamp) if isinstance(stamp, (int, float)) else dates.when(node.get("createdAt"))
            if when:
                found.append({"author": _str(author.get("displayName")), "rating": values.number(node.get("rating")),
                              "published": when})
    return found


def _resolve(cache: dict, ref) -> dict:
    if isinstance(ref, dict) and ref.get("type") == "id" and isinstance(cache.get(ref.get("id")), dict):
        return cache[ref["id"]]
    return ref if isinstance(ref, dict) else {}


def _add_exact_times(records: list[dict], exact: list[dict]) -> None:
    """Give a review the cache's exact time when author and stars agree and the day is within one."""
    for record in records:
        day = dates.absolute(record.get("date") or "")
        if day is None or record.get("published"):
            continue
        matches = []
        for candidate in exact:
            if candidate["author"] != record.get("author") or candidate["rating"] != record.get("rating"):
                continue
            gap = abs((datetime.fromisoformat(candidate["published"].replace("Z", "+00:00")) - day).total_seconds())
            if gap <= 2 * 86400:
                matches.append((gap, candidate["published"]))
        if matches:
            record["published"] = (min(matches)[1], False)


# Review markup.

def _legacy_blocks(response) -> list[dict]:
    """Pages up to 2019: <div class="review" data-review-id=…> with i-stars titles."""
    page_user = _USER.search(response.url) or _USER.search(_canonical(response) or "")
    page_author = None
    if page_user:
        page_author = (response.xpath("normalize-space(//h1)").get() or "").strip() or None
    records = []
    for block in response.xpath(
        "//*[@data-review-id][.//*[contains(@title, 'star rating') or contains(@alt, 'star rating')]]"
    ):
        user_link = block.xpath(".//a[contains(@href, '/user_details')][normalize-space()]")
        signup = re.search(r"user_id:([\w-]+)", block.attrib.get("data-signup-object") or "")
        user_match = _USER.search(user_link.attrib.get("href", "")) if user_link else None
        user = user_match or signup or page_user
        reply = block.css(".biz-owner-reply")
        reply_text = reply_date = None
        if reply:
            bodies = [_markup_text(el) or "" for el in reply.css(".js-content-toggleable:not(div)")]
            reply_text = max(bodies, key=len) if bodies else None
            reply_date = _first_date(reply[0])
        rating_label = block.xpath(".//*[contains(@title, 'star rating')]/@title"
                                   " | .//*[contains(@alt, 'star rating')]/@alt").get()
        biz = block.xpath(".//a[starts-with(@href, '/biz/')]/@href").get()
        records.append({
            "review_id": block.attrib.get("data-review-id"),
            "user_id": unquote(user.group(1)) if user else None,
            "alias": _BIZ.search(biz).group(1) if biz else None,
            "author": (user_link.xpath("normalize-space()").get() if user_link else None) or page_author,
            "rating": _stars(rating_label),
            "text": _lang_text(block),
            "language": block.xpath(".//*[@lang]/@lang").get(),
            "date": _first_date(block, skip=reply[0] if reply else None),
            "reply_text": reply_text or None,
            "reply_date": reply_date,
        })
    return records


def _blocks(response) -> list[dict]:
    """2022 pages: the smallest element holding a /user_details link and an "N star rating" label."""
    has_both = ("(.//a[contains(@href, '/user_details')] and "
                ".//*[@aria-label[contains(., 'star rating')]])")
    records = []
    for block in response.xpath(f"//*[{has_both}][not(*[{has_both}])]"):
        user_link = block.xpath(".//a[contains(@href, '/user_details')][normalize-space()]")
        if not user_link:
            continue
        match = _USER.search(user_link.attrib.get("href", ""))
        owner = block.xpath(".//*[starts-with(@id, 'businessOwner') or starts-with(@aria-labelledby, 'businessOwner')]")
        reply_text, reply_date = _reply_after(block, owner[0]) if owner else (None, None)
        records.append({
            "user_id": unquote(match.group(1)) if match else None,
            "author": user_link.xpath("normalize-space()").get() or None,
            "rating": _stars(block.xpath(".//*[contains(@aria-label, 'star rating')]/@aria-label").get()),
            "text": _lang_text(block),
            "language": block.xpath(".//*[@lang]/@lang").get(),
            "date": _first_date(block, skip=owner[0] if owner else None),
            "reply_text": reply_text,
            "reply_date": reply_date,
        })
    return records


def _reply_after(block, marker) -> tuple[str | None, str | None]:
    """The owner's reply: the first date after the "Business owner information" region, then its text."""
    elements = [el for el in block.root.iter() if isinstance(el.tag, str)]
    start = elements.index(marker.root)
    inside = set(marker.root.iter())
    date = None
    for el in elements[start + 1:]:
        if el in inside:
            continue
        text = " ".join("".join(el.itertext()).split())
        if date is None:
            if _DATE.match(text) and not len(el):
                date = text
            continue
        if el.tag == "p" and text and el.getparent().tag != "button" and not el.xpath("ancestor::button"):
            return _markup_text(el), date
    return None, date


def _lang_text(block) -> str | None:
    node = block.xpath(".//*[@lang]")
    return _markup_text(node[0]) if node else None


def _markup_text(node) -> str | None:
    """Visible text; Yelp sometimes prints its own <br> as text, which becomes a line break too."""
    text = _LITERAL_BREAK.sub("\n", values.element_text(getattr(node, "root", node)))
    return "\n".join(line.strip() for line in text.split("\n")).strip() or None


def _first_date(block, skip=None) -> str | None:
    excluded = set(skip.root.iter()) if skip is not None else set()
    for el in block.root.iter():
        if not isinstance(el.tag, str) or el in excluded:
            continue
        text = " ".join(((el.text or "") + "".join(child.tail or "" for child in el)).split())
        if _DATE.match(text):
            return text
        found = re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text)
        if found:
            return found.group(0)
    return None


def _stars(label) -> int | float | None:
    match = _STARS.search(label or "")
    return values.number(match.group(1)) if match else None


# The page.

def _summary(response) -> dict | None:
    return schemaorg.parse(response).business(SITE, urls.page_url(response.url), parents=[])


def _markup_page_count(response) -> int | None:
    pages = [int(n) for n in re.findall(r"Page:?\s*(\d+)", " ".join(
        response.xpath("//*[starts-with(@aria-label, 'Page')]/@aria-label").getall()))]
    if pages:
        return max(pages)
    for text in response.xpath("//*[not(*)]/text()").getall():
        match = re.fullmatch(r"\s*(?:Page\s+)?\d+\s+of\s+(\d+)\s*", text)
        if match:
            return int(match.group(1))
    return None


def _page_alias(response) -> str | None:
    for url in (response.url, _canonical(response) or ""):
        match = _BIZ.search(urlsplit(url).path)
        if match:
            return unquote(match.group(1))
    return None


def _canonical(response) -> str | None:
    try:
        return (response.css('link[rel="canonical"]::attr(href)').get()
                or response.css('meta[property="og:url"]::attr(content)').get())
    except AttributeError:
        return None


def _day_first(response) -> bool:
    lang = (response.xpath("/html/@lang").get() or "").strip().lower().replace("_", "-")
    return lang not in _MONTH_FIRST


def _str(value) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None
