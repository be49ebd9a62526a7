"""Hand-made report data (made-up people and businesses) shared by the report tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from repscan.reports.actions import action_list
from repscan.reports.model import Branding, ReportData, ReviewRow, SourceHealth, Summary

NOW = datetime(2025, 3, 10, 7, 0, tzinfo=timezone.utc)

LONG_TEXT = (
    "We booked Acme for a burst pipe under the kitchen sink on a Saturday morning. "
    "The phone line promised someone within the hour; the plumber arrived at four in the afternoon, "
    "by which time the cabinet floor had swollen and the laminate was lifting. "
) * 8 + "FINAL-SENTENCE-THAT-MUST-BE-TRIMMED-AWAY."

GERMAN = "Der Techniker kam drei Stunden zu spät, und die Rechnung war höher als vereinbart. Größte Enttäuschung."
GERMAN_REPLY = "Sehr geehrter Herr Schäfer, das tut uns leid. Wir erstatten Ihnen die Anfahrtskosten."
ROMANIAN = "Instalația s-a stricat după două zile; țeava din baie încă picură. Nu recomand! Șeful nu răspunde."
UKRAINIAN = "Чудовий сервіс, майстер прийшов вчасно. Дякую! Ґрунтовна робота, рекомендую."
JAPANESE = "とても丁寧な対応でした。また利用したいです。"
EMOJI_TITLE = "Never again 😡"


def review(**overrides) -> ReviewRow:
    values = dict(
        source="google-maps",
        url="https://maps.example/review/1",
        author="Dana Whitfield",
        rating=1.0,
        rating_max=5.0,
        title=None,
        text="Short text.",
        language="en",
        published_at=NOW - timedelta(days=2),
        published_approx=False,
        reply_text=None,
        reply_at=None,
        first_seen_at=NOW - timedelta(days=1),
        negative=True,
    )
    values.update(overrides)
    return ReviewRow(**values)


def sample_reviews() -> list[ReviewRow]:
    long_one = review(
        url="https://maps.example/review/long",
        title=EMOJI_TITLE,
        text=LONG_TEXT,
        published_at=NOW - timedelta(hours=30),
    )
    german = review(
        source="trustpilot",
        url="https://trustpilot.example/reviews/42",
        author="Jürgen Schäfer",
        rating=2.0,
        title="Zu spät und zu teuer",
        text=GERMAN,
        language="de",
        published_at=NOW - timedelta(days=4),
        reply_text=GERMAN_REPLY,
        reply_at=NOW - timedelta(days=4) + timedelta(hours=5, minutes=20),
    )
    romanian = review(
        source="facebook",
        url="https://facebook.example/acme/posts/7",
        author="Ștefan Țurcanu",
        rating=1.0,
        title="Țeava încă picură",
        text=ROMANIAN,
        language="ro",
        published_at=NOW - timedelta(days=6),
        published_approx=True,
    )
    ukrainian = review(
        source="yelp",
        url="https://yelp.example/biz/acme?hrid=9",
        author="Олена Коваленко",
        rating=5.0,
        title="Дякую!",
        text=UKRAINIAN,
        language="uk",
        negative=False,
    )
    japanese = review(
        source="tripadvisor",
        url="https://tripadvisor.example/r/55",
        author="佐藤 花子",
        rating=8.0,
        rating_max=10.0,
        title="丁寧な対応 👍🎉",
        text=JAPANESE,
        language="ja",
        negative=False,
    )
    return [long_one, german, romanian, ukrainian, japanese]


def sample_sources() -> list[SourceHealth]:
    return [
        SourceHealth("google-maps", "https://maps.example/acme", "ok", NOW - timedelta(hours=2), 14, None),
        SourceHealth("trustpilot", "https://trustpilot.example/review/acme.example", "ok", NOW - timedelta(hours=3), 6, None),
        SourceHealth("yelp", "https://yelp.example/biz/acme", "blocked", NOW - timedelta(hours=3), 0,
                     "captcha page (DataDome) on https://yelp.example/biz/acme"),
        SourceHealth("facebook", "https://facebook.example/acme", "error", NOW - timedelta(hours=4), 0,
                     "HTTP 503 after 3 retries"),
        SourceHealth("tripadvisor", "https://tripadvisor.example/acme", "broken", NOW - timedelta(hours=5), 0, None),
        SourceHealth("bbb", None, "never", None, 0, None),
    ]


def sample_data(**overrides) -> ReportData:
    reviews = sample_reviews()
    values = dict(
        branding=Branding(
            name="Brightside Reputation Agency",
            contact="hello@brightside.example · +40 21 555 0100",
            primary_color="#1f3a5f",
            accent_color="#c0392b",
        ),
        client_id="acme",
        client_name="Acme Plumbing & Heating",
        timezone="Europe/Bucharest",
        period_start=NOW - timedelta(days=7),
        period_end=NOW,
        generated_at=NOW,
        summary=Summary(
            new_reviews=5,
            new_negatives=3,
            avg_rating=3.6,
            avg_rating_before=3.9,
            unanswered_negatives=4,
            reviews_total=187,
        ),
        negatives=[r for r in reviews if r.negative],
        new_reviews=reviews,
        sources=sample_sources(),
    )
    values.update(overrides)
    # what is open and what was answered follow the negatives, as reports.queries derives them
    negatives = values["negatives"]
    values.setdefault("unanswered", [r for r in negatives if not r.replied])
    values.setdefault("actions", action_list(values["unanswered"], values.get("posts", []), values.get("search", [])))
    values.setdefault("answered", [r for r in negatives if r.replied])
    return ReportData(**values)


def quiet_data() -> ReportData:
    """Nothing open and every source healthy: the only report that may say "All quiet"."""
    return sample_data(
        summary=Summary(0, 0, 4.1, 4.1, 0, 187),
        negatives=[],
        new_reviews=[],
        unanswered=[],
        actions=[],
        answered=[],
        sources=[s for s in sample_sources() if s.status == "ok"],
    )
