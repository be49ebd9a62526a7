"""What is new for a client: turns the store's rows into the ReportData a report shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from repscan.core import i18n, rules, sites
from repscan.core.i18n import _, ngettext
from repscan.core.classify import text_judge
from repscan.core.config import Client, Config
from repscan.core.items import iso_utc, parse_iso, stamp
from repscan.core.mentions import written_by
from repscan.core.search import configured, movement, normalize_url
from repscan.core.store import Store
from repscan.reports.charts import WEEKS, trend_charts
from repscan.core.replies.pending import draft_open
from repscan.reports.actions import action_list
from repscan.reports import locations, spikes
from repscan.reports.competitors import compare
from repscan.reports.model import (Branding, burst_precision, burst_start, local_day, PostRow, ReplySpeed, ReportData,
                                   ReviewRow, SearchBlock, SearchResultRow, SourceHealth, Summary, format_date,
                                   format_day, period_label, worst)
from repscan.core.schedule import interval
from repscan.reports.scoreboard import platform_scores


def _mean(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def branding(config: Config) -> Branding:
    b = config.agency.branding
    return Branding(name=config.agency.name, contact=b.contact, logo_path=config.logo,
                    primary_color=b.primary_color, accent_color=b.accent_color, page_size=b.page_size)


def review_row(row: dict, tz: str = "UTC") -> ReviewRow:
    """A review as the report shows it; `row` comes from the store's judged reads (negative by rules); `tz`: the
    client's timezone (its reply delay's calendar)."""
    return ReviewRow(
        source=row["source"], url=row["url"], author=row["author"], rating=row["rating"],
        rating_max=row["rating_max"] or rules.DEFAULT_RATING_MAX, title=row["title"], text=row["text"], language=row["language"],
        published_at=parse_iso(row["published_at"]), published_approx=bool(row["published_approx"]),
        reply_text=row["reply_text"], reply_at=parse_iso(row["reply_at"]),
        first_seen_at=parse_iso(row["first_seen_at"]), negative=bool(row["negative"]),
        published_precision=row.get("published_precision"), reply_precision=row.get("reply_precision"),
        source_id=row.get("source_id"), author_review_count=row.get("author_review_count"),
        reply_not_shown=parse_iso(row.get("reply_not_shown")), reply_seen_at=parse_iso(row.get("reply_seen_at")),
        replies_unread=bool(row.get("replies_unread")), tz=tz,
    )


def source_health(config: Config, client: Client, store: Store, until: datetime | None = None) -> list[SourceHealth]:
    """Each configured source's and search engine's state (the store's rule: broken when recorded so, or when a
    source that found items finds none) as of `until`, from the crawls finished by then, and stale when not read
    cleanly for too long before it (rules.stale); an engine stands as its latest crawl over all its queries."""
    states = store.source_states(client.id, stamp(until) if until is not None else None, until,
                                 interval(client.crawl_schedule, client.timezone, until) if until is not None else None)
    by_engine: dict[str, list] = {}
    for (site, _url), state in states.items():
        by_engine.setdefault(site, []).append(state)
    watched = [(s.site, s.url, states.get((s.site, s.url))) for s in client.sources]
    if client.queries:
        count = len(client.queries)
        watched += [(engine, ngettext("%(num)d query", "%(num)d queries", count),
                     max(by_engine.get(engine, []), key=lambda state: state.last["id"], default=None))
                    for engine in config.search.engines]
    out, told = [], bool(config.agency.operator)
    for site, url, state in watched:
        if state is None:
            out.append(SourceHealth(site, url, "never", None, 0, None, watched=told))
            continue
        last, began = state.last, state.since
        out.append(SourceHealth(site, url, state.status, parse_iso(last["finished_at"] or last["started_at"]),
                                last["items"], state.error, since=parse_iso(began["finished_at"] or began["started_at"]),
                                watched=told))
    return out


def search_blocks(config: Config, client: Client, store: Store, *, since: str | None,
                  until: str) -> list[SearchBlock]:
    """Per configured engine and query: the latest check up to `until`, moved against the check at `since`,
    with the complaints that left page one since then."""
    searches = configured(config.search.engines, client.queries)
    current = store.search_snapshot(client.id, until, searches)
    previous = store.search_snapshot(client.id, since, searches) if since else {}
    on_since = store.search_on_page_one_since(client.id, until, searches)
    blocks = []
    for (engine, query), rows in sorted(current.items()):
        before = previous.get((engine, query))

        def row(move: dict) -> SearchResultRow:
            return SearchResultRow(
                rank=move["rank"], url=move["url"], displayed_url=move["displayed_url"], title=move["title"],
                snippet=move["snippet"], category=move["category"] or "other", negative=bool(move["negative"]),
                previous_rank=move["previous_rank"], had_previous=before is not None,
                visible_since=parse_iso(on_since.get((engine, query, normalize_url(move["url"])))),
                above_own=move["above_own"])

        moves = movement(before or [], rows)
        own_ranks = [r["rank"] for r in rows if r["category"] == "own"]
        blocks.append(SearchBlock(
            engine=engine, query=query, crawled_at=parse_iso(rows[0]["seen_at"]) if rows else None,
            results=[row(move) for move in moves if move["status"] != "dropped"], visibility=rules.visibility(rows),
            visibility_before=rules.visibility(before) if before is not None else None,
            own_best_rank=min(own_ranks) if own_ranks else None,
            left=[row(move) for move in moves if rows and rules.left_page_one(move["previous_rank"], move["rank"])
                  and rules.complaint(move["category"], move["negative"])],  # an empty check tells no one left
        ))
    return blocks


def reply_speed(negatives: list[ReviewRow]) -> ReplySpeed:
    """Hours from exact pairs only; pairs dated by day count as same day or within rules.REPLY_DAYS days."""
    timings = [r.reply_timing for r in negatives if r.reply_timing is not None]
    delays = [t.delta for t in timings if t.delta is not None]
    return ReplySpeed(
        negatives=len(negatives), replied=sum(1 for r in negatives if r.replied),
        within_hour=sum(t.within_hours(1) for t in timings), within_day=sum(t.within_hours(24) for t in timings),
        median=median(delays) if delays else None, by_day=sum(t.precision == "day" and not t.before_review for t in timings),
        same_day=sum(t.within_days(0) for t in timings),
        within_days=sum(t.within_days(rules.REPLY_DAYS) for t in timings),
        before_review=sum(t.before_review for t in timings),
    )


def charts(config: Config, client: Client, store: Store, until) -> tuple[list[str], list[str]]:
    """The trend charts (SVG) and, for each chart left out, why; weeks run Monday to Sunday in the client's zone."""
    start, zone = until - timedelta(weeks=2 * WEEKS + 1), ZoneInfo(client.timezone)
    rows = []
    for row in store.trend_rows(client.id, iso_utc(start), threshold=client.negative_threshold):
        published = parse_iso(row["published_at"])
        delay = rules.reply_delay(published, parse_iso(row["reply_at"]), published_precision=row["published_precision"],
                                  reply_precision=row["reply_precision"], tz=client.timezone)
        if published is not None and row["published_precision"] == "day":  # that calendar day in the client's zone
            published = datetime.combine(published.date(), time(), zone)
        rows.append({
            "source": row["source"], "when": published or parse_iso(row["first_seen_at"]),
            "negative": bool(row["negative"]), "stars": rules.stars(row["rating"], row["rating_max"]),
            "reply_hours": delay.delta.total_seconds() / 3600 if delay and delay.delta is not None else None,
        })
    b = config.agency.branding
    tz = client.timezone
    period = _("%(num)d weeks to %(date)s", num=WEEKS, date=format_date(until, tz))
    compare = _("the %(num)d weeks to %(date)s", num=WEEKS, date=format_date(until - timedelta(weeks=WEEKS), tz))
    return trend_charts(rows, until.astimezone(zone), primary=b.primary_color, accent=b.accent_color, period=period,
                        compare=compare)


