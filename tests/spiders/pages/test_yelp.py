"""Yelp: 2022 markup with its Apollo cache, the 2020 embedded feed, legacy pages; every field."""

from __future__ import annotations

import re

import pytest

from repscan.spiders.pages import LayoutError, yelp

HOST = "http://127.0.0.1:8765"
ALIAS = "copperleaf-plumbing-portland"
BIZ = f"{HOST}/biz/{ALIAS}"
PAGE = {1: f"{BIZ}?sort_by=date_desc", 2: f"{BIZ}?sort_by=date_desc&start=10", 3: f"{BIZ}?sort_by=date_desc&start=20"}


def review(source_id, business_url=BIZ, hrid=None, **fields):
    item = {
        "kind": "review", "source": "yelp", "source_id": source_id,
        "url": f"{business_url}?hrid={hrid}" if hrid else business_url,
        "business_url": business_url, "author": None, "rating": None, "rating_max": 5, "title": None,
        "text": None, "language": None, "published_at": None, "published_approx": False, "updated_at": None,
        "reply_text": None, "reply_at": None,
    }
    assert set(fields) <= set(item), set(fields) - set(item)
    item.update(fields)
    return item


BUSINESS = {"kind": "business", "source": "yelp", "url": BIZ, "name": "Copperleaf Plumbing & Heating",
            "rating": 3.8, "review_count": 25}

PAGE_1 = [
    review(hrid="hR1aQ2wS3eD4rF5tG6yH7u", source_id=f"{ALIAS}:Xq9fTr2LmN8pQw3Zk1aB0c", author="Marcy T.", rating=1,
           text=("Called for a burst pipe on a Saturday. They quoted one price on the phone and charged almost double.\n"
                 "The tech was polite but the bill was not."),
           language="en", published_at="2024-03-15T02:00:00Z",
           reply_text="Marcy, the weekend rate was not explained well on the phone. We have refunded the difference.",
           reply_at="2024-03-16T00:00:00Z"),
    review(hrid="hR2bW3eR4tY5uI6oP7aS8d", source_id=f"{ALIAS}:Bn4kLp7QwE2rTy5Ui8oP3a", author="Luis G.", rating=5,
           text="Excelente servicio. Llegaron en una hora y arreglaron el calentador de agua.", language="es",
           published_at="2024-03-02T23:00:00Z"),
    # Not in the Apollo cache: the day the feed gives.
    review(hrid="hR3cE4rT5yU6iO7pA8sD9f", source_id=f"{ALIAS}:Zx1cVb2nM3aS4dF5gH6jK7", author="Priya S.", rating=4,
           text="Fair price for a new shower valve. Booking online was easy.", language="en",
           published_at="2024-02-20T00:00:00Z"),
    review(hrid="hR4dR5tY6uI7oP8aS9dF0g", source_id=f"{ALIAS}:Qw8eRt7yU6iO5pA4sD3fG2", author="Ben K.", rating=2,
           text="Fixed the leak but left the crawlspace a mess.", language="en", published_at="2024-02-09T23:00:00Z"),
    review(hrid="hR5eT6yU7iO8pA9sD0fG1h", source_id=f"{ALIAS}:Lk9jHg8fDs7aPo6iUy5tRe", author="Olu A.", rating=5,
           text="Third time using them. Always on time.", language="en", published_at="2024-01-31T16:00:00Z"),
    BUSINESS,
]
PAGE_2 = [
    review(hrid="hR6fY7uI8oP9aS0dF1gH2j", source_id=f"{ALIAS}:Mn2bVc3xZl4kJh5gFd6sAq", author="Jürgen H.", rating=3,
           text="Solide Arbeit, aber zwei Termine wurden kurzfristig verschoben.", language="de",
           published_at="2024-01-12T16:00:00Z",
           reply_text="Danke, Jürgen. We have added a second dispatcher since then.", reply_at="2024-01-13T00:00:00Z"),
    review(hrid="hR7gU8iO9pA0sD1fG2hJ3k", source_id=f"{ALIAS}:Po0iUy9tRe8wQa7sDf6gHj", author="Kim N.", rating=5, text="Saved our holiday dinner. Thank you!",
           language="en", published_at="2023-12-28T18:00:00Z"),
    review(hrid="hR8hI9oP0aS1dF2gH3jK4l", source_id=f"{ALIAS}:As1dFg2hJk3lZx4cVb5nMq", author="Terrence M.", rating=1,
           text="No-show twice. Had to call another company.", language="en", published_at="2023-12-03T19:00:00Z"),
    review(hrid="hR9iO0pA1sD2fG3hJ4kL5z", source_id=f"{ALIAS}:Ty6uIo7pAs8dFg9hJk0lZx", author="Aiko Y.", rating=4, text="丁寧な作業でした。少し高いですが満足です。",
           language="ja", published_at="2023-11-19T18:00:00Z"),
    BUSINESS,
]
PAGE_3 = [
    review(hrid="hS0jP1aS2dF3gH4jK5lZ6x", source_id=f"{ALIAS}:Gh5jKl6zXc7vBn8mQw9eRt", author="Sam P.", rating=5, text="Quick water heater swap.",
           language="en", published_at="2023-10-30T18:00:00Z"),
    review(hrid="hS1kA2sD3fG4hJ5kL6zX7c", source_id=f"{ALIAS}:Er4tYu5iOp6aSd7fGh8jKl", author="Nadia R.", rating=3, text="OK work, slow to send the invoice.",
           language="en", published_at="2023-10-02T16:00:00Z"),
    BUSINESS,
]


