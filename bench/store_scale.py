"""Scale of the store: 1,000,000 reviews over 1,000 clients. Time to ingest them through Store.save_items, the
database size, and the time of the report's queries ('new negatives since the last report' first), with the
query plans; candidate indexes are created in the benchmark's own database and the queries timed again.

Each client gets 12 weeks of history the way crawls write it: an import of 870 reviews, then 11 weekly
crawls of 10 new reviews (plus 10 already stored, seen again) and this week's crawl of 20 new;
a search crawl of 3 queries x 10 results every week; a crawls row per source and crawl; a sent
report every week. Then 90 days of 4-hourly crawl rows per source (the `crawls` history a real
schedule leaves; inserted directly, one INSERT per row is all start_crawl/finish_crawl do) and an alert
row for every negative review (the state after `repscan run` alerted on them).

    python -m bench.store_scale [--quick] [--clients N] [--keep DIR] [--json]
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import median

from bench._common import options, ENGINE, count_rows, print_result, raw_database, review_items, search_items, table, write_config
from repscan.core import rules
from repscan.core.store import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
HISTORY, WEEKLY, WEEKS, THIS_WEEK, SEEN_AGAIN = 870, 10, 11, 20, 10  # 870 + 11 * 10 + 20 = 1,000 a client
SOURCES = ("trustpilot", "jsonld")
QUERIES = 3
CRAWL_HISTORY_DAYS = 90
SAMPLE = 20  # clients whose queries are timed

# Indexes to try, in order (each kept for the next); the queries they are for.
CANDIDATES = [
    ("crawls(client_id, source, status, finished_at)",
     "CREATE INDEX bench_crawls_first_ok ON crawls(client_id, source, status, finished_at)",
     "alert_candidates: each source's first ok crawl, MIN(finished_at)"),
]


def ingest(store, clients: list[str], rng: random.Random, progress) -> dict:
    """Write every client's 12 weeks through the store's API; seconds per kind of write."""
    from repscan.core.items import stamp

    spent = {"reviews": 0.0, "search": 0.0, "crawls": 0.0, "reports": 0.0}
    counts = {"reviews": 0, "seen_again": 0, "search_results": 0, "crawls": 0, "reports": 0}
    start = NOW - timedelta(weeks=WEEKS + 1)
    stored: dict[str, list[dict]] = {}

    def crawl(client_id, source, when, items, search=False):
        began = time.perf_counter()
        url = f"{QUERIES} queries" if search else f"https://{source}.example/b/{client_id}"
        crawl_id = store.start_crawl(client_id, source, "Spider", url, started_at=stamp(when))
        spent["crawls"] += time.perf_counter() - began
        began = time.perf_counter()
        new = 0
        for first in range(0, len(items), 200):  # the store pipeline's batch size
            new += store.save_items(client_id, items[first:first + 200], crawl_id=crawl_id,
                                    seen_at=stamp(when + timedelta(minutes=5)))["new"]
        spent["search" if search else "reviews"] += time.perf_counter() - began
        began = time.perf_counter()
        store.finish_crawl(crawl_id, status="ok", items=len(items), new_items=new, requests=2, pages=2, full=False,
                           error=None)
        spent["crawls"] += time.perf_counter() - began
        counts["crawls"] += 1

    for week in range(WEEKS + 2):
        when = start + timedelta(weeks=week) if week <= WEEKS else NOW - timedelta(hours=2)
        for client_id in clients:
            if week == 0:
                items = review_items(rng, client_id, 0, HISTORY, newest=when, spacing_hours=24 * 365 / HISTORY)
                again = []
            else:
                count = THIS_WEEK if week == WEEKS + 1 else WEEKLY
                first = HISTORY + (week - 1) * WEEKLY
                items = review_items(rng, client_id, first, count, newest=when, spacing_hours=24 * 6 / count)
                again = stored[client_id][-SEEN_AGAIN:]  # the rest of page one: stored, seen again
            stored.setdefault(client_id, []).extend(items)
            counts["reviews"] += len(items)
            counts["seen_again"] += len(again)
            for source in SOURCES:
                crawl(client_id, source, when, [i for i in items + again if i["source"] == source])
            names = [f"{client_id} plumbing", f"{client_id} plumbing reviews", f"{client_id} complaints"][:QUERIES]
            results = search_items(rng, client_id, names)
            counts["search_results"] += len(results)
            crawl(client_id, ENGINE, when + timedelta(minutes=30), results, search=True)
            if week <= WEEKS and week > 0:
                began = time.perf_counter()
                end = when + timedelta(hours=1)
                report = store.add_report(client_id, period_start=stamp(end - timedelta(weeks=1)), period_end=stamp(end),
                                          pdf_path=f"reports/{client_id}-{week}.pdf", new_reviews=WEEKLY, new_negatives=3)
                store.mark_sent(report, sent_at=stamp(end))
                spent["reports"] += time.perf_counter() - began
                counts["reports"] += 1
            stored[client_id] = stored[client_id][-SEEN_AGAIN:]  # only what the next week sees again
        progress(f"week {week}: {counts['reviews']:,} reviews")
    return {"seconds": spent, "counts": counts}


class TracedStore(Store):
    """The store, with the SQL its methods run recorded (what each timed query ran, for its plan)."""

    def traced(self, call) -> list[str]:
        seen: list[str] = []
        self._db.conn.set_trace_callback(seen.append)
        try:
            call()
        finally:
            self._db.conn.set_trace_callback(None)
        return seen


def crawl_history(raw, clients: list[str]) -> tuple[int, float]:
    """90 days of 4-hourly crawls per source, as the schedule leaves them (direct inserts)."""
    from repscan.core.items import stamp

    began = time.perf_counter()
    total = 0
    for client_id in clients:
        rows = []
        for source in SOURCES:
            for n in range(CRAWL_HISTORY_DAYS * 6):
                started = NOW - timedelta(days=CRAWL_HISTORY_DAYS) + timedelta(hours=4 * n, minutes=1)
                rows.append({"client_id": client_id, "source": source, "spider": "Spider",
                             "url": f"https://{source}.example/b/{client_id}", "started_at": stamp(started),
                             "finished_at": stamp(started + timedelta(seconds=20)),
                             "status": "ok" if n % 50 else "error", "items": 20, "new_items": 0, "requests": 1,
                             "pages": 1, "full": 0, "error": None if n % 50 else "HTTP 503"})
        with raw.atomic():
            raw["crawls"].insert_all(rows, batch_size=2000)
        total += len(rows)
    return total, time.perf_counter() - began


def alerted(raw) -> tuple[int, float]:
    began = time.perf_counter()
    with raw.atomic():
        cursor = raw.execute(
            "INSERT INTO alerts (client_id, kind, item_key, created_at, due_at, sent_at, channels, source, title, text,"
            " url, rating, rating_max) SELECT client_id, 'review', source || ':' || source_id, first_seen_at,"
            " first_seen_at, first_seen_at, 'email', source, title, text, url, rating, rating_max FROM reviews"
            f" WHERE {rules.negative_sql(repr(rules.DEFAULT_THRESHOLD))}")
        rows = cursor.rowcount
        cursor = raw.execute(  # complaints seen on page one
            "INSERT OR IGNORE INTO alerts (client_id, kind, item_key, created_at, due_at, sent_at, channels, source,"
            " title, text, url) SELECT client_id, 'search', engine || ':' || query || ':' || url, MIN(seen_at),"
            " MIN(seen_at), MIN(seen_at), 'email', engine, title, snippet, url FROM search_results"
            f" WHERE {rules.on_page_one_sql()} AND {rules.complaint_sql()}"
            " GROUP BY client_id, engine, query, url")
        rows += cursor.rowcount
    return rows, time.perf_counter() - began


def db_size(raw, path: Path) -> dict:
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    out = {"bytes": page_size * pages, "file_bytes": path.stat().st_size}
    try:
        rows = raw.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        out["objects"] = {name: size for name, size in rows}
    except Exception:  # noqa: BLE001 (SQLite built without DBSTAT)
        out["objects"] = {}
    return out


def report_queries(config, store, client_id: str) -> dict:
    """Each query the report and the run make for one client: name -> callable."""
    from repscan.core.items import stamp
    from repscan.reports import queries

    last = store.last_sent_report(client_id)
    since, until = last["period_end"], stamp(NOW)
    client = config.client(client_id)
    threshold = client.negative_threshold
    return {
        "reviews_since: new and newly negative since the last report": lambda: [
            r for r in store.reviews_since(client_id, since, until, threshold=threshold) if r["negative"]],
        "last_sent_report": lambda: store.last_sent_report(client_id),
        "review_stats (now)": lambda: store.review_stats(client_id, until, threshold=threshold),
        "review_stats (at the last report)": lambda: store.review_stats(client_id, since, threshold=threshold),
        "unanswered_negatives": lambda: store.unanswered_negatives(client_id, threshold=threshold),
        "trend_rows (25 weeks)": lambda: store.trend_rows(client_id, stamp(NOW - timedelta(weeks=25)), threshold=threshold),
        "search_snapshot (now)": lambda: store.search_snapshot(client_id, until),
        "search_snapshot (at the last report)": lambda: store.search_snapshot(client_id, since),
        "search_on_page_one_since": lambda: store.search_on_page_one_since(client_id, until),
        "source_states (source health)": lambda: store.source_states(client_id),
        "queries.build: the whole report's data": lambda: queries.build(config, client, store, since=since, until=NOW),
        "known_ids (every crawl's start)": lambda: store.known_ids(client_id, "trustpilot"),
        "alert_candidates (every `repscan run`)": lambda: store.alert_candidates(
            client_id, threshold=threshold),
    }


def time_queries(config, store, sample: list[str], repeat: int = 3) -> dict[str, dict]:
    """Median and max over the sampled clients of each query's median of `repeat` calls; the SQL it ran."""
    per_query: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    for n, client_id in enumerate(sample):
        for name, call in report_queries(config, store, client_id).items():
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                result = call()
                times.append(time.perf_counter() - began)
            per_query.setdefault(name, []).append(median(times))
            if n == 0:
                rows[name] = len(result) if hasattr(result, "__len__") else 1
                seen = store.traced(call)
                statements[name] = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    return {name: {"median_ms": median(t) * 1000, "max_ms": max(t) * 1000, "rows": rows.get(name),
                   "sql": statements.get(name, [])} for name, t in per_query.items()}


