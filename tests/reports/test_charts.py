"""The trend charts tell the truth: no line across weeks without data, counts beside shares, platform labels,
a comparison series only when it has data, and a mostly empty chart left out with the reason."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from repscan.reports.charts import trend_charts

END = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def row(weeks_ago: int, stars: float, negative: bool = False, source: str = "google-maps", reply_hours=None) -> dict:
    return {"source": source, "when": END - timedelta(weeks=weeks_ago, hours=1), "stars": stars, "negative": negative,
            "reply_hours": reply_hours}


def charts(rows):
    return trend_charts(rows, END, primary="#1f3a5f", accent="#c0392b", period="12 weeks", compare="before")


def test_gaps_stay_gaps_counts_beside_shares_and_platform_labels():
    rows = [row(0, 1, True), row(0, 5), row(1, 4), row(5, 2, True), row(6, 5, source="trustpilot")]
    svgs, notes = charts(rows)
    rating, volume, share = svgs[:3]
    # the rating line: weeks 0-1 joined, weeks 5-6 joined, nothing drawn across the empty weeks 2-4
    lines = re.findall(r'<path d="M([^"]+)" class="line reactive nofill"', rating)
    assert len(lines) == 2, lines
    assert "the 12 weeks before" not in rating and "dashed" not in rating  # no data before: no comparison series
    assert "Google Maps" in volume and "Trustpilot" in volume and "google-maps" not in volume
    assert "1 of 2 (50%)" in share and "1 of 1 (100%)" in share
    assert notes == ["Reply speed per week: left out, no week of the 12 has data."]


def test_a_mostly_empty_chart_is_left_out_and_the_report_says_why():
    svgs, notes = charts([row(0, 1, True, reply_hours=3)])
    assert svgs == []
    assert "Average rating per week: left out, only 1 of the 12 weeks has data." in notes
    _, notes = charts([row(0, 1, True, reply_hours=3), row(2, 2, True)])
    assert "Average rating per week: left out, only 2 of the 12 weeks have data." in notes


def test_charts_are_lean_svg_with_what_is_drawn_kept():
    import pygal

    from repscan.reports.charts import _chart, lean

    rows = [row(w, 1 + w % 5, w % 3 == 0, reply_hours=2.0 * w) for w in range(10)]
    svgs, _ = charts(rows)
    chart = _chart(pygal.Bar, "t", "#1f3a5f", "#c0392b")
    chart.add("a", [1, 2, 3])
    full = chart.render(is_unicode=True)
    assert "<desc" in full and "<script" in full and ".tooltip" in full  # what lean() has to take out
    for svg in [*svgs, lean(full)]:
        assert not re.search(r"<desc|<script|<!--|\.tooltip|:hover|tooltip-trigger", svg), svg[:300]
        assert re.search(r"<style[^>]*>[^<]*\.reactive\{", svg)  # the drawing's own CSS stays
    drawn = lambda svg: re.findall(r"<(?:rect|path|circle|text)\b[^>]*>", svg)  # noqa: E731
    assert drawn(lean(full)) == [tag.replace(" tooltip-trigger", "") for tag in drawn(full)]


def test_weeks_are_cut_at_monday_midnight_in_the_clients_zone():
    from zoneinfo import ZoneInfo

    from repscan.reports.charts import weeks_ending

    end = datetime(2026, 12, 7, 5, 0, tzinfo=timezone.utc)  # Monday in UTC, still Sunday 6 Dec in Los Angeles
    [week] = weeks_ending(end.astimezone(ZoneInfo("America/Los_Angeles")), 1)
    assert week.start == datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc) and week.label == "30 Nov"
    [week] = weeks_ending(end.astimezone(ZoneInfo("Pacific/Auckland")), 1)  # Monday 7 Dec, 18:00 there
    assert week.start == datetime(2026, 12, 6, 11, 0, tzinfo=timezone.utc) and week.label == "7 Dec"