OLDER_LISTED = 200  # unanswered negatives from before the period listed one by one; older ones are counted


def _waiting_since(r: ReviewRow) -> datetime:
    return r.published_at or r.first_seen_at


def listed_unanswered(unanswered: list[ReviewRow], negatives: list[ReviewRow],
                      older: int = OLDER_LISTED) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """What the report lists of the unanswered negatives (newest first) and what it only counts: every one of the
    period's `negatives` in full, then the newest `older` of the rest; never the newest dropped for the oldest."""
    ours = {(r.source, r.source_id) for r in negatives}
    listed = [r for r in unanswered if (r.source, r.source_id) in ours]
    others = [r for r in unanswered if (r.source, r.source_id) not in ours]
    listed += others[:older]
    return sorted(listed, key=_waiting_since, reverse=True), others[older:]


def post_row(row: dict) -> PostRow:
    return PostRow(source=row["source"], url=row["url"], parent_url=row["parent_url"], author=row["author"],
                   title=row["title"], text=row["text"], language=row["language"],
                   published_at=parse_iso(row["published_at"]), first_seen_at=parse_iso(row["first_seen_at"]),
                   negative=bool(row["negative"]), source_id=row.get("source_id"),
                   published_precision=row.get("published_precision"))


class Period:
    """What was new in one period (after `since`, up to `until`): reviews and posts, less imported history."""

    def __init__(self, client: Client, store: Store, since: str | None, until: str):
        self._ends = store.history_ends(client.id)  # per source URL, through the crawl that first found the item
        self._names = client.names
        history = self._history
        rows = store.reviews_since(client.id, since, until, threshold=client.negative_threshold)
        fresh = [r for r in rows if not history(r)]
        self.history = sum(1 for r in rows if history(r) and rules.first_seen_after(r["first_seen_at"], since))
        self.new = [review_row(r, client.timezone) for r in fresh if rules.first_seen_after(r["first_seen_at"], since)]
        self.negatives = [review_row(r, client.timezone) for r in fresh if r["negative"]]
        self.posts = [post_row(r) for r in self.mentions(store.posts_since(client.id, since, until))]
        self.older_mentions = 0

    def _history(self, row: dict) -> bool:
        end = self._ends.get(row.get("first_crawl_id"))
        return rules.history(row["first_seen_at"], row["negative_since"], row["published_at"], end)

    def mentions(self, rows: list[dict]) -> list[dict]:
        """The posts that are mentions of the client: not imported history, not the client's own."""
        return [r for r in rows if not self._history(r) and not written_by(r["author"], self._names)]

    def open_mentions(self, store: Store, client: Client, since: str | None, until: str,
                      replies: dict) -> list[PostRow]:
        """The negative mentions still open up to `until` (rules.mention_open), any period's; counts the older
        ones (past the window, unanswered) in `older_mentions`."""
        negative = [r for r in self.mentions(store.posts_since(client.id, None, until))
                    if rules.negative(None, None, text_negative=r["negative"])]

        def posted(row: dict) -> str | None:
            return (replies.get((row["source"], row["source_id"])) or {}).get("posted_at")

        self.older_mentions = sum(rules.mention_older(r["first_seen_at"], since, until, posted(r)) for r in negative)
        return [post_row(r) for r in negative if rules.mention_open(r["first_seen_at"], since, until, posted(r))]

    def summary(self, known_at: datetime | None = None, **fields) -> Summary:
        """The period's figures; `known_at`: its negatives answered as a report with that cutoff knew them
        (rules.answered_by), not as they are now."""
        negative_posts = sum(1 for p in self.posts if rules.negative(None, None, text_negative=p.negative))
        replied = [r for r in self.negatives
                   if r.replied and (known_at is None or rules.answered_by(r.reply_seen_at, known_at))]
        return Summary(new_reviews=len(self.new), new_negatives=len(self.negatives), history=self.history,
                       new_mentions=len(self.posts), negative_mentions=negative_posts, negatives_replied=len(replied),
                       older_mentions=self.older_mentions, **fields)