def plans(store, statements: list[str]) -> list[str]:
    out = []
    for sql in statements:
        try:
            steps = [tuple(step.values()) for step in store.query(f"EXPLAIN QUERY PLAN {sql}")]
        except Exception as exc:  # noqa: BLE001
            steps = [(0, 0, 0, f"(no plan: {exc})")]
        out.append("; ".join(step[3] for step in steps))
    return out


def browse_queries(config, store, client_id: str) -> dict[str, dict]:
    """Datasette's canned queries (repscan browse), for one client and for all."""
    from repscan.core.store import canned_queries

    canned = canned_queries({client.id: client.negative_threshold for client in config.clients})
    # The queries' "last 7 days" end at the data's last crawl, not at the clock: the data is dated when it was
    # generated, and a clock days later would find no new negatives and time an empty answer.
    latest = store.query("SELECT MAX(first_seen_at) AS at FROM reviews")[0]["at"]
    out = {}
    for key in ("new_negatives", "unanswered"):
        for who in (client_id, ""):
            sql = canned[key]["sql"].replace("'now'", f"'{latest}'")
            began = time.perf_counter()
            count = len(store.query(sql, {"client_id": who}))
            out[f"{key} ({'one client' if who else 'all clients'})"] = {
                "ms": (time.perf_counter() - began) * 1000, "rows": count}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = options("store_scale", __doc__, "100 clients (100,000 reviews)")
    parser.add_argument("--clients", type=int, help="clients of 1,000 reviews each (default 1,000; 100 with --quick)")
    parser.add_argument("--keep", type=Path, help="keep the benchmark database in this folder")
    args = parser.parse_args(argv)
    n_clients = args.clients or (100 if args.quick else 1_000)

    from repscan.core import config as config_mod

    def progress(message: str) -> None:
        if not args.json:
            print(f"  store_scale: {message} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="repscan-bench-"))
    try:
        clients = [f"client-{n:04d}" for n in range(n_clients)]
        config = config_mod.load(write_config(tmp, [
            {"id": c, "queries": [f"{c} plumbing", f"{c} plumbing reviews", f"{c} complaints"],
             "sources": [(s, f"https://{s}.example/b/{c}") for s in SOURCES]} for c in clients]))
        store = TracedStore(config.database)
        raw = raw_database(config.database)  # beside the Store API: bulk seeding, candidate indexes, PRAGMAs
        rng = random.Random(7)
        began = time.perf_counter()
        ingested = ingest(store, clients, rng, progress)
        ingest_wall = time.perf_counter() - began
        history_rows, history_s = crawl_history(raw, clients)
        alert_rows, alerts_s = alerted(raw)
        progress("seeded")
        size = db_size(raw, config.database)
        totals = {table_name: count_rows(store, table_name) for table_name in ("reviews", "review_versions", "search_results", "crawls", "reports", "alerts")}

        sample = clients[:: max(1, n_clients // SAMPLE)][:SAMPLE]
        before = time_queries(config, store, sample)
        progress("queries timed")
        for name, figures in before.items():
            figures["plan"] = plans(store, figures["sql"])
        browse = browse_queries(config, store, sample[0])

        # Every `repscan run` collects alert candidates for every client (reports.alerts.collect).
        def all_alerts() -> float:
            began = time.perf_counter()
            for client_id in clients:
                store.alert_candidates(client_id, threshold=config.client(client_id).negative_threshold)
            return time.perf_counter() - began

        alerts_all_before = all_alerts()
        progress("alert_candidates for every client timed")

        after_steps = []
        for label, ddl, why in CANDIDATES:
            began = time.perf_counter()
            raw.execute(ddl)
            created_s = time.perf_counter() - began
            timed_after = time_queries(config, store, sample)
            for figures in timed_after.values():
                figures["plan"] = plans(store, figures["sql"])
            after_steps.append({"index": label, "ddl": ddl, "why": why, "create_s": created_s, "queries": timed_after,
                                "alerts_all_s": all_alerts()})
            progress(f"with {label}")
        size_after = db_size(raw, config.database)
        raw.close()
        store.close()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(config.database, args.keep / "repscan.db")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    counts, spent = ingested["counts"], ingested["seconds"]
    text = table(["what was written (through the Store API)", "rows", "seconds", "rows/s"], [
        ["reviews: Store.save_items, batches of 200 (new)", counts["reviews"], spent["reviews"], counts["reviews"] / spent["reviews"]],
        ["  of which seen again (updates, counted in the seconds above)", counts["seen_again"], None, None],
        ["search results: Store.save_items", counts["search_results"], spent["search"], counts["search_results"] / spent["search"]],
        ["crawls rows: start_crawl + finish_crawl", counts["crawls"], spent["crawls"], counts["crawls"] / spent["crawls"]],
        ["reports: add_report + mark_sent", counts["reports"], spent["reports"], counts["reports"] / spent["reports"]],
        ["all of the above, wall clock (data generation included)", None, ingest_wall, None],
        [f"crawl history, {CRAWL_HISTORY_DAYS} days x 6 a day x {len(SOURCES)} sources (insert_all)", history_rows, history_s, history_rows / history_s],
        ["alerts for every negative review and page-one complaint (INSERT ... SELECT)", alert_rows, alerts_s, alert_rows / alerts_s],
    ])
    text += "\n\n" + table(["table", "rows"], [[k, v] for k, v in totals.items()])
    objects = sorted(size["objects"].items(), key=lambda kv: -kv[1])[:12]
    text += (f"\n\nDatabase size: **{size['bytes'] / 1e6:,.0f} MB** ({size['bytes'] / totals['reviews']:,.0f} bytes a review, "
             f"everything included); largest objects:\n\n")
    text += table(["table or index", "MB"], [[name, bytes_ / 1e6] for name, bytes_ in objects])
    text += (f"\n\nQueries for one client (median over {len(sample)} clients of the median of 3 calls; warm cache):\n\n")
    names = list(before)
    header = ["query", "rows", "ms (median)", "ms (max)"] + [f"ms with + {step['index']}" for step in after_steps]
    rows = []
    for name in names:
        rows.append([name, before[name]["rows"], before[name]["median_ms"], before[name]["max_ms"]]
                    + [step["queries"][name]["median_ms"] for step in after_steps])
    text += table(header, rows)
    text += (f"\n\nalert_candidates for all {n_clients:,} clients (what every `repscan run` does): "
             f"**{alerts_all_before:.1f} s**" + "".join(f"; with + {s['index']}: {s['alerts_all_s']:.1f} s" for s in after_steps)
             + ".\n\n")
    text += table(["Datasette canned query (repscan browse)", "rows", "ms"], [[k, v["rows"], v["ms"]] for k, v in browse.items()])
    text += "\n\nQuery plans (SQLite's EXPLAIN QUERY PLAN, each distinct plan once):\n\n"
    for name in names:
        if name.startswith("queries.build"):
            continue  # the queries above, together
        for plan in dict.fromkeys(before[name]["plan"]):
            text += f"- {name}: `{plan}`\n"
    previous = before
    for step in after_steps:
        text += f"\nIndex tried: `{step['ddl']}` (created in {step['create_s']:.1f} s; for {step['why']}). Plans that changed:\n\n"
        changed = False
        for name in names:
            if name.startswith("queries.build"):
                continue
            old, new = dict.fromkeys(previous[name]["plan"]), dict.fromkeys(step["queries"][name]["plan"])
            if list(old) != list(new):
                changed = True
                for plan in new:
                    text += f"- {name}: `{plan}`\n"
        if not changed:
            text += "- none\n"
        previous = step["queries"]
    text += f"\nDatabase size with the candidate indexes: {size_after['bytes'] / 1e6:,.0f} MB.\n"
    data = {"clients": n_clients, "ingest": ingested, "ingest_wall_s": ingest_wall, "crawl_history": [history_rows, history_s],
            "alerts": [alert_rows, alerts_s], "size": size, "size_after": size_after, "totals": totals,
            "queries": before, "browse": browse, "alerts_all_s": alerts_all_before, "after": after_steps}
    print_result(f"Scale of the store: {totals['reviews']:,} reviews over {n_clients:,} clients", text, data, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
