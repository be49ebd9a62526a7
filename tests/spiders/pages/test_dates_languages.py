"""Dates in the languages only dateparser reads (pl, ru, uk, ja, tr, sv, nb, ro), the fast path left as it was."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from repscan.core.items import make
from repscan.spiders.pages.common import dates

NOW = datetime(2023, 9, 5, 14, 30, 15, tzinfo=timezone.utc)

# (language, text, what parse gives): per language an absolute day, relative texts and a month with its year.
FOREIGN = [
    ("pl", "5 marca 2023", ("2023-03-05", False)),
    ("pl", "wczoraj", ("2023-09-04T00:00:00Z", True)),
    ("pl", "3 godziny temu", ("2023-09-05T11:00:00Z", True)),
    ("pl", "2 tygodnie temu", ("2023-08-22T00:00:00Z", True)),
    ("pl", "czerwiec 2023", ("2023-06-01", True)),
    ("pl", "Napisana 17 maja 2023", ("2023-05-17", False)),
    ("ru", "29 апреля 2023 г.", ("2023-04-29", False)),
    ("ru", "2 месяца назад", ("2023-07-05T00:00:00Z", True)),
    ("ru", "вчера", ("2023-09-04T00:00:00Z", True)),
    ("ru", "июнь 2023", ("2023-06-01", True)),
    ("uk", "5 березня 2023", ("2023-03-05", False)),
    ("uk", "2 дні тому", ("2023-09-03T00:00:00Z", True)),
    ("uk", "2 години тому", ("2023-09-05T12:00:00Z", True)),
    ("uk", "травень 2023", ("2023-05-01", True)),
    ("ja", "2023年3月5日", ("2023-03-05", False)),
    ("ja", "2日前", ("2023-09-03T00:00:00Z", True)),
    ("ja", "3年前", ("2020-09-05T00:00:00Z", True)),
    ("ja", "2023年6月", ("2023-06-01", True)),
    ("tr", "5 Mart 2023", ("2023-03-05", False)),
    ("tr", "3 gün önce", ("2023-09-02T00:00:00Z", True)),
    ("tr", "2 ay önce", ("2023-07-05T00:00:00Z", True)),
    ("tr", "Haziran 2023", ("2023-06-01", True)),
    ("sv", "17 maj 2023", ("2023-05-17", False)),
    ("sv", "för 2 veckor sedan", ("2023-08-22T00:00:00Z", True)),
    ("sv", "i går", ("2023-09-04T00:00:00Z", True)),
    ("sv", "maj 2023", ("2023-05-01", True)),
    ("nb", "17. mai 2023", ("2023-05-17", False)),
    ("nb", "for 3 dager siden", ("2023-09-02T00:00:00Z", True)),
    ("nb", "desember 2022", ("2022-12-01", True)),
    ("ro", "5 martie 2023", ("2023-03-05", False)),
    ("ro", "acum 3 zile", ("2023-09-02T00:00:00Z", True)),
    ("ro", "ieri", ("2023-09-04T00:00:00Z", True)),
    ("ro", "iunie 2023", ("2023-06-01", True)),
]


@pytest.mark.parametrize("language, text, expected", FOREIGN, ids=[f"{lang}:{text}" for lang, text, _ in FOREIGN])
def test_dates_in_every_language_we_classify(language, text, expected):
    assert dates.parse(text, now=NOW) == expected
    assert dates.parse(text, now=NOW, language=language) == expected


@pytest.mark.parametrize("language, text", [
    ("ru", "2 месяца назад"), ("tr", "2 ay önce"), ("ja", "3年前"), ("pl", "3 godziny temu"), ("uk", "2 дні тому"),
])
def test_a_relative_date_is_the_time_the_fast_path_gives_for_the_same_words_in_english(language, text):
    english = {"2 месяца назад": "2 months ago", "2 ay önce": "2 months ago", "3年前": "3 years ago",
               "3 godziny temu": "3 hours ago", "2 дні тому": "2 days ago"}[text]
    assert dates.parse(text, now=NOW, language=language) == dates.parse(english, now=NOW)


def test_precision_stays_honest():
    day, relative, month = (dates.parse(text, now=NOW) for text in ("5 marca 2023", "3 godziny temu", "czerwiec 2023"))
    review = make("review", source="x", source_id="1", published_at=day[0], published_approx=day[1],
                  reply_at=relative[0], reply_precision="approximate" if relative[1] else None)
    assert (review["published_precision"], review["reply_precision"]) == ("day", "approximate")
    assert make("review", published_at=month[0], published_approx=month[1])["published_precision"] == "approximate"


def test_a_day_without_its_year_is_the_latest_such_day_not_after_now():
    assert dates.parse("15 czerwca", now=NOW) == ("2023-06-15", False)
    assert dates.parse("15 września", now=NOW) == ("2022-09-15", False)
    assert dates.parse("Jun 1", now=NOW) == ("2023-06-01", False)
    assert dates.parse("wrote a review Sep 6", now=NOW) == ("2022-09-06", False)
    assert dates.parse("a écrit un avis le 15 juin", now=NOW) == ("2023-06-15", False)
    assert dates.parse("Feb 29", now=NOW) == ("2020-02-29", False)


@pytest.mark.parametrize("text", ["nonsense", "5 stars", "Hotel 2019", "room 12", "za 2 dni",
                                  "Date of stay: none", "x" * 200])
def test_what_is_no_date_stays_none(text):
    assert dates.parse(text, now=NOW) == (None, False)


def test_a_word_taken_for_a_time_zone_does_not_make_a_date():
    # dateparser reads "Mart" (Turkish March) as Marquesas Time in other languages: "5 Mart 2023" would be May.
    assert dates.parse("5 Mart 2023", now=NOW, language="pl") == ("2023-03-05", False)


def test_the_same_text_is_read_once():
    from repscan.spiders.pages.common import foreign_dates

    dates.parse("17 września 2021", now=NOW)
    before = foreign_dates._cached.cache_info().hits
    for _ in range(50):
        assert dates.parse("17 września 2021", now=NOW) == ("2021-09-17", False)
    assert foreign_dates._cached.cache_info().hits == before + 50


def test_the_fast_path_is_unchanged_and_never_loads_dateparser():
    # English and German as before this fallback existed; dateparser is not even imported for them.
    script = """
