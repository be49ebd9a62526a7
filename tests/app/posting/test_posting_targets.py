"""What each platform's API needs, found in the rows the page modules store: our cases, fallbacks, and the real pages."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qs

import pytest

from helpers import CASES
from real_responses import PAGES, responses
from repscan.app.cases import find_cases
from repscan.app.posting import POSTERS, NoApi, Target, poster_for
from repscan.core import sites
from repscan.core.config import Source
from repscan.spiders.pages import LayoutError, get

ENVIRON = {
    "REPSCAN_GOOGLE_BUSINESS_TOKEN": "t", "REPSCAN_FACEBOOK_PAGE_TOKEN": "t", "REPSCAN_X_USER_TOKEN": "t",
    "REPSCAN_TRUSTPILOT_BUSINESS_TOKEN": "t", "REPSCAN_TRUSTPILOT_BUSINESS_USER_ID": "u", "REPSCAN_REDDIT_USER_TOKEN": "t",
}


def answered(item: dict) -> str:
    """The id the reply request names (in its path or body), or NoApi's message."""
    target = Target("c", item["source"], item["source_id"], item["url"], item)
    try:
        outgoing = poster_for(target.source).request(target, "Thank you", ENVIRON)
    except NoApi as no_api:
        return f"NoApi: {no_api}"
    if target.source == "twitter":
        return json.loads(outgoing.body)["reply"]["in_reply_to_tweet_id"]
    if target.source == "reddit":
        return parse_qs(outgoing.body.decode())["thing_id"][0]
    segments = outgoing.url.split("/")
    return {"google-business": "/".join(segments[-7:-1]), "trustpilot": segments[-2]}.get(target.source, segments[-2])


def stored(site: str) -> list[dict]:
    return [item for case in find_cases(CASES) if case.site == site and case.expected
            for item in case.expected if item["kind"] in ("review", "post")]


def test_every_stored_review_and_post_of_our_cases_names_its_id():
    found = Counter()
    for site in POSTERS:
        for item in stored(site):
            name = answered(item)
            found[site, "NoApi" if name.startswith("NoApi") else "ok"] += 1
            if site == "google-business":
                assert name.endswith(f"/reviews/{item['source_id']}") and name.startswith("accounts/"), name
            elif not name.startswith("NoApi"):
                assert name == item["source_id"], name
            else:  # a recommendation without its story: its id is our own hash
                assert site == "facebook-graph" and "no Graph object id" in name and "_" not in item["source_id"]
    assert found == {("google-business", "ok"): 5, ("facebook-graph", "ok"): 9, ("facebook-graph", "NoApi"): 1,
                     ("facebook", "ok"): 18, ("twitter", "ok"): 5, ("trustpilot", "ok"): 42, ("reddit", "ok"): 16}


@pytest.mark.parametrize("source, source_id, url, business_url, expected", [
    ("reddit", "feed:9c1d", "https://www.reddit.com/r/town/comments/1q2w3e/title_words/", None, "t3_1q2w3e"),
    ("reddit", "feed:9c1e", "https://www.reddit.com/r/town/comments/1q2w3e/title_words/kx9y8z/", None, "t1_kx9y8z"),
    ("twitter", "x:unknown", "https://x.com/someone/status/1777000000000000999", None, "1777000000000000999"),
    ("trustpilot", "review-3", "https://www.trustpilot.com/reviews/65a1b2c3d4e5f60718293a4c", None,
     "65a1b2c3d4e5f60718293a4c"),
    ("google-business", "AbQ7", "https://mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews",
     "https://mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews", "accounts/1/locations/2/reviews/AbQ7"),
])
def test_an_id_the_row_lacks_is_derived_from_its_url(source, source_id, url, business_url, expected):
    assert answered({"source": source, "source_id": source_id, "url": url, "business_url": business_url}) == expected


@pytest.mark.parametrize("source, source_id, url", [
    ("reddit", "feed:9c1d", "https://www.reddit.com/r/town/"),
    ("twitter", "x:unknown", "https://x.com/someone"),
    ("trustpilot", "review-3", "https://www.trustpilot.com/review/shop.example"),
    ("google-business", "AbQ7", "https://www.google.com/maps/place/Shop"),
    ("facebook", "a1b2c3", "https://www.facebook.com/shop/posts/a1b2c3"),
])
def test_a_row_without_the_id_is_no_api_with_a_reason(source, source_id, url):
    assert answered({"source": source, "source_id": source_id, "url": url, "business_url": None}).startswith(
        f"NoApi: {source}: ")


def _items(site: str, response) -> list[dict]:
    try:
        return [item for item in get(site).extract(response) if item["kind"] in ("review", "post")]
    except LayoutError:  # a cassette's video or photo page: no posts to answer
        return []


REAL = [page for page in PAGES if page[0] in POSTERS]


@pytest.mark.parametrize("site, name, url", REAL, ids=[f"{site}/{name}" for site, name, _ in REAL])
def test_the_items_of_real_pages_name_their_ids(site, name, url):
    items = [item for response in responses(site, name, url) for item in _items(site, response)]
    assert items, f"{name}: no items"
    names = [answered(item) for item in items]
    assert not [n for n in names if n.startswith("NoApi")], names
    assert len(set(names)) == len({item["source_id"] for item in items})
    print(f"{name}: {len(items)} items, each names its id")


@pytest.mark.parametrize("source", POSTERS)
def test_the_site_table_lists_what_each_poster_reads_so_a_source_may_rename_it(source):
    site = sites.get(source)
    target = Target("c", source, *{
        "google-business": ("R1", "https://mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews/R1"),
        "facebook-graph": ("1_2", None), "facebook": ("1_2", None), "twitter": ("17", None),
        "trustpilot": ("65a1b2c3d4e5f60718293a4b", None), "reddit": ("t3_abc", None)}[source])
    everything = {name: "v" for name in site.reply_credentials}
    assert poster_for(source).request(target, "Thanks", everything)
    for name in site.reply_credentials:
        with pytest.raises(NoApi, match=name):
            poster_for(source).request(target, "Thanks", {k: v for k, v in everything.items() if k != name})
        renamed = Source(site=source, url="https://example.com/acme", credentials={name: "ACME_OWN"})
        assert renamed.credentials == {name: "ACME_OWN"}
