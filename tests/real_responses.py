"""The real saved pages (../shared/fixtures/real) as responses, cassettes unpacked: for tests that sweep them all."""

from __future__ import annotations

import gzip
import json

import pytest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from helpers import real_path

# (site key, file, the page's URL; None: each recorded request's own)
PAGES = (
    ("google-maps", "place-kipriakon-limassol-2023.json",
     "https://www.google.com/maps/place/Kipriakon/data=!4m2!3m1!1s0x14e732fd76f0d90d:0xe5415928d6702b47"),
    ("google-maps", "legacy-place-details-docs-example-google-sydney-2022.json",
     "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJN1t_tDeuEmsRUsoyG83frY4"),
    ("facebook", "nintendo-page-posts-vcr-2021.yaml", None),
    ("duckduckgo", "html-serp-fake-cache-bypass-vcr-2020.yaml", None),
    ("bing", "serp-fake-cache-bypass-vcr-2020.yaml", None),
    ("google", "serp-fake-cache-bypass-vcr-2020.yaml", None),
    ("jsonld", "chefjeanpierre-beef-bourguignon-2024.html", "https://chefjeanpierre.com/recipes/beef-bourguignon-recipe/"),
    ("appstore", "apple-store-app-jp-customerreviews-2015.json",
     "https://itunes.apple.com/jp/rss/customerreviews/id=375380948/sortby=mostrecent/json"),
    ("reddit", "search-praw-oauth-search-cassette-2020.json", None),
    ("reddit", "reddit-r-neovim-top-atom-2025.xml", "https://www.reddit.com/r/neovim/top/.rss"),
    ("feed", "hacker-news-rss-2022.xml", "https://news.ycombinator.com/rss"),
    ("tripadvisor", "kranj-house-attraction-reviews-2019.html",
     "https://www.tripadvisor.com/Attraction_Review-g644300-d7289577-Reviews-Kranj_House-Kranj_Upper_Carniola_Region.html"),
    ("tripadvisor", "hotel-review-lords-plaza-surat-owner-responses-2023.html",
     "https://www.tripadvisor.com/Hotel_Review-g297612-d1490155-Reviews-Lords_Plaza_Surat-Surat_Surat_District_Gujarat.html"),
    ("googleplay", "igtv-app-details-page-2019.html", "https://play.google.com/store/apps/details?id=com.instagram.igtv&hl=en"),
    ("googleplay", "minecraft-app-details-page-2026.html",
     "https://play.google.com/store/apps/details?id=com.mojang.minecraftpe&hl=en"),
    ("yelp", "user-oriole-m-reviews-2019.html", "https://www.yelp.com/user_details?userid=bMpE9cdUirpSBPzDJubIrg"),
    ("yelp", "biz-aaron-gordon-construction-sf-2022.html", "https://www.yelp.com/biz/aaron-gordon-construction-san-francisco-4"),
    ("trustpilot", "eventnet-de-review-page-prettified-2024.html", "https://www.trustpilot.com/review/eventnet.de"),
    ("foursquare", "v2-venue-tips-brazil-2012.json", "https://api.foursquare.com/v2/venues/4c4a2f1a3b5f2d7f3b4d0a1e/tips"),
    ("twitter", "v2-search-recent-tweepy-vcr-2022.yaml", None),
    ("brave", "web-search-empty-bad-results-2025.json.gz", "https://api.search.brave.com/res/v1/web/search?q=%5C"),
)


def responses(site: str, name: str, url: str | None) -> list:
    """The page's responses: one for a saved page, each 200 response with a body for a recorded cassette."""
    path = real_path(site, name)
    if name.endswith(".yaml"):
        yaml = pytest.importorskip("yaml")
        recorded = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["interactions"]
    elif name.endswith(".json") and url is None:
        recorded = json.loads(path.read_bytes())["interactions"]
    else:
        body = path.read_bytes()
        return [_response(gzip.decompress(body) if name.endswith(".gz") else body, url)]
    out = []
    for interaction in recorded:
        body = (interaction["response"].get("body") or {}).get("string")
        if interaction["response"]["status"]["code"] != 200 or not body:
            continue
        body = body.encode() if isinstance(body, str) else body
        out.append(_response(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body, interaction["request"]["uri"]))
    return out


def _response(body: bytes, url: str):
    head = body.lstrip()[:5]
    if head[:1] in (b"{", b"[") or head[:4] == b")]}'":
        return TextResponse(url, body=body, encoding="utf-8")
    if head.startswith(b"<?xml") and b"<html" not in body[:2000].lower():
        return XmlResponse(url, body=body, encoding="utf-8")
    return HtmlResponse(url, body=body, encoding="utf-8")
