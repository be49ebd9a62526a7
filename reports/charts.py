"""Trend charts as inline SVG (pygal, no JavaScript, nothing fetched), the period named in every title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

import pygal
from pygal.style import Style

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: datetime
    label: str


def weeks_ending(end: datetime, count: int = WEEKS) -> list[Week]:
    """`count` weeks (Monday starts, UTC) up to and including the week of `end`."""
    monday = (end - timedelta(days=end.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return [Week(s, f"{s.day} {s:%b}") for s in starts]


def _style(primary: str, accent: str) -> Style:
    return Style(
        background="white", plot_background="white", foreground="#333", foreground_strong="#111",
        foreground_subtle="#ccc", colors=(primary, "#9aa5b1", accent, "#f0ad4e", "#2e7d32", "#6f42c1", "#17a2b8"),
        font_family="Noto Sans, DejaVu Sans, sans-serif", title_font_size=13, label_font_size=10,
        major_label_font_size=10, legend_font_size=11, value_font_size=9, guide_stroke_dasharray="0",
        guide_stroke_color="#e6e6e6", major_guide_stroke_dasharray="0", major_guide_stroke_color="#d0d0d0",
        opacity=".85", stroke_opacity="1",
    )


def _chart(kind, title: str, primary: str, accent: str, **options):
    settings = dict(
        js=[], disable_xml_declaration=True, width=720, height=260, title=title, style=_style(primary, accent),
        legend_at_bottom=True, legend_at_bottom_columns=4, show_minor_x_labels=True, truncate_legend=40,
        print_values=False, show_y_guides=True, show_x_guides=False, margin=8, margin_bottom=28,
        show_minor_y_labels=False,
    )
    return kind(**{**settings, **options})


def _bucket(rows: list[dict], weeks: list[Week], when) -> list[list[dict]]:
    buckets: list[list[dict]] = [[] for _ in weeks]
    edges = [w.start for w in weeks] + [weeks[-1].start + timedelta(weeks=1)]
    for row in rows:
        moment = when(row)
        if moment is None:
            continue
        for i in range(len(weeks)):
            if edges[i] <= moment < edges[i + 1]:
                buckets[i].append(row)
                break
    return buckets


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


def trend_charts(rows: list[dict], end: datetime, *, primary: str, accent: str, period: str,
                 compare: str) -> list[str]:
    """Four SVGs: rating per week, volume by source, negative share, reply speed; now vs the 12 weeks before."""
    weeks = weeks_ending(end)
    before = weeks_ending(weeks[0].start - timedelta(days=1))
    when = lambda r: r["when"]  # noqa: E731
    now_b, prev_b = _bucket(rows, weeks, when), _bucket(rows, before, when)
    labels = [w.label for w in weeks]

    rating = _chart(pygal.Line, f"Average rating (out of 5) per week — {period}, dashed: {compare}",
                    primary, accent, range=(1, 5), dots_size=2, y_labels=[1, 2, 3, 4, 5],
                    show_minor_y_labels=True)
    rating.x_labels = labels
    rating.add("this period", [_mean(r["stars"] for r in b) for b in now_b])
    rating.add("comparison period", [_mean(r["stars"] for r in b) for b in prev_b], stroke_style={"dasharray": "6,4"})

    sources = sorted({r["source"] for r in rows})
    volume = _chart(pygal.StackedBar, f"New reviews per week by source — {period}", primary, accent)
    volume.x_labels = labels
    for source in sources:
        volume.add(source, [sum(1 for r in b if r["source"] == source) for b in now_b])
    if not sources:
        volume.add("no reviews", [0] * len(weeks))

    share = _chart(pygal.Line, f"Share of negative reviews per week (%) — {period}, dashed: {compare}",
                   primary, accent, range=(0, 100), dots_size=2)
    share.x_labels = labels

    def negative_share(bucket):
        return round(100 * sum(1 for r in bucket if r["negative"]) / len(bucket)) if bucket else None

    share.add("this period", [negative_share(b) for b in now_b])
    share.add("comparison period", [negative_share(b) for b in prev_b], stroke_style={"dasharray": "6,4"})

    speed = _chart(pygal.Bar, f"Median hours to reply to a negative review, per week — {period}", primary, accent)
    speed.x_labels = labels

    def median_hours(bucket):
        delays = [r["reply_hours"] for r in bucket if r["negative"] and r["reply_hours"] is not None]
        return round(median(delays), 1) if delays else None

    speed.add("median hours to reply", [median_hours(b) for b in now_b])
    # pygal numbers its legend anchors from 0 in every chart; four charts in one document need distinct ids
    return [chart.render(is_unicode=True).replace("activate-serie-", f"chart{n}-serie-")
            for n, chart in enumerate((rating, volume, share, speed))]