@pytest.mark.parametrize("number, expected, following", [
    (1, PAGE_1, PAGE[2]), (2, PAGE_2, PAGE[3]), (3, PAGE_3, None),
])
def test_2022_markup_pages_every_field_and_pagination(load, number, expected, following):
    response = load(f"yelp/biz-page-{number}-of-3.html", PAGE[number])
    assert yelp.extract(response) == expected
    assert yelp.next_page(response) == following


def without(body: str, marker: str) -> str:
    cut = re.sub(rf"<script[^>]*{marker}.*?</script>", "", body, flags=re.S)
    assert cut != body
    return cut


DAYS_1 = ["2024-03-14T00:00:00Z", "2024-03-02T00:00:00Z", "2024-02-20T00:00:00Z", "2024-02-09T00:00:00Z",
          "2024-01-31T00:00:00Z"]


def test_without_the_apollo_cache_dates_are_the_days_the_feed_gives(load, respond):
    body = without(load("yelp/biz-page-1-of-3.html", PAGE[1]).text, "data-apollo-state")
    expected = [dict(item, published_at=day) for item, day in zip(PAGE_1, DAYS_1)] + [BUSINESS]
    assert yelp.extract(respond(body, PAGE[1])) == expected


@pytest.mark.parametrize("number, expected", [(1, PAGE_1), (2, PAGE_2), (3, PAGE_3)])
def test_without_the_feed_the_markup_gives_the_same_reviews_without_review_links(load, respond, number, expected):
    body = without(load(f"yelp/biz-page-{number}-of-3.html", PAGE[number]).text, "data-hypernova-key")
    response = respond(body, PAGE[number])
    assert yelp.extract(response) == [dict(item, url=BIZ) for item in expected]
    assert yelp.next_page(response) == (PAGE[number + 1] if number < 3 else None)


def test_without_feed_and_cache_the_markup_dates_are_the_printed_days(load, respond):
    body = load("yelp/biz-page-1-of-3.html", PAGE[1]).text
    body = without(without(body, "data-hypernova-key"), "data-apollo-state")
    expected = [dict(item, url=BIZ, published_at=day) for item, day in zip(PAGE_1, DAYS_1)] + [BUSINESS]
    assert yelp.extract(respond(body, PAGE[1])) == expected


EMB = "https://www.yelp.com/biz/tidewater-bike-repair-seattle"


def test_embedded_feed_every_field_and_its_pagination(load):
    response = load("yelp/biz-embedded-feed-2020.html", f"{EMB}?sort_by=date_desc")
    alias = "tidewater-bike-repair-seattle"
    assert yelp.extract(response) == [
        review(f"{alias}:uS1aB2cD3eF4gH5iJ6kL7m", EMB, url=f"{EMB}?hrid=rV1aB2cD3eF4gH5iJ6kL7m", author="Greta L.",
               rating=5, text="Trued my wheel while I waited.\n\nFair price & friendly.", language="en",
               published_at="2020-05-06T00:00:00Z"),
        review(f"{alias}:uT2bC3dE4fG5hI6jK7lM8n", EMB, url=f"{EMB}?hrid=rW2bC3dE4fG5hI6jK7lM8n", author="Henri D.",
               rating=2, text="Vélo rendu avec un frein qui frotte. Décevant.", language="fr",
               published_at="2020-04-18T00:00:00Z",
               reply_text="Henri, bring it back and we'll adjust the brake for free.\nWalt",
               reply_at="2020-04-20T00:00:00Z"),
        review(f"{alias}:uU3cD4eF5gH6iJ7kL8mN9o", EMB, url=f"{EMB}?hrid=rX3cD4eF5gH6iJ7kL8mN9o", author="Tom R.",
               rating=4, text="Good tune-up, took a week.", language="en", published_at="2020-03-29T00:00:00Z"),
        {"kind": "business", "source": "yelp", "url": EMB, "name": "Tidewater Bike Repair", "rating": 4,
         "review_count": 43},
    ]
    assert yelp.next_page(response) == f"{EMB}?sort_by=date_desc&start=20"
    last = load("yelp/biz-embedded-feed-2020.html", f"{EMB}?sort_by=date_desc&start=40")
    assert yelp.next_page(last) is None