import sys
from datetime import datetime, timezone
from repscan.spiders.pages.common import dates
now = datetime(2023, 9, 5, 14, 30, 15, tzinfo=timezone.utc)
got = [dates.parse(t, now=now) for t in ("2 months ago", "Reviewed 4 days ago", "yesterday", "Jan 5, 2019",
       "Written November 12, 2023", "July 2018", "6/17/2019", "vor 3 Tagen", "Gestern", "5. März 2019",
       "17.06.2019", "Juni 2023")]
print(got)
print("dateparser" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str([
        ("2023-07-05T00:00:00Z", True), ("2023-09-01T00:00:00Z", True), ("2023-09-04T00:00:00Z", True),
        ("2019-01-05", False), ("2023-11-12", False), ("2018-07-01", True), ("2019-06-17", False),
        ("2023-09-02T00:00:00Z", True), ("2023-09-04T00:00:00Z", True), ("2019-03-05", False),
        ("2019-06-17", False), ("2023-06-01", True),
    ])
    assert out[1] == "False"


# Yelp reads its cards' dates with the same helper, so a localized Yelp page has dates too.

YELP = "http://127.0.0.1:8765/biz/copperleaf-plumbing-portland?sort_by=date_desc"


@pytest.mark.parametrize("lang, printed, expected", [
    ("fr-FR", "14 mars 2024", "2024-03-14"),        # yelp.fr: the fast path
    ("pl-PL", "14 marca 2024", "2024-03-14"),       # yelp.pl: dateparser
    ("sv-SE", "14 mars 2024", "2024-03-14"),
    ("tr-TR", "14 Mart 2024", "2024-03-14"),
])
def test_a_localized_yelp_card_has_its_date(respond, lang, printed, expected):
    from helpers import case
    from repscan.spiders.pages import yelp

    body = case("yelp/biz-page-1-of-3").body.decode()
    body = re.sub(r"<script[^>]*(?:data-hypernova-key|data-apollo-state).*?</script>", "", body, flags=re.S)
    assert ">3/14/2024<" in body
    body = body.replace('lang="en-US"', f'lang="{lang}"').replace(">3/14/2024<", f">{printed}<")
    first = yelp.extract(respond(body, YELP), now=datetime(2024, 6, 1, tzinfo=timezone.utc))[0]
    assert (first["published_at"], first["published_precision"]) == (expected, "day")
