"""Foursquare beyond its cases (tests/cases/foursquare): v2 offsets, start URLs, the key; the real 2012 v2 answer."""

from __future__ import annotations

import pytest
from scrapy.http import TextResponse

from helpers import case, real_page
from repscan.spiders.pages import LayoutError, MissingCredentials, foursquare, get

VENUE = "5a1b2c3d4e5f60718293a4b5"
V3 = f"https://api.foursquare.com/v3/places/{VENUE}/tips?sort=newest&limit=50"
V2 = f"https://api.foursquare.com/v2/venues/{VENUE}/tips?sort=recent&limit=2&v=20231010"
PLACES = (f"https://places-api.foursquare.com/places/{VENUE}/tips"
          "?sort=NEWEST&limit=50&fields=fsq_tip_id%2Ccreated_at%2Ctext%2Clang")
USER_TIPS = "https://api.foursquare.com/v2/users/77001234/tips?sort=recent&limit=3&v=20231010"


def test_v2_offset_paging_ends_when_every_tip_is_read():
    v2 = case("foursquare/v2-venue-tips")
    assert v2.meta["next_page"] == f"{V2}&offset=2"
    assert foursquare.next_page(v2.response(f"{V2}&offset=2")) is None


@pytest.mark.parametrize("url, expected", [
    (f"https://foursquare.com/v/harbour-lane-bakery/{VENUE}", PLACES),  # the Places API of 2025
    (f"https://places-api.foursquare.com/places/{VENUE}/tips", PLACES),
    ("https://api.foursquare.com/v2/users/77001234/tips?v=20231010",
     "https://api.foursquare.com/v2/users/77001234/tips?v=20231010&sort=recent&limit=500"),
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


BOTH = {"REPSCAN_FOURSQUARE_API_KEY": "fsq3abc", "REPSCAN_FOURSQUARE_SERVICE_KEY": "svc-key-1"}


@pytest.mark.parametrize("url", [V3, V2, USER_TIPS, None])
def test_v2_and_v3_send_the_api_key_as_it_is(url):
    assert foursquare.request_headers(BOTH, url=url) == {"Authorization": "fsq3abc", "Accept": "application/json"}
    assert foursquare.credentials_needed(url or V3) == ("REPSCAN_FOURSQUARE_API_KEY",)
    with pytest.raises(MissingCredentials, match="REPSCAN_FOURSQUARE_API_KEY"):
        foursquare.request_headers({"REPSCAN_FOURSQUARE_SERVICE_KEY": "svc-key-1"}, url=url)


@pytest.mark.parametrize("url", [PLACES, f"https://foursquare.com/v/harbour-lane-bakery/{VENUE}",
                                 f"http://127.0.0.1:8765/places/{VENUE}/tips"])
def test_the_2025_places_api_sends_its_service_key_and_version(url):
    assert foursquare.request_headers(BOTH, url=url) == {
        "Authorization": "Bearer svc-key-1", "X-Places-Api-Version": "2025-06-17", "Accept": "application/json"}
    assert foursquare.credentials_needed(url) == ("REPSCAN_FOURSQUARE_SERVICE_KEY",)
    with pytest.raises(MissingCredentials, match="REPSCAN_FOURSQUARE_SERVICE_KEY"):
        foursquare.request_headers({"REPSCAN_FOURSQUARE_API_KEY": "fsq3abc"}, url=url)


def test_the_contract_hands_the_source_url_only_to_a_module_that_asks_for_it():
    assert get("foursquare").request_headers(BOTH, url=PLACES)["Authorization"] == "Bearer svc-key-1"
    assert get("yelp-api").request_headers({"REPSCAN_YELP_API_KEY": "k"}, url="https://api.yelp.com/v3/x") == \
        {"Authorization": "Bearer k", "Accept": "application/json"}
    assert get("trustpilot").request_headers({}, url="https://www.trustpilot.com/review/x") == {}


def test_a_users_tips_keep_each_tips_venue_and_page_on_while_full():
    user = case("foursquare/v2-user-tips-list")
    items = user.extract(user.response())
    assert len({i["business_url"] for i in items}) == len(items) == 3
    assert all(i["business_url"].startswith("https://foursquare.com/v/") for i in items)
    assert foursquare.next_page(user.response(f"{USER_TIPS}&offset=3")) == f"{USER_TIPS}&offset=6"
    short = TextResponse(USER_TIPS, body=b'{"meta": {"code": 200}, "response": {"tips": [{"id": "a1"}]}}',
                         encoding="utf-8")
    assert [i["business_url"] for i in foursquare.extract(short)] == [None]  # no venue anywhere: none invented
    assert foursquare.next_page(short) is None


def test_an_empty_tips_list_is_an_answer_and_no_tips_at_all_is_not():
    empty = TextResponse(USER_TIPS, body=b'{"meta": {"code": 200}, "response": {"tips": []}}', encoding="utf-8")
    assert foursquare.extract(empty) == [] and foursquare.next_page(empty) is None
    other = TextResponse(USER_TIPS, body=b'{"meta": {"code": 200}, "response": {"venues": []}}', encoding="utf-8")
    with pytest.raises(LayoutError, match="holds no tips"):
        foursquare.extract(other)


def test_real_v2_tips():
    url = "https://api.foursquare.com/v2/venues/4bb6157870c603bb6f8396b4/tips"
    response = TextResponse(url, body=real_page("foursquare", "v2-venue-tips-brazil-2012.json"), encoding="utf-8")
    items = foursquare.extract(response)
    assert len(items) == 4
    assert items[0] == {
        "kind": "review", "source": "foursquare", "source_id": "4c94a45c82b56dcb47cad0aa",
        "url": "https://foursquare.com/item/4c94a45c82b56dcb47cad0aa",
        "business_url": "https://foursquare.com/v/4bb6157870c603bb6f8396b4", "author": "Felipe A.", "author_review_count": None, "rating": None,
        "rating_max": 5, "title": None, "text": "A arena é muito legal, mas os equipamentos são péssimos.",
        "language": None, "published_at": "2010-09-18T11:37:00Z", "published_precision": "exact",
        "published_approx": False, "updated_at": None, "updated_precision": None, "reply_text": None, "reply_at": None,
        "reply_precision": None,
    }
    assert [i["author"] for i in items] == ["Felipe A.", "Sandro E.", "Sandro E.", "Sandro E."]
    assert items[-1]["text"] == "Paintball"
    assert foursquare.next_page(response) is None  # all 4 of 4 read
