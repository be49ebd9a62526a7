"""Foursquare beyond its cases (tests/cases/foursquare): v2 offsets, start URLs, the key; the real 2012 v2 answer."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import case, real_page
from repscan.spiders.pages import MissingCredentials, foursquare

VENUE = "5a1b2c3d4e5f60718293a4b5"
V3 = f"https://api.foursquare.com/v3/places/{VENUE}/tips?sort=newest&limit=50"
V2 = f"https://api.foursquare.com/v2/venues/{VENUE}/tips?sort=recent&limit=2&v=20231010"


def test_v2_offset_paging_ends_when_every_tip_is_read():
    v2 = case("foursquare/v2-venue-tips")
    assert v2.meta["next_page"] == f"{V2}&offset=2"
    assert foursquare.next_page(v2.response(f"{V2}&offset=2")) is None


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


def test_real_v2_tips():
    url = "https://api.foursquare.com/v2/venues/4bb6157870c603bb6f8396b4/tips"
    response = TextResponse(url, body=real_page("foursquare", "v2-venue-tips-brazil-2012.json"), encoding="utf-8")
    items = foursquare.extract(response)
    assert len(items) == 4
    assert items[0] == {
        "kind": "review", "source": "foursquare", "source_id": "4c94a45c82b56dcb47cad0aa",
        "url": "https://foursquare.com/item/4c94a45c82b56dcb47cad0aa",
        "business_url": "https://foursquare.com/v/4bb6157870c603bb6f8396b4", "author": "Felipe A.", "rating": None,
        "rating_max": 5, "title": None, "text": "A arena é muito legal, mas os equipamentos são péssimos.",
        "language": None, "published_at": "2010-09-18T11:37:00Z", "published_precision": "exact",
        "published_approx": False, "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None,
        "reply_precision": None,
    }
    assert [i["author"] for i in items] == ["Felipe A.", "Sandro E.", "Sandro E.", "Sandro E."]
    assert items[-1]["text"] == "Paintball"
    assert foursquare.next_page(response) is None  # all 4 of 4 read