USER = "uP9oI8uY7tR6eW5qA4sD3f"


def test_legacy_user_page_every_field(load):
    response = load("yelp/user-reviews-legacy-2019.html", f"https://www.yelp.com/user_details_reviews_self?userid={USER}")

    def biz(alias):
        return f"https://www.yelp.com/biz/{alias}"

    assert yelp.extract(response) == [
        review(f"marrow-and-rye-sacramento:{USER}", biz("marrow-and-rye-sacramento"),
               url=f"{biz('marrow-and-rye-sacramento')}?hrid=lA1sD2fG3hJ4kL5zX6cV7b", author="Wren K.", rating=2,
               text="Cold fries and a 40 minute wait for two burgers.", language="en",
               published_at="2019-07-09T00:00:00Z",
               reply_text="Sorry about the wait. Our fryer was down that night; the next meal is on us.",
               reply_at="2019-07-10T00:00:00Z"),
        review(f"casa-azul-taqueria-davis:{USER}", biz("casa-azul-taqueria-davis"),
               url=f"{biz('casa-azul-taqueria-davis')}?hrid=lB2dF3gH4jK5lZ6xC7vB8n", author="Wren K.", rating=5,
               text="Los mejores tacos al pastor de la zona.", language="es", published_at="2019-06-01T00:00:00Z"),
        review(f"hollow-oak-cellars-lodi:{USER}", biz("hollow-oak-cellars-lodi"),
               url=f"{biz('hollow-oak-cellars-lodi')}?hrid=lC3fG4hJ5kL6zX7cV8bN9m", author="Wren K.", rating=4,
               text="Lovely tasting room.\nThe reserve zinfandel is worth it.", language="en",
               published_at="2019-05-18T00:00:00Z"),
    ]
    assert yelp.next_page(response) is None


def test_legacy_business_page_every_field_and_its_next_link_on_our_host(load):
    url = f"{HOST}/biz/sundial-bakery-fresno?sort_by=date_desc"
    response = load("yelp/biz-legacy-2018.html", url)
    biz = f"{HOST}/biz/sundial-bakery-fresno"
    assert yelp.extract(response) == [
        review("sundial-bakery-fresno:vQ1wE2rT3yU4iO5pA6sD7f", biz, url=f"{biz}?hrid=bA1qW2eR3tY4uI5oP6aS7d",
               author="Leah M.", rating=1, text="Stale croissants two weeks in a row.", language="en",
               published_at="2018-09-03T00:00:00Z",
               reply_text="Leah, we changed our flour supplier. Please give us another try.",
               reply_at="2018-09-04T00:00:00Z"),
        review("sundial-bakery-fresno:vW2eR3tY4uI5oP6aS7dF8g", biz, url=f"{biz}?hrid=bB2wE3rT4yU5iO6pA7sD8f",
               author="Ahmed F.", rating=5, text="Best sourdough in Fresno.", language="en",
               published_at="2018-08-14T00:00:00Z"),
        {"kind": "business", "source": "yelp", "url": biz, "name": "Sundial Bakery", "rating": 3.5, "review_count": 31},
    ]
    assert yelp.next_page(response) == f"{HOST}/biz/sundial-bakery-fresno?start=20&sort_by=date_desc"


def test_day_first_dates_on_a_european_yelp(load, respond):
    body = load("yelp/biz-page-3-of-3.html", PAGE[3]).text.replace('lang="en-US"', 'lang="en-GB"')
    body = without(body, "data-apollo-state").replace("10/2/2023", "2/10/2023")
    items = yelp.extract(respond(body, PAGE[3]))
    assert items[1]["published_at"] == "2023-10-02T00:00:00Z"


@pytest.mark.parametrize("url, expected", [
    ("https://www.yelp.com/biz/copperleaf-plumbing-portland", "https://www.yelp.com/biz/copperleaf-plumbing-portland?sort_by=date_desc"),
    ("https://www.yelp.com/biz/x?start=40&sort_by=rating_desc&hrid=abc", "https://www.yelp.com/biz/x?hrid=abc&sort_by=date_desc"),
    ("https://www.yelp.com/user_details?userid=abc", "https://www.yelp.com/user_details?userid=abc"),
])
def test_start_url_newest_first_from_page_one(url, expected):
    assert yelp.start_url(url) == expected


@pytest.mark.parametrize("name", ["jsonld/no-markup.html", "blocked/cloudflare-just-a-moment.html"])
def test_foreign_pages_are_layout_errors(load, name):
    with pytest.raises(LayoutError):
        yelp.extract(load(name, PAGE[1]))


