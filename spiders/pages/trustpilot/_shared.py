"""What Trustpilot's layouts share: the page's __NEXT_DATA__ props, a review item's frame, text cleanup."""

from __future__ import annotations

from repscan.core.items import make

from ..common import jsondata

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
