"""The item contract: normalise keeps every field, and a value that cannot be right is null with a note."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repscan.core.items import UnusableItem, iso_utc, make, normalise


def review(**values) -> dict:
    return make("review", source="jsonld", source_id="r1", text="Good bread", language="en", **values)


def test_normalise_keeps_good_values_and_changes_nothing_twice():
    item = review(rating="4,5", published_at="2026-11-02T10:00:00+02:00", title="  Fine \x07")
    out = normalise(item)
    assert (out["rating"], out["rating_max"], out["published_at"], out["title"]) == (4.5, 5, "2026-11-02T08:00:00Z", "Fine")
    assert normalise(out) == out


@pytest.mark.parametrize("field, value", [
    ("rating", -math.inf), ("rating", math.nan), ("rating", "Infinity"), ("rating", -1), ("rating", 6),
    ("rating_max", 0), ("rating_max", math.inf),
])
def test_impossible_ratings_are_null_with_a_note(field, value):
    notes: list[str] = []
    out = normalise(review(**({field: value, "rating": 3} if field == "rating_max" else {field: value})), notes)
    assert out["rating"] is None and out["rating_max"] == 5  # never judged against a made-up scale
    assert notes and all("stored as null" in note for note in notes)


def test_counts_are_whole_and_bounded():
    notes: list[str] = []
    out = normalise(make("business", source="jsonld", url="https://a.example/", name="A", rating=4.2,
                         review_count=10**30), notes)
    assert out["review_count"] is None and out["rating"] == 4.2
    assert notes == ["review_count '1000000000000000000000000000000' is not a whole number from 0 to 1e+09; stored as null"]
    post = normalise(make("post", source="reddit", source_id="p", text="x", score="12", comments_count="3"))
    assert (post["score"], post["comments_count"]) == (12.0, 3)
    assert normalise(review(author_review_count="14"))["author_review_count"] == 14
    notes.clear()
    assert normalise(review(author_review_count=-1), notes)["author_review_count"] is None and notes


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "not a date", 10**20])
def test_an_unusable_time_is_null_and_the_item_kept(value):
    notes: list[str] = []
    out = normalise(review(rating=2, published_at=value), notes)
    assert out["published_at"] is None and out["rating"] == 2 and out["source_id"] == "r1"
    assert notes and notes[0].startswith("published_at ")


def test_an_item_without_its_id_is_unusable():
    with pytest.raises(UnusableItem, match="review without source/source_id"):
        normalise(make("review", source="jsonld", text="x"))


@pytest.mark.parametrize("value", ["2026-11-01T10:00:00Z", "2026-11-01T10:00:00.123Z", "2026-11-01T10:00:00.123456Z",
                                   "2024-02-29T23:59:59Z", "2023-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
                                   "2026-11-01T24:00:00Z", "1989-12-31T23:59:59Z", "2100-12-31T23:59:59.000Z",
                                   "2101-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2026-11-01T10:00:00.12Z"])
def test_a_time_already_in_utc_normalises_as_the_general_path_does(value):
    from repscan.core.items import FIRST_YEAR, LAST_YEAR, iso_utc, parse_iso

    fast = normalise(review(published_at=value), notes := [])["published_at"]
    try:  # the general path: parse, convert to UTC, format, check the year
        general = iso_utc(value)
        general = general if FIRST_YEAR <= parse_iso(general).year <= LAST_YEAR else None
    except ValueError:
        general = None
    assert fast == general and bool(notes) == (general is None)


TEXTS = st.text(alphabet=st.sampled_from(list("ab Z\t\n\r\x00\x07\x1f ")), max_size=8)
TIMES = st.one_of(st.none(), TEXTS, st.sampled_from(["2026-11-01", " 2026-11-01T10:00:00Z ", "2026-11-01T10:00:00+02:00",
                                                   "0001-01-01T00:00:00Z", "yesterday"]),
                  st.integers(min_value=-10**12, max_value=10**13))
NUMBERS = st.one_of(st.none(), st.integers(min_value=-5, max_value=10**10), st.floats(allow_nan=True),
                    st.sampled_from(["4,5", " 3 ", "", "x", "1e400"]))


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, author=st.one_of(st.none(), TEXTS), rating=NUMBERS, rating_max=NUMBERS, count=NUMBERS,
       published=TIMES, reply_at=TIMES, approx=st.booleans(), precision=st.sampled_from([None, "exact", "day"]))
def test_an_item_as_make_built_it_normalises_as_a_plain_dict_of_it_does(text, author, rating, rating_max, count,
                                                                         published, reply_at, approx, precision):
    """normalise's shortcut for make()'s items (strings already clean) gives what the full path gives."""
    item = make("review", source="jsonld", source_id="r1", text=text, author=author, rating=rating,
                rating_max=rating_max, author_review_count=count, published_at=published, published_approx=approx,
                published_precision=precision, reply_text="Thanks", reply_at=reply_at, language="en")
    fast_notes, full_notes = [], []
    assert normalise(item, fast_notes) == normalise(dict(item), full_notes) and fast_notes == full_notes
    post = make("post", source="reddit", source_id="p", title=author, text=text, score=rating, comments_count=count,
                published_at=published)
    assert normalise(post) == normalise(dict(post))


def test_a_field_added_to_a_made_item_is_dropped_as_for_any_item():
    item = review(rating=4)
    item["_page"] = "not a contract field"
    assert "_page" not in normalise(item) and normalise(item) == normalise(review(rating=4))


def test_a_naive_time_is_in_the_page_zone_and_a_date_alone_stays_its_day():
    from repscan.core.items import page_zone

    with page_zone("Asia/Tokyo"):
        assert iso_utc("2026-12-05T08:00:00") == "2026-12-04T23:00:00Z"
        assert iso_utc("2026-12-05T08:00:00+00:00") == "2026-12-05T08:00:00Z"
        assert iso_utc("2026-12-05") == "2026-12-05T00:00:00Z"  # a calendar day, stored as midnight UTC
        assert normalise(make("review", source="s", source_id="1", published_at="2026-12-05",
                              reply_at="2026-12-05T09:30:00"))["reply_at"] == "2026-12-05T00:30:00Z"
    assert iso_utc("2026-12-05T08:00:00") == "2026-12-05T08:00:00Z"  # outside a page: UTC, as stored stamps are