def test_business_without_reviews_gives_the_summary_only(load, respond):
    body = without(load("yelp/biz-page-3-of-3.html", PAGE[3]).text, "data-hypernova-key")
    body = re.sub(r"<li .*?</li>", "", body, flags=re.S)
    assert yelp.extract(respond(body, PAGE[3])) == [BUSINESS]


# The real saved pages: a 2022 business page, a 2019 user page.

REAL_BIZ = "yelp/biz-aaron-gordon-construction-sf-2022.html"
REAL_BIZ_URL = "https://www.yelp.com/biz/aaron-gordon-construction-san-francisco-4"
REAL_USER = "yelp/user-oriole-m-reviews-2019.html"


def test_real_2022_business_page(real, respond):
    response = respond(real(REAL_BIZ), REAL_BIZ_URL)
    items = yelp.extract(response)
    reviews = [item for item in items if item["kind"] == "review"]
    assert items[-1] == {"kind": "business", "source": "yelp", "url": REAL_BIZ_URL,
                         "name": "Aaron Gordon Construction", "rating": 4.5, "review_count": 82}
    assert len(reviews) == 10 and len({r["source_id"] for r in reviews}) == 10
    assert [r["rating"] for r in reviews] == [5, 5, 5, 4, 5, 5, 1, 5, 1, 5]
    assert all(r["language"] == "en" and r["text"] and not r["published_approx"] for r in reviews)
    first = reviews[0]
    assert first["source_id"] == "aaron-gordon-construction-san-francisco-4:dbicB78bvNqUY1iy6hIEZg"
    assert first["author"] == "Michael C." and first["published_at"] == "2018-03-02T01:28:44Z"
    assert first["text"].startswith("I have had the immense pleasure of working with Aaron Gordon Construction")
    assert "my co-owner's time frame" in first["text"]  # the feed escapes apostrophes twice
    assert first["url"] == f"{REAL_BIZ_URL}?hrid=aQBdX4HnwjDh-uRSMOf2TQ"
    replied = {r["author"]: (r["reply_text"], r["reply_at"]) for r in reviews if r["reply_text"]}
    assert set(replied) == {"Gno W.", "Sue B."}
    assert replied["Gno W."][0].startswith("Gno W.\n\nThis is Aaron Gordon and we take on small projects")
    assert replied["Gno W."][1] == "2018-11-29T00:00:00Z"
    assert yelp.next_page(response) == f"{REAL_BIZ_URL}?start=10"


def test_real_2019_user_page(real, respond):
    response = respond(real(REAL_USER), "https://www.yelp.com/user_details?userid=bMpE9cdUirpSBPzDJubIrg")
    items = yelp.extract(response)
    assert len(items) == 9 and {item["kind"] for item in items} == {"review"}
    assert {item["author"] for item in items} == {"Oriole M."}
    assert [item["rating"] for item in items] == [1, 3, 3, 5, 1, 5, 1, 2, 1]
    umai = items[1]
    assert umai["source_id"] == "umai-bar-and-grill-elk-grove:bMpE9cdUirpSBPzDJubIrg"
    assert umai["url"] == "https://www.yelp.com/biz/umai-bar-and-grill-elk-grove?hrid=6zcGJd2YhWHkPJdbl_R37g"
    assert umai["published_at"] == "2018-08-06T00:00:00Z" and umai["language"] == "en"
    assert umai["reply_text"].startswith("Hi Oriole,\nWe use bar jiggers") and umai["reply_text"].endswith("through training.")
    replied = [item["business_url"].rsplit("/", 1)[-1] for item in items if item["reply_text"]]
    assert replied == ["umai-bar-and-grill-elk-grove", "logans-roadhouse-elk-grove"]


def test_real_2022_business_page_markup_fallback_gives_the_same_reviews(real, respond):
    body = real(REAL_BIZ).decode("utf-8")
    full = yelp.extract(respond(body, REAL_BIZ_URL))
    response = respond(without(body, "data-hypernova-key"), REAL_BIZ_URL)
    fallback = yelp.extract(response)
    assert len(fallback) == len(full) == 11
    for ours, theirs in zip(fallback, full):
        if ours["kind"] == "review":
            # The markup has no review ids (so no ?hrid= links) and collapses blank lines.
            assert ours["url"] == REAL_BIZ_URL and theirs["url"].startswith(f"{REAL_BIZ_URL}?hrid=")
            for key in ("text", "reply_text"):
                assert re.sub(r"\s", "", ours[key] or "") == re.sub(r"\s", "", theirs[key] or "")
            ours = dict(ours, url=None, text=None, reply_text=None)
            theirs = dict(theirs, url=None, text=None, reply_text=None)
        assert ours == theirs
    assert yelp.next_page(response) == f"{REAL_BIZ_URL}?start=10"
