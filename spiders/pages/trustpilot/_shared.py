"""What Trustpilot's layouts share: the page's __NEXT_DATA__ props, and its text cleanup."""

from __future__ import annotations

from ..common import jsondata


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
