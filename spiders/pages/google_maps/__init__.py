"""Google Maps place reviews: which of Google's formats a response is, each read by its own module.

listugcposts         the reviews data endpoint (current review records, also in the place page)
listentitiesreviews  the older reviews endpoint (legacy review records, also in older place pages)
place_page           the place page's APP_INITIALIZATION_STATE and the place in it
places_api           Places API (legacy) place details
places_api_new       Places API (New)
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from repscan.core.items import make

from .. import LayoutError
from ..common import evidence, jsondata, urls
from . import listentitiesreviews, listugcposts, place_page, places_api, places_api_new
from ._shared import NEWEST, PREFIX, SITE, lists
from .listentitiesreviews import LEGACY_ENDPOINT
from .listugcposts import ENDPOINT, PAGE_SIZE, endpoint_url

__all__ = ["ENDPOINT", "LEGACY_ENDPOINT", "NEWEST", "PAGE_SIZE", "SITE", "endpoint_url", "extract", "next_page",
           "start_url"]

# Google's own data is nested arrays without keys, and its indexes move between releases, so
# reviews and the place are found by their shape, whichever format the response is: the review
# records of both endpoints can sit anywhere in a place page's payloads.
_REVIEW_FORMATS = (listugcposts, listentitiesreviews)


def extract(response, *, now: datetime | None = None) -> list[dict]:
    """Reviews in the order served, then (from a place page or the Places API) one business item.

    Relative dates resolve against `now`; Google's data mostly carries exact times, which win.
    Raises LayoutError when the response holds neither a place nor reviews in a known shape.
    """
    kind, data = _decode(response)
    if kind == "places":
        return _from_places(response, data, now)
    place = place_page.place(data)
    data_id = (place or {}).get("data_id") or place_page.data_id_from_url(response.url)
    business_url = place_page.business_url(response.url, data_id)
    reviews = _reviews(data, now)
    if not reviews and place is None and not (kind == "endpoint" and _is_list_response(data)):
        raise LayoutError(f"google-maps: {response.url} has no place data and no reviews in a known shape")
    items = [make("review", source=SITE, business_url=business_url,
                  **{**review, "url": review["url"] or business_url}) for review in reviews]
    if place is not None:
        items.append(make("business", source=SITE, url=business_url, name=place["name"],
                          rating=place["rating"], review_count=place["count"]))
    return items


def expected(response) -> str | None:
    """An endpoint answer's review list ([2]), the Places API's reviews, else a page's distinct review links."""
    kind, data = _decode(response)
    if kind == "places":
        return evidence.counted(jsondata.dig(data, "result", "reviews") or data.get("reviews") or [], "Places API review")
    if kind == "endpoint":
        listed = jsondata.dig(data, 0, 2)
        return evidence.counted(listed if isinstance(listed, list) else 0, "endpoint review entry",
                                "endpoint review entries")
    links = {value for value in jsondata.walk(data) if isinstance(value, str) and "/maps/reviews/data=" in value}
    return evidence.counted(links, "review link")


def wrong_kind(response) -> str | None:
    """A search (on the map or through the Places API) lists places, not one place's reviews."""
    if "/maps/search/" in urlsplit(response.url).path:
        return "a Google Maps search list, not a place"
    data = jsondata.json_or_none(response) if jsondata.looks_like_json(response) else None
    listed = next((data[key] for key in ("results", "places") if isinstance(data, dict)
                   and isinstance(data.get(key), list) and "result" not in data), None)
    if listed is not None:
        return f"a Places API search listing {evidence.counted(listed, 'place') or 'no places'}, not a place's details"
    return None


