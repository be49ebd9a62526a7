"""Trend charts as inline SVG (pygal, no JavaScript, nothing fetched), the period named in every title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

import pygal
from pygal.style import Style

from repscan.core import i18n, sites
from repscan.core.i18n import _, ngettext

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: datetime
    label: str


def weeks_ending(end: datetime, count: int = WEEKS) -> list[Week]:
    """`count` weeks (Monday starts, in `end`'s zone: the client's) up to and including the week of `end`."""
    monday = (end - timedelta(days=end.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return [Week(s, f"{s.day} {s:%b}" if i18n.english() else i18n.date(s, "MMMd")) for s in starts]


def _style(primary: str, accent: str, colors: tuple[str, ...] = ()) -> Style:
    return Style(
        background="white", plot_background="white", foreground="#333", foreground_strong="#111",
        foreground_subtle="#ccc", colors=colors or (primary, "#9aa5b1", accent, "#f0ad4e", "#2e7d32", "#6f42c1", "#17a2b8"),
        font_family="Noto Sans, DejaVu Sans, sans-serif", title_font_size=13, label_font_size=10,
        major_label_font_size=10, legend_font_size=11, value_font_size=9, guide_stroke_dasharray="0",
        guide_stroke_color="#e6e6e6", major_guide_stroke_dasharray="0", major_guide_stroke_color="#d0d0d0",
        opacity=".85", stroke_opacity="1",
    )


def _chart(kind, title: str, primary: str, accent: str, **options):
    settings = dict(
        js=[], disable_xml_declaration=True, width=720, height=230, title=title, style=_style(primary, accent),
        legend_at_bottom=True, legend_at_bottom_columns=4, show_minor_x_labels=True, truncate_legend=40,
        print_values=False, show_y_guides=True, show_x_guides=False, margin=8, margin_bottom=28,
        show_minor_y_labels=False,
    )
    if not i18n.english():  # numbers as the client's locale writes them ("2,5"); "12 жовт." whole, never "12 жов…"
        settings.update(value_formatter=i18n.number, truncate_label=-1)
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


MIN_WEEKS = 3  # a chart with data in fewer weeks than this is mostly empty: left out, and the report says why


def _weeks_with_data(values) -> int:
    return sum(1 for v in values if v is not None and v != 0)


_INTERACTIVE = re.compile(r"<script\b.*?</script>|<desc\b.*?</desc>|<!--.*?-->", re.S)  # tooltips' text, config
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_RULE = re.compile(r"[^{}]+\{[^{}]*\}")


def lean(svg: str) -> str:
    """A pygal SVG without what only a browser uses: the tooltips (their text and CSS), hover and click states,
    the config script and comments. What is drawn, and how, stays."""
    def rules(match: re.Match) -> str:
        kept = [rule for rule in _RULE.findall(match[2])
                if not any(word in rule.split("{", 1)[0] for word in (".tooltip", ":hover", ".active"))]
        return match[1] + "".join(kept) + match[3]

    return _STYLE.sub(rules, _INTERACTIVE.sub("", svg)).replace(" tooltip-trigger", "")


def _render(charts) -> list[str]:
    # pygal numbers its legend anchors from 0 in every chart; several charts in one document need distinct ids
    return [lean(chart.render(is_unicode=True)).replace("activate-serie-", f"chart{n}-serie-")
            for n, chart in enumerate(charts)]


def trend_charts(rows: list[dict], end: datetime, *, primary: str, accent: str, period: str,
                 compare: str) -> tuple[list[str], list[str]]:
    """Rating per week, volume by platform, negative share (with counts), reply speed; the comparison
    period only where it has data; no line across weeks without data. Returns the SVGs and, for each
    chart left out because it would be mostly empty, a sentence saying why."""
    weeks = weeks_ending(end)
    before = weeks_ending(weeks[0].start - timedelta(days=1))
    when = lambda r: r["when"]  # noqa: E731
    now_b, prev_b = _bucket(rows, weeks, when), _bucket(rows, before, when)
    labels = [w.label for w in weeks]
    charts, notes = [], []

    def keep(chart, values, what: str) -> None:
        weeks_seen = _weeks_with_data(values)
        if weeks_seen >= MIN_WEEKS:
            charts.append(chart)
        else:
            notes.append(ngettext("%(what)s: left out, only %(num)d of the %(weeks)d weeks has data.",
                                  "%(what)s: left out, only %(num)d of the %(weeks)d weeks have data.", weeks_seen,
                                  what=what, weeks=WEEKS) if weeks_seen else
                         _("%(what)s: left out, no week of the %(weeks)d has data.", what=what, weeks=WEEKS))

    def line(title, series_now, series_before, **options):
        chart = _chart(pygal.Line, title, primary, accent, allow_interruptions=True, dots_size=3, **options)
        chart.x_labels = labels
        chart.add(_("these %(num)d weeks", num=WEEKS), series_now)
        if any(v is not None for v in series_before):
            chart.add(_("the %(num)d weeks before", num=WEEKS), series_before, stroke_style={"dasharray": "6,4"})
        return chart

    stars_now = [_mean(r["stars"] for r in b) for b in now_b]
    stars_before = [_mean(r["stars"] for r in b) for b in prev_b]
    rating = line(_("Average rating (out of 5) per week, %(period)s", period=period)
                  + (_("; dashed: %(period)s", period=compare) if any(v is not None for v in stars_before) else ""),
                  stars_now, stars_before, range=(1, 5), y_labels=[1, 2, 3, 4, 5], show_minor_y_labels=True)
    keep(rating, [1 if v is not None else None for v in stars_now], _("Average rating per week"))

    volume = _chart(pygal.StackedBar, _("Reviews per week by platform, by date published, %(period)s", period=period),
                    primary, accent)
    volume.x_labels = labels
    for source in sorted({r["source"] for r in rows}, key=sites.label):
        volume.add(sites.label(source), [sum(1 for r in b if r["source"] == source) for b in now_b])
    keep(volume, [len(b) for b in now_b], _("Reviews per week"))

    negative_now = [sum(1 for r in b if r["negative"]) for b in now_b]
    totals = [len(b) for b in now_b]
    share = _chart(pygal.StackedBar, _("Negative reviews per week, count and share, %(period)s", period=period),
                   primary, accent,
                   print_labels=True, margin_right=28, style=_style(primary, accent, (accent, "#c5ccd4")))
    share.x_labels = labels
    share.add(_("negative"), [{"value": n, "label": _("%(count)d of %(total)d (%(share)s)", count=n, total=t,
                                                       share=i18n.percent(n / t)) if n else ""} if t else None
                              for n, t in zip(negative_now, totals)])
    share.add(_("other reviews"), [(t - n) if t else None for n, t in zip(negative_now, totals)])
    keep(share, totals, _("Negative reviews per week"))

    def median_hours(bucket):
        delays = [r["reply_hours"] for r in bucket if r["negative"] and r["reply_hours"] is not None]
        if not delays:
            return None
        return {"value": round(median(delays), 1),
                "label": ngettext("%(hours)s h, %(num)d reply", "%(hours)s h, %(num)d replies", len(delays),
                                  hours=i18n.decimal(median(delays)))}

    speed = _chart(pygal.Bar, _("Median hours to reply to a negative review, per week, %(period)s", period=period),
                   primary, accent,
                   print_labels=True, value_font_size=8)
    speed.x_labels = labels
    speed_now = [median_hours(b) for b in now_b]
    speed.add(_("median hours to reply"), speed_now)
    keep(speed, [1 if v is not None else None for v in speed_now], _("Reply speed per week"))
    return _render(charts), notes
