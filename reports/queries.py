"""What is new for a client: turns the store's rows into the ReportData a report shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from repscan.core import rules
from repscan.core.config import Client, Config
from repscan.core.items import iso_utc, parse_iso, stamp
from repscan.core.search import movement
from repscan.core.store import Store
from repscan.reports.charts import WEEKS, trend_charts
from repscan.reports.model import (Branding, ReplySpeed, ReportData, ReviewRow, SearchBlock, SearchResultRow, SourceHealth,
                           Summary, format_date)


def _mean(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def branding(config: Config) -> Branding:
    b = config.agency.branding
    return Branding(name=config.agency.name, contact=b.contact, logo_path=config.logo,
                    primary_color=b.primary_color, accent_color=b.accent_color, page_size=b.page_size)


def review_row(row: dict) -> ReviewRow:
    """A review as the report shows it; `row` comes from the store's judged reads (negative by rules)."""
    return ReviewRow(
        source=row["source"], url=row["url"], author=row["author"], rating=row["rating"],
        rating_max=row["rating_max"] or rules.DEFAULT_RATING_MAX, title=row["title"], text=row["text"], language=row["language"],
        published_at=parse_iso(row["published_at"]), published_approx=bool(row["published_approx"]),
        reply_text=row["reply_text"], reply_at=parse_iso(row["reply_at"]),
        first_seen_at=parse_iso(row["first_seen_at"]), negative=bool(row["negative"]),
        published_precision=row.get("published_precision"), reply_precision=row.get("reply_precision"),
    )


def source_health(config: Config, client: Client, store: Store) -> list[SourceHealth]:
    """Each configured source's and search engine's last crawl; 'broken' when it used to yield and now yields none."""
    history = store.latest_crawls(client.id)
    by_source: dict[str, list[dict]] = {}
    for (site, _url), crawls in history.items():
        by_source.setdefault(site, []).extend(crawls)
    watched = [(s.site, s.url, history.get((s.site, s.url), [])) for s in client.sources]
    if client.queries:
        watched += [(engine, f"{len(client.queries)} queries", sorted(by_source.get(engine, []), key=lambda c: -c["id"]))
                    for engine in config.search.engines]
    out = []
    for site, url, crawls in watched:
        if not crawls:
            out.append(SourceHealth(site, url, "never", None, 0, None))
            continue
        last = crawls[0]
        status = last["status"]
        if status == "empty" and any(c["status"] == "ok" and c["items"] for c in crawls[1:]):
            status = "broken"
        error = last["error"] or ("used to yield items, now yields none: the page layout may have changed"
                                  if status == "broken" else None)
        out.append(SourceHealth(site, url, status, parse_iso(last["finished_at"] or last["started_at"]),
                                last["items"], error))
    return out


def search_blocks(client: Client, store: Store, *, since: str | None, until: str) -> list[SearchBlock]:
    """Per engine and query: the latest results up to `until`, moved against the snapshot at `since`."""
    current = store.search_snapshot(client.id, until)
    previous = store.search_snapshot(client.id, since) if since else {}
    first_seen = store.search_first_seen(client.id)
    blocks = []
    for (engine, query), rows in sorted(current.items()):
        before = previous.get((engine, query))
        moves = movement(before or [], rows)
        own_ranks = [r["rank"] for r in rows if r["category"] == "own"]
        results = [
            SearchResultRow(
                rank=row["rank"], url=row["url"], displayed_url=row["displayed_url"], title=row["title"],
                snippet=row["snippet"], category=row["category"] or "other", negative=bool(row["negative"]),
                previous_rank=move["previous_rank"], had_previous=before is not None,
                visible_since=parse_iso(first_seen.get((engine, query, row["url"]))), above_own=move["above_own"],
            )
            for row, move in zip(rows, moves)
        ]
        blocks.append(SearchBlock(
            engine=engine, query=query, crawled_at=parse_iso(rows[0]["seen_at"]) if rows else None,
            results=results, visibility=rules.visibility(rows),
            visibility_before=rules.visibility(before) if before is not None else None,
            own_best_rank=min(own_ranks) if own_ranks else None,
        ))
    return blocks