def _visibility_before(blocks: list[SearchBlock]) -> float | None:
    """The mean visibility at the last report over the same (engine, query) pairs as now; None (not comparable)
    when a search is new since then."""
    read = [b for b in blocks if not b.found_nothing]
    if not read or any(b.visibility_before is None for b in read):
        return None
    return _mean([b.visibility_before for b in read])


def _page_one_complaints(snapshot: dict[tuple[str, str], list[dict]]) -> int:
    return len({normalize_url(r["url"]) for rows in snapshot.values() for r in rows
                if rules.on_page_one(r["rank"]) and rules.complaint(r["category"], r["negative"])})


def spike_line(alert: dict, client: Client, now: str) -> str:
    """A spike alert in the report: "3 negative reviews within the hour on Trustpilot, 7 Mar (an alert went out at
    14:05)", in the reader's language, saying what became of its alert (spikes.delivery)."""
    start, precision = burst_start(alert["item_key"]) or parse_iso(alert["created_at"]), burst_precision(alert["text"])
    line = _("%(title)s on %(site)s, %(day)s", title=spikes.title(alert), site=sites.label(alert["source"]),
             day=format_day(start, client.timezone, precision))
    told = spikes.delivery(alert, client, now, named_day=local_day(start, client.timezone, precision))
    return _("%(spike)s (%(delivery)s)", spike=line, delivery=told) if told else line


