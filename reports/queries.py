"""What is new for a client: turns the store's rows into the ReportData a report shows."""

from __future__ import annotations

from datetime import datetime

from repscan.config import Client, Config
from repscan.items import parse_iso, stamp
from repscan.store import Store
from reports.model import Branding, ReportData, ReviewRow, SourceHealth, Summary


def branding(config: Config) -> Branding:
    b = config.agency.branding
    return Branding(name=config.agency.name, contact=b.contact, logo_path=config.logo,
                    primary_color=b.primary_color, accent_color=b.accent_color)


def review_row(row: dict) -> ReviewRow:
    return ReviewRow(
        source=row["source"], url=row["url"], author=row["author"], rating=row["rating"],
        rating_max=row["rating_max"] or 5.0, title=row["title"], text=row["text"], language=row["language"],
        published_at=parse_iso(row["published_at"]), published_approx=bool(row["published_approx"]),
        reply_text=row["reply_text"], reply_at=parse_iso(row["reply_at"]),
        first_seen_at=parse_iso(row["first_seen_at"]), negative=bool(row["negative"]),
    )


def source_health(config_client: Client, store: Store) -> list[SourceHealth]:
    """Each configured source's last crawl; 'broken' when it used to yield items and now yields none."""
    history = store.latest_crawls(config_client.id)
    out = []
    for source in config_client.sources:
        crawls = history.get((source.site, source.url), [])
        if not crawls:
            out.append(SourceHealth(source.site, source.url, "never", None, 0, None))
            continue
        last = crawls[0]
        status = last["status"]
        if status == "empty" and any(c["status"] == "ok" and c["items"] for c in crawls[1:]):
            status = "broken"
        error = last["error"] or ("used to yield reviews, now yields none: the page layout may have changed"
                                  if status == "broken" else None)
        out.append(SourceHealth(source.site, source.url, status, parse_iso(last["finished_at"] or last["started_at"]),
                                last["items"], error))
    return out


def build(config: Config, client: Client, store: Store, *, since: str | None, until: datetime) -> ReportData:
    """The report for reviews first seen (or turned negative) after `since`, up to `until`."""
    until_iso = stamp(until)
    rows = store.reviews_since(client.id, since, until_iso)
    new = [r for r in rows if since is None or r["first_seen_at"] > since]
    negatives = [r for r in rows if r["negative"]]
    now_stats = store.review_stats(client.id, until_iso)
    before = store.review_stats(client.id, since)["avg_rating"] if since else None
    summary = Summary(
        new_reviews=len(new), new_negatives=len(negatives), avg_rating=now_stats["avg_rating"],
        avg_rating_before=before, unanswered_negatives=now_stats["unanswered"] or 0,
        reviews_total=now_stats["total"],
    )
    return ReportData(
        branding=branding(config), client_id=client.id, client_name=client.name, timezone=client.timezone,
        period_start=parse_iso(since), period_end=until, generated_at=until, summary=summary,
        negatives=[review_row(r) for r in negatives], new_reviews=[review_row(r) for r in new],
        sources=source_health(client, store),
    )
