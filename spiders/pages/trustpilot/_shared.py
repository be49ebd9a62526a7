"""What Trustpilot's layouts share: the page's __NEXT_DATA__ props, what its review cards show, a review item's frame."""

from __future__ import annotations

from urllib.parse import urlsplit

from repscan.core.items import make

from ..common import dates, jsondata, values

SITE = "trustpilot"


def page_props(response) -> dict | None:
    raw = response.css("script#__NEXT_DATA__::text").get()
    if not raw:
        return None
    data = jsondata.loads(raw)
    props = (data.get("props") or {}).get("pageProps") if isinstance(data, dict) else None
    return props if isinstance(props, dict) else None


def text(value) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n")
    return text.strip() or None


def review(response, review_id: str, business_url: str, **fields) -> dict:
    """A review item at Trustpilot's own review URL (/reviews/<id>), rated out of 5."""
    return make("review", source=SITE, source_id=review_id, url=response.urljoin("/reviews/" + review_id),
                business_url=business_url, rating_max=5, **fields)


def cards_shown(response) -> dict[str, tuple[str | None, str | None, int | None]]:
    """What the review cards show, by review id: the owner's reply (text, time) and the reviewer's review count."""
    found = {}
    for card in response.css("article[data-service-review-card-paper]"):
        href = card.css('a[href*="/reviews/"]::attr(href)').get()
        if not href:
            continue
        review_id = urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]
        message = card.css("[data-service-review-business-reply-text-typography]")
        at = card.css("time[data-service-review-business-reply-date-time-ago]::attr(datetime)").get()
        found[review_id] = (values.element_text(message[0].root) or None if message else None,
                            dates.when(at) if message else None,
                            values.count(card.css("[data-consumer-reviews-count]::attr(data-consumer-reviews-count)").get()))
    return found


# A reply card's parts (its title "Reply from …", its time, its text: data-service-review-business-reply-*, or the
# replyInfo/replyCompany classes), read apart from the one attribute the reply's text is read from.
_REPLY_PART = "@*[contains(name(), 'business-reply')] or contains(@class, 'replyInfo') or contains(@class, 'replyCompany')"
_REPLY_TITLE = "@*[contains(name(), 'business-reply-title')] or contains(@class, 'replyCompany')"


def replies_shown(response) -> int:
    """How many owner replies the page shows: the review cards (<article>) holding a reply's part, and the reply
    titles outside any card."""
    carded = response.xpath(f"//article[.//*[{_REPLY_PART}]][not(ancestor::article)]")
    return len(carded) + len(response.xpath(f"//*[{_REPLY_TITLE}][not(ancestor::article)]"))