def _start(store: Store, client: Client, since: str | None, firsts: dict[str, dict], until: str) -> str:
    """Where a period starts: the last report's cutoff; for the first report (a baseline) what it covers,
    rules.HISTORY_WINDOW before the first crawl's end (what was found published earlier is history, not new), or
    when the first item was seen if that is earlier (with no crawl nothing is history)."""
    if since is not None:
        return since
    ends = [f["history_end"] or f["started"] for f in firsts.values() if f["history_end"] or f["started"]]
    starts = [stamp(parse_iso(min(ends)) - rules.HISTORY_WINDOW)] if ends else []  # found outside a crawl: all new
    first = store.first_seen(client.id)
    return min(starts + ([first] if first else [])) if starts or first else until


SENT_FIGURES = ("new_reviews", "new_negatives", "negatives_replied", "unanswered_negatives", "avg_rating",
                "reviews_total", "reviews_rated", "new_mentions", "negative_mentions", "complaints_on_page_one")
"""The Summary figures a report shows with "(was …)" (scoreboard.headline_figures): kept with it as sent."""


def sent_figures(data: ReportData) -> dict:
    """What a report keeps of itself for the next one (store.add_report's `figures`): its SENT_FIGURES and the start
    its period label names."""
    return {"period_start": stamp(data.period_start), **{name: getattr(data.summary, name) for name in SENT_FIGURES}}


def previous_summary(config: Config, client: Client, store: Store, since: str, firsts: dict[str, dict],
                     all_reviews: list[ReviewRow]) -> tuple[Summary, str]:
    """The previous period's figures and its name ("27 Oct 2026 – 3 Nov 2026"; "up to 1 Nov 2026" for a baseline)
    as the report sent then said them (its reports row, store.sent_figures), whatever today's rules or rows found
    late say of that period since. Only what no row holds is computed (a row from before m028 holds the new and
    new negative counts alone; a `--since` no sent report ended at holds nothing): from the report before the last,
    up to the last report's cutoff, as that report knew them (its replies: rules.answered_by)."""
    last = store.sent_report_ending(client.id, since)
    sent = store.sent_figures(last) if last else {}
    cutoff = parse_iso(since)
    if all(name in sent for name in SENT_FIGURES):
        summary = Summary(avg_rating_before=None, **{name: sent[name] for name in SENT_FIGURES})
    else:
        summary = replace(_recomputed(config, client, store, last["period_start"] if last else None, since,
                                      all_reviews), **{name: sent[name] for name in SENT_FIGURES if name in sent})
    start = parse_iso(sent["period_start"]) if last else \
        parse_iso(_start(store, client, None, firsts, since))
    return summary, period_label(start if start is not None and start < cutoff else None, cutoff, client.timezone)


def _recomputed(config: Config, client: Client, store: Store, before: str | None, since: str,
                all_reviews: list[ReviewRow]) -> Summary:
    period = Period(client, store, before, since)
    cutoff = parse_iso(since)
    open_then = [r for r in all_reviews if r.first_seen_at <= cutoff and r.negative
                 and not rules.answered_by(r.reply_seen_at, cutoff)]
    stats = store.review_stats(client.id, since, threshold=client.negative_threshold)
    return period.summary(cutoff, avg_rating=stats["avg_rating"], avg_rating_before=None,
                          unanswered_negatives=len(open_then), reviews_total=stats["total"],
                          reviews_rated=stats["rated"],
                          complaints_on_page_one=_page_one_complaints(store.search_snapshot(
                              client.id, since, configured(config.search.engines, client.queries))))