def reply_speed(negatives: list[ReviewRow]) -> ReplySpeed:
    """Hours from exact pairs only; pairs dated by day count as same day or within rules.REPLY_DAYS days."""
    timings = [r.reply_timing for r in negatives if r.reply_timing is not None]
    delays = [t.delta for t in timings if t.delta is not None]
    return ReplySpeed(
        negatives=len(negatives), replied=sum(1 for r in negatives if r.replied),
        within_hour=sum(t.within_hours(1) for t in timings), within_day=sum(t.within_hours(24) for t in timings),
        median=median(delays) if delays else None, by_day=sum(t.precision == "day" for t in timings),
        same_day=sum(t.within_days(0) for t in timings),
        within_days=sum(t.within_days(rules.REPLY_DAYS) for t in timings),
    )


def charts(config: Config, client: Client, store: Store, until) -> list[str]:
    start = until - timedelta(weeks=2 * WEEKS + 1)
    rows = []
    for row in store.trend_rows(client.id, iso_utc(start), threshold=client.negative_threshold):
        published = parse_iso(row["published_at"])
        delay = rules.reply_delay(published, parse_iso(row["reply_at"]), published_precision=row["published_precision"],
                                  reply_precision=row["reply_precision"])
        rows.append({
            "source": row["source"], "when": published or parse_iso(row["first_seen_at"]),
            "negative": bool(row["negative"]), "stars": rules.stars(row["rating"], row["rating_max"]),
            "reply_hours": delay.delta.total_seconds() / 3600 if delay and delay.delta is not None else None,
        })
    b = config.agency.branding
    tz = client.timezone
    period = f"12 weeks to {format_date(until, tz)}"
    compare = f"the 12 weeks to {format_date(until - timedelta(weeks=WEEKS), tz)}"
    return trend_charts(rows, until, primary=b.primary_color, accent=b.accent_color, period=period, compare=compare)


def build(config: Config, client: Client, store: Store, *, since: str | None, until: datetime) -> ReportData:
    """The report for reviews first seen (or turned negative) after `since`, up to `until`."""
    until_iso, threshold = stamp(until), client.negative_threshold
    rows = store.reviews_since(client.id, since, until_iso, threshold=threshold)  # new or newly negative
    new = [r for r in rows if rules.first_seen_after(r["first_seen_at"], since)]
    negatives = [r for r in rows if r["negative"]]
    now_stats = store.review_stats(client.id, until_iso, threshold=threshold)
    before = store.review_stats(client.id, since, threshold=threshold)["avg_rating"] if since else None
    search = search_blocks(client, store, since=since, until=until_iso)
    summary = Summary(
        new_reviews=len(new), new_negatives=len(negatives), avg_rating=now_stats["avg_rating"],
        avg_rating_before=before, unanswered_negatives=now_stats["unanswered"] or 0,
        reviews_total=now_stats["total"],
        complaints_on_page_one=len({r.url for block in search for r in block.complaints}),
        visibility=_mean([b.visibility for b in search]),
        visibility_before=_mean([b.visibility_before for b in search]),
    )
    return ReportData(
        branding=branding(config), client_id=client.id, client_name=client.name, timezone=client.timezone,
        period_start=parse_iso(since), period_end=until, generated_at=until, summary=summary,
        negatives=[review_row(r) for r in negatives], new_reviews=[review_row(r) for r in new],
        sources=source_health(config, client, store), search=search,
        reply_speed=reply_speed([review_row(r) for r in negatives]),
        unanswered=[review_row(r) for r in store.unanswered_negatives(client.id, threshold=threshold)],
        charts=charts(config, client, store, until),
    )