def next_page(response) -> str | None:
    """The endpoint's next page (page token or offset); after a place page, the endpoint's first.

    None for the Places API and on the last page.
    """
    try:
        kind, data = _decode(response)
    except LayoutError:
        return None
    url = response.url
    if kind == "places":
        return None
    if kind == "endpoint" and LEGACY_ENDPOINT in url:
        return listentitiesreviews.next_page(url, data)
    if kind == "endpoint":
        token = listugcposts.page_token(data)
        if token is None or not _reviews(data, None):
            return None
        return listugcposts.with_token(url, token)
    place = place_page.place(data)
    data_id = (place or {}).get("data_id") or place_page.data_id_from_url(url)
    return endpoint_url(url, data_id) if data_id else None


def start_url(url: str) -> str:
    """Newest first: a place URL becomes the reviews endpoint (sorted newest) on the same host.

    Endpoint URLs get the newest-first sort; Places API details URLs get reviews_sort=newest and
    untranslated texts; a URL without a place's data id (0x…:0x…) is fetched as it is.
    """
    parts = urlsplit(url)
    if ENDPOINT in parts.path:
        return listugcposts.newest_first(url)
    if LEGACY_ENDPOINT in parts.path:
        return listentitiesreviews.newest_first(url)
    if parts.path.endswith("/place/details/json"):
        return urls.with_params_last(url, reviews_sort="newest", reviews_no_translations="true")
    data_id = place_page.data_id_from_url(url)
    return endpoint_url(url, data_id) if data_id else url


def _decode(response) -> tuple[str, list | dict]:
    """("endpoint", [data]), ("payload", [roots]) or ("places", {json}); LayoutError otherwise."""
    text = response.text.lstrip("\ufeff \t\r\n")
    if text.startswith(PREFIX):
        data = jsondata.loads(text[len(PREFIX):])
        if isinstance(data, list):
            return "endpoint", [data]
        raise LayoutError(f"google-maps: {response.url}: the endpoint response is not a JSON array")
    if text[:1] in ("{", "["):
        data = jsondata.loads(text)
        if isinstance(data, dict):
            return "places", data
        if isinstance(data, list):
            return "payload", [data, *place_page.nested_payloads(data)]
    state = place_page.initialization_state(text)
    if state is not None:
        return "payload", [state, *place_page.nested_payloads(state)]
    raise LayoutError(f"google-maps: {response.url} is neither a place page, an endpoint response nor Places JSON")


def _is_list_response(data: list) -> bool:
    """An endpoint answer that is well formed but empty (a place without reviews, or the end)."""
    top = data[0] if data else None
    return isinstance(top, list) and (len(top) < 3 or top[2] in (None, []))


def _reviews(roots: list, now: datetime | None) -> list[dict]:
    """The review records of either format in the tree, each id once (later copies fill what earlier ones lack)."""
    merged: dict[str, dict] = {}
    for node in lists(roots, skip=_is_review):
        found = next((fmt for fmt in _REVIEW_FORMATS if fmt.is_review(node)), None)
        if found is None:
            continue
        record = found.review(node, now)
        known = merged.get(record["source_id"])
        if known is None:
            merged[record["source_id"]] = record
        else:
            for key, value in record.items():
                if known.get(key) is None and value is not None:
                    known[key] = value
    return list(merged.values())


def _is_review(node: list) -> bool:
    return any(fmt.is_review(node) for fmt in _REVIEW_FORMATS)


def _from_places(response, data: dict, now) -> list[dict]:
    """Places API JSON: legacy place details ({"result", "status"}) or Places API (New); its errors as LayoutError."""
    if isinstance(data.get("error"), dict):
        error = data["error"]
        raise LayoutError(f"google-maps: Places API error {error.get('code')} {error.get('status')}: "
                          f"{error.get('message')}")
    if "result" in data or "status" in data:
        status = data.get("status")
        if status not in (None, "OK") or not isinstance(data.get("result"), dict):
            raise LayoutError(f"google-maps: Places API status {status}: {data.get('error_message') or 'no result'}")
        return places_api.extract(response, data["result"], now)
    if any(key in data for key in places_api_new.FIELDS):
        return places_api_new.extract(response, data)
    raise LayoutError(f"google-maps: {response.url}: JSON object without Places API fields")