def build(config: Config, client: Client, store: Store, *, since: str | None, until: datetime,
          preview: bool = False) -> ReportData:
    """The report for what was first seen (or turned negative) after `since`, up to `until`; with no
    `since` (the first report) a baseline: each source's first crawl imports history (rules.history).
    Its words (chart titles, health sentences, dates) are in the client's language, as is what renders it.
    A `preview` writes nothing (no reply drafts): it lists the drafts there are."""
    with i18n.language(client.language):
        return _build(config, client, store, since=since, until=until, preview=preview)


def _build(config: Config, client: Client, store: Store, *, since: str | None, until: datetime,
           preview: bool) -> ReportData:
    until_iso, threshold = stamp(until), client.negative_threshold
    firsts = store.first_crawls(client.id)
    period = Period(client, store, since, until_iso)
    if not preview:
        draft_open(config, client, store, until)  # errors show in `repscan replies list`; the report lists what it has
    replies = store.replies_by_item(client.id)
    mentions_open = period.open_mentions(store, client, since, until_iso, replies)
    all_reviews = [review_row(r, client.timezone)
                   for r in store.reviews_since(client.id, None, until_iso, threshold=threshold)]
    now_stats = store.review_stats(client.id, until_iso, threshold=threshold)
    before = store.review_stats(client.id, since, threshold=threshold)["avg_rating"] if since else None
    search = search_blocks(config, client, store, since=since, until=until_iso)
    previous, compared = previous_summary(config, client, store, since, firsts, all_reviews) if since else (None, None)
    summary = period.summary(
        avg_rating=now_stats["avg_rating"], avg_rating_before=before,
        unanswered_negatives=now_stats["unanswered"] or 0, reviews_total=now_stats["total"],
        reviews_rated=now_stats["rated"],
        complaints_on_page_one=len({normalize_url(r.url) for block in search for r in block.complaints}),
        visibility=_mean([b.visibility for b in search if not b.found_nothing]),
        visibility_before=_visibility_before(search), previous=previous,
        spikes=tuple(spike_line(a, client, until_iso) for a in store.spike_alerts(client.id, since, until_iso)),
    )
    unanswered, rest = listed_unanswered(
        [review_row(r, client.timezone) for r in store.unanswered_negatives(client.id, until_iso, threshold=threshold)],
        period.negatives)
    sources = source_health(config, client, store, until)
    cutoff = parse_iso(since)
    answered = [r for r in all_reviews if r.negative and r.replied and (r in period.negatives or (
        cutoff is not None and rules.answered_since(r.first_seen_at, r.reply_at, r.reply_seen_at, cutoff)))]
    keys = list(dict.fromkeys(s.site for s in client.sources))
    mentions = {key: sum(1 for p in period.posts if p.source == key) for key in keys}
    pages = [(s.site, s.url) for s in client.sources]  # a page no source names any more never counts
    scoreboard = platform_scores(keys, all_reviews, mentions, store.business_summaries(client.id, until_iso, pages),
                                 store.business_summaries(client.id, since, pages) if since else None,
                                 {key: worst([s for s in sources if s.site == key]) for key in keys})
    svgs, notes = charts(config, client, store, until)
    locator = locations.Locator(client, store.item_origins(client.id) if client.locations else {})
    by_location = locations.table(client, locator, period.new, period.negatives,
                                  store.review_stats_by_origin(client.id, until_iso, threshold=threshold), reply_speed,
                                  sources)
    return ReportData(
        branding=branding(config), client_id=client.id, client_name=client.name, timezone=client.timezone,
        period_start=parse_iso(_start(store, client, since, firsts, until_iso)), period_end=until,
        generated_at=until, summary=summary, negatives=period.negatives, new_reviews=period.new,
        sources=sources, search=search, reply_speed=reply_speed(period.negatives), unanswered=unanswered,
        unanswered_more=len(rest), unanswered_more_since=min((_waiting_since(r) for r in rest), default=None),
        charts=svgs, chart_notes=notes, posts=period.posts,
        actions=action_list(unanswered, mentions_open, search, replies, locate=locator.name),
        answered=sorted(answered, key=lambda r: r.reply_at or r.first_seen_at), scoreboard=scoreboard,
        locations=by_location, compared_with=compared, text_judge=" and ".join(store.text_judges(client.id, since, until_iso)) or text_judge(),
        competitors=compare(config, client, store, since=since, until=until),
        language=i18n.current(),
    )
