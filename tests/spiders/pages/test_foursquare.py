"""Foursquare tips: v3 pages (Link-header paging), v2 answers (offset paging), errors; the real 2012 v2 answer."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from repscan.spiders.pages import LayoutError, MissingCredentials, foursquare

VENUE = "5a1b2c3d4e5f60718293a4b5"
V3 = f"https://api.foursquare.com/v3/places/{VENUE}/tips?sort=newest&limit=50"
V2 = f"https://api.foursquare.com/v2/venues/{VENUE}/tips?sort=recent&limit=2&v=20231010"


def json_response(load, name, url, headers=None):
    return TextResponse(url, body=load(f"foursquare/{name}", url).body, encoding="utf-8", headers=headers)


def tip(source_id, **fields):
    item = {"kind": "review", "source": "foursquare", "source_id": source_id,
            "url": f"https://foursquare.com/item/{source_id}", "business_url": f"https://foursquare.com/v/{VENUE}",
            "author": None, "rating": None, "rating_max": 5, "title": None, "text": None, "language": None,
            "published_at": None, "published_approx": False, "updated_at": None, "reply_text": None, "reply_at": None}
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


def test_v3_page_every_field_and_the_link_header_next(load):
    next_url = f"https://api.foursquare.com/v3/places/{VENUE}/tips?sort=newest&limit=50&cursor=c3Q6Mg"
    response = json_response(load, "v3-tips-page-1.json", V3, headers={"Link": f'<{next_url}>; rel="next"'})
    assert foursquare.extract(response) == [
        tip("6543a1b2c3d4e5f600000003", text="Get the cardamom bun. Queue moves fast before 9.",
            published_at="2025-11-01T09:12:44Z"),
        tip("6543a1b2c3d4e5f600000002", text="Card machine was down, cash only that day 😬", language="en",
            published_at="2025-10-12T15:03:00Z"),
    ]
    assert foursquare.next_page(response) == next_url


def test_v3_last_page_has_no_link_header(load):
    response = json_response(load, "v3-tips-page-2.json", V3)
    assert foursquare.extract(response) == [
        tip("6543a1b2c3d4e5f600000001", text="Pain au chocolat excellent, mais le café est tiède.", language="fr",
            published_at="2024-12-24T08:00:00Z"),
    ]
    assert foursquare.next_page(response) is None


def test_v2_tips_with_tipper_names_and_offset_paging(load):
    response = json_response(load, "v2-venue-tips.json", V2)
    assert foursquare.extract(response) == [
        tip("4f1e2d3c4b5a697887766554", author="Beatriz S.", text="Ótimo pão de fermentação natural.",
            published_at="2011-11-01T12:40:00Z"),
        tip("4f1e2d3c4b5a697887766553", author="Dan", text="Closed on Mondays!", published_at="2011-10-13T10:00:00Z"),
    ]
    assert foursquare.next_page(response) == f"{V2}&offset=2"
    assert foursquare.next_page(json_response(load, "v2-venue-tips.json", f"{V2}&offset=2")) is None


def test_v2_error_is_a_layout_error_with_foursquare_s_detail(load):
    with pytest.raises(LayoutError, match="invalid for venue id"):
        foursquare.extract(json_response(load, "v2-error.json", V2))


@pytest.mark.parametrize("url, expected", [
    (f"https://foursquare.com/v/harbour-lane-bakery/{VENUE}", V3),
    (f"https://api.foursquare.com/v3/places/{VENUE}/tips", V3),
    (f"https://api.foursquare.com/v3/places/{VENUE}/tips?limit=10",
     f"https://api.foursquare.com/v3/places/{VENUE}/tips?limit=10&sort=newest"),
    (f"https://api.foursquare.com/v2/venues/{VENUE}/tips?v=20231010",
     f"https://api.foursquare.com/v2/venues/{VENUE}/tips?v=20231010&sort=recent&limit=500"),
    (f"http://127.0.0.1:8765/v3/places/{VENUE}/tips",
     f"http://127.0.0.1:8765/v3/places/{VENUE}/tips?sort=newest&limit=50"),
])
def test_start_url(url, expected):
    assert foursquare.start_url(url) == expected


def test_start_url_needs_a_venue():
    with pytest.raises(ValueError):
        foursquare.start_url("https://foursquare.com/city-guide")


def test_api_key_from_the_environment_only():
    assert foursquare.request_headers({"REPSCAN_FOURSQUARE_API_KEY": "fsq3abc"}) == \
        {"Authorization": "fsq3abc", "Accept": "application/json"}
    with pytest.raises(MissingCredentials, match="REPSCAN_FOURSQUARE_API_KEY"):
        foursquare.request_headers({})


def test_real_v2_tips(real):
    url = "https://api.foursquare.com/v2/venues/4bb6157870c603bb6f8396b4/tips"
    response = TextResponse(url, body=real("foursquare/v2-venue-tips-brazil-2012.json"), encoding="utf-8")
    items = foursquare.extract(response)
    assert len(items) == 4
    assert items[0] == {
        "kind": "review", "source": "foursquare", "source_id": "4c94a45c82b56dcb47cad0aa",
        "url": "https://foursquare.com/item/4c94a45c82b56dcb47cad0aa",
        "business_url": "https://foursquare.com/v/4bb6157870c603bb6f8396b4", "author": "Felipe A.", "rating": None,
        "rating_max": 5, "title": None, "text": "A arena é muito legal, mas os equipamentos são péssimos.",
        "language": None, "published_at": "2010-09-18T11:37:00Z", "published_approx": False, "updated_at": None,
        "reply_text": None, "reply_at": None,
    }
    assert [i["author"] for i in items] == ["Felipe A.", "Sandro E.", "Sandro E.", "Sandro E."]
    assert items[-1]["text"] == "Paintball"
    assert foursquare.next_page(response) is None  # all 4 of 4 read
