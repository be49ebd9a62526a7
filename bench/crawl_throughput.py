"""Crawl throughput: pages and items per second over a local Trustpilot-structured site, with the full item pipeline
(normalise -> classify -> store) against the same spider with ITEM_PIPELINES = {}, for a first crawl and for a full
recrawl of the stored site. Goal: pipeline overhead <= 10% of the crawl's CPU time. The full pipeline runs twice: as
`repscan crawl` runs it, and without the evidence copies (REPSCAN_EVIDENCE off: no page of a negative review is
compressed and kept), so the copies' share is its own figure.

    python -m bench.crawl_throughput [--quick] [--repeat N] [--json]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from types import SimpleNamespace

from bench._common import (options, PER_PAGE, TrustpilotSite, make_business, print_result, python, raw_database, run_measured,
                           table, write_config)

GOAL = 0.10


def load_average() -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes (other engineers share its two cores)."""
    return [round(value, 2) for value in os.getloadavg()]


KINDS = (("spider", "spider only (ITEM_PIPELINES = {})"),
         ("no-evidence", "full pipeline without evidence copies (REPSCAN_EVIDENCE off)"),
         ("full", "full pipeline as `repscan crawl` (normalise, classify, store, evidence copies: one step)"))


def crawl_once(site: TrustpilotSite, folder: Path, kind: str, stored: Path | None = None) -> dict:
    """One crawl of a KINDS kind in its own process: a first crawl, or with `stored` (a database holding the site) a
    full recrawl."""
    pipelines = kind != "spider"
    config = write_config(folder, [{"id": "acme", "name": "Acme Plumbing", "sources": [("trustpilot", site.source_url)]}],
                          max_pages=100_000)
    if stored:
        shutil.copy(stored, folder / "repscan.db")
    before = site.page_hits()
    result = run_measured(python("-m", "bench.crawl_runner", "--config", str(config),
                                 *([] if pipelines else ["--no-pipelines"]),
                                 *(["--no-evidence"] if kind == "no-evidence" else []), *(["--full"] if stored else [])))
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout)
    spider = figures["spiders"][0]
    if spider["errors"]:
        raise SystemExit(f"crawl had errors: {spider['errors']}")
    reviews = figures["stored"] if pipelines else None
    crawl_cpu, inside = spider["crawl_cpu_seconds"], figures.get("pipeline_cpu_seconds")
    if pipelines:  # the timer's own cost is no part of `repscan crawl`: taken off both figures (the raw ones are kept)
        timer = figures["timer"]
        crawl_cpu -= timer["calls"] * timer["added_per_call"]
        inside -= timer["calls"] * timer["counted_per_call"]
    return {
        "kind": kind, "pipelines": pipelines, "pages": spider["pages"], "requests": spider["requests"],
        "site_hits": site.page_hits() - before,
        "items": spider["items"],  # reviews + one business summary a page, as the spider yields them
        "case": "recrawl" if stored else "first",
        "reviews": reviews, "crawl_s": spider["crawl_seconds"], "crawl_cpu_s": crawl_cpu,
        "crawl_cpu_raw_s": spider["crawl_cpu_seconds"], "pipeline_cpu_raw_s": figures.get("pipeline_cpu_seconds"),
        "timer": figures.get("timer"),
        "reactor_s": figures["seconds"], "process_cpu_s": result.cpu_s,
        "process_s": result.seconds, "max_rss_mb": result.max_rss_mb,
        "crawl_row": figures.get("crawls", [None])[-1] if pipelines else None,
        "evidence_pages": figures.get("evidence_pages", 0),
        "pipeline_cpu_s": inside,
    }


def pipeline_breakdown(site: TrustpilotSite, pages: int) -> dict:
    """Where the pipeline's time goes, outside Scrapy: each stage over the same items, in this process.
    blocked.detect runs first, as in the spider, so its time includes lxml parsing each page (extraction reuses it)."""
    from scrapy.http import HtmlResponse

    from repscan.core.rules import DEFAULT_THRESHOLD
    from repscan.core.store import Store
    from repscan.core.store.evidence import Page, wanted
    from repscan.spiders.pages import blocked, trustpilot
    from repscan.core.items import normalise
    from repscan.spiders.pipelines import StorePipeline, classify_item

    responses = [HtmlResponse(url=f"{site.source_url}?page={n}&sort=recency", body=site.pages[n], encoding="utf-8")
                 for n in range(1, pages + 1)]
    started = time.perf_counter()
    for response in responses:
        blocked.detect(response)
    detect_s = time.perf_counter() - started
    started = time.perf_counter()
    items = []
    for response in responses:
        items += trustpilot.extract(response)
        trustpilot.next_page(response)
    extract_s = time.perf_counter() - started

    started = time.perf_counter()
    items = [normalise(item) for item in items]
    normalise_s = time.perf_counter() - started

    started = time.perf_counter()
    items = [classify_item(item, DEFAULT_THRESHOLD) for item in items]
    classify_s = time.perf_counter() - started

    # the pipeline's own step (both of the above in one call), on fresh copies of the spider's items
    pipeline = StorePipeline.__new__(StorePipeline)
    pipeline.crawler = SimpleNamespace(spider=SimpleNamespace(threshold=DEFAULT_THRESHOLD),
                                       stats=SimpleNamespace(inc_value=lambda *a, **k: None))
    fresh = [item for response in responses for item in trustpilot.extract(response)]
    started = time.perf_counter()
    for item in fresh:
        pipeline.prepare(item)
    prepare_s = time.perf_counter() - started

    pages_of = [(item, Page(url=response.url, body=response.body, status=200, fetched_at="2026-12-01T09:00:00.000000Z"))
                for response in responses for item in trustpilot.extract(response)]  # as the spider hands them on

    def store_all(folder: str) -> tuple[float, list[float], float, float, float]:
        """Every item stored, a batch at a time, and the evidence of its negative ones kept as StorePipeline.flush
        keeps it; then all again (a full recrawl: every review known, every copy kept). CPU time for the evidence."""
        store = Store(Path(folder) / "repscan.db")
        spent, evidence = [], []
        for _ in range(2):
            crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", site.source_url)
            batches, kept = [], 0.0
            for start in range(0, len(items), 200):  # REPSCAN_BATCH_SIZE
                began = time.perf_counter()
                store.save_items("acme", items[start:start + 200], crawl_id=crawl)
                batches.append(time.perf_counter() - began)
                found = [(item, page) for item, (_, page) in zip(items[start:start + 200], pages_of[start:start + 200])
                         if wanted(item)]
                began = time.process_time()
                store.record_evidence("acme", found, crawl_id=crawl)
                kept += time.process_time() - began
            spent.append(batches)
            evidence.append(kept)
        store.close()
        return sum(spent[0]), spent[0], sum(spent[1]), evidence[0], evidence[1]

    def sqlite_floor(source: Path, folder: str) -> float:
        """The rows save_items wrote, written again with plain executemany, one transaction a batch: SQLite's share."""
        done = Store(source)
        tables = {name: [tuple(row.values()) for row in done.query(f"SELECT * FROM {name} ORDER BY rowid")]
                  for name in ("reviews", "review_versions", "businesses")}
        done.close()
        Store(Path(folder) / "repscan.db").close()  # the schema
        store = raw_database(Path(folder) / "repscan.db")
        connection = store.conn
        began = time.perf_counter()
        for name, rows in tables.items():
            marks = ", ".join("?" * len(rows[0])) if rows else ""
            for start in range(0, len(rows), 200):
                with connection:
                    connection.executemany(f"INSERT INTO {name} VALUES ({marks})", rows[start:start + 200])
        spent = time.perf_counter() - began
        store.close()
        return spent

    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as floor_folder:
        store_s, batches, again_s, evidence_s, evidence_again_s = store_all(folder)
        counted = Store(Path(folder) / "repscan.db")
        copies = counted.query("SELECT COUNT(*) AS n FROM evidence_pages")[0]["n"]
        counted.close()
        floor_s = sqlite_floor(Path(folder) / "repscan.db", floor_folder)
    last = len(items) // 200 - 1  # the last full batch
    return {"items": len(items), "pages": pages, "detect_s": detect_s, "extract_s": extract_s, "normalise_s": normalise_s,
            "classify_s": classify_s, "prepare_s": prepare_s, "store_s": store_s, "store_again_s": again_s, "sqlite_floor_s": floor_s,
            "evidence_cpu_s": evidence_s, "evidence_again_cpu_s": evidence_again_s, "evidence_copies": copies,
            "last_batch_after": last * 200,
            "first_batch_ms": batches[0] * 1000, "last_batch_ms": batches[last] * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = options("crawl_throughput", __doc__, "1,000 reviews over 50 pages, one run each")
    parser.add_argument("--repeat", type=int, help="runs of each kind (default 3, 1 with --quick)")
    args = parser.parse_args(argv)
    reviews = 1_000 if args.quick else 10_000
    repeat = args.repeat or (1 if args.quick else 3)

    business = make_business(reviews, per_page=PER_PAGE)
    runs = []
    loads = [load_average()]
    with TrustpilotSite(business) as site, tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        site.prerender()  # the server only copies bytes: the crawler, not page generation, is measured
        for case in ("first", "recrawl"):
            stored = Path(tmp) / "0-first-full" / "repscan.db" if case == "recrawl" else None
            for n in range(repeat):
                # alternated, so drift on the machine hits every kind alike
                for kind, _ in KINDS:
                    runs.append(crawl_once(site, Path(tmp) / f"{n}-{case}-{kind}", kind, stored))
        loads.append(load_average())
        breakdown = pipeline_breakdown(site, len(site.pages))

    def summary(case: str, kind: str) -> dict:
        mine = [r for r in runs if r["kind"] == kind and r["case"] == case]
        crawl_s = median(r["crawl_s"] for r in mine)
        pages = mine[0]["pages"]
        return {"runs": len(mine), "pages": pages, "items": mine[0]["items"], "reviews": mine[0]["reviews"],
                "crawl_s": crawl_s, "crawl_cpu_s": median(r["crawl_cpu_s"] for r in mine),
                "pages_per_s": pages / crawl_s, "items_per_s": mine[0]["items"] / crawl_s,
                "reviews_per_s": (mine[0]["reviews"] / crawl_s) if mine[0]["reviews"] else None,
                "process_s": median(r["process_s"] for r in mine), "max_rss_mb": max(r["max_rss_mb"] for r in mine),
                "all_crawl_cpu_s": [round(r["crawl_cpu_s"], 3) for r in mine], "evidence_pages": mine[0]["evidence_pages"],
                # the pipeline's own CPU against the rest of the same crawl: a ratio from one process, so less moved
                # by the load than one crawl against another
                "inside_share": median(r["pipeline_cpu_s"] / (r["crawl_cpu_s"] - r["pipeline_cpu_s"]) for r in mine)
                if mine[0]["pipeline_cpu_s"] is not None else None,
                "pipeline_cpu_s": median(r["pipeline_cpu_s"] for r in mine) if mine[0]["pipeline_cpu_s"] is not None else None,
                "inside_share_raw": median(r["pipeline_cpu_raw_s"] / (r["crawl_cpu_raw_s"] - r["pipeline_cpu_raw_s"])
                                           for r in mine) if mine[0]["pipeline_cpu_s"] is not None else None,
                "timer_ms": median(r["timer"]["calls"] * r["timer"]["added_per_call"] * 1000 for r in mine)
                if mine[0]["timer"] else None}

    cases = {}
    for case in ("first", "recrawl"):
        bare, plain, full = (summary(case, kind) for kind, _ in KINDS)
        cases[case] = {"bare": bare, "no_evidence": plain, "full": full,
                       "overhead_cpu": full["crawl_cpu_s"] / bare["crawl_cpu_s"] - 1,
                       "overhead_clock": full["crawl_s"] / bare["crawl_s"] - 1,
                       "overhead_cpu_no_evidence": plain["crawl_cpu_s"] / bare["crawl_cpu_s"] - 1,
                       "overhead_clock_no_evidence": plain["crawl_s"] / bare["crawl_s"] - 1,
                       "evidence_pages": full["evidence_pages"]}
        cases[case]["met"] = cases[case]["overhead_cpu"] <= GOAL
        cases[case]["met_no_evidence"] = cases[case]["overhead_cpu_no_evidence"] <= GOAL
    data = {"reviews_on_site": reviews, "pages_on_site": len(site.pages), "cases": cases, "goal": GOAL,
            "met": all(c["met"] for c in cases.values()), "breakdown": breakdown,
            "crawl_row": next(r["crawl_row"] for r in runs if r["pipelines"]), "load": loads}

    labels = {"first": "first crawl", "recrawl": f"full recrawl, {reviews:,} stored"}
    rows = []
    for case, c in cases.items():
        for (_, label), s in zip(KINDS, (c["bare"], c["no_evidence"], c["full"])):
            rows.append([labels[case], label, s["pages"], s["items"], s["reviews"], s["crawl_cpu_s"], s["crawl_s"],
                         s["pages_per_s"], s["items_per_s"], s["process_s"], s["max_rss_mb"]])
    text = table(["crawl", "run", "pages", "items yielded", "reviews stored", "crawl CPU s (median)",
                  "crawl clock s (median)", "pages/s", "items/s", "process s", "peak RSS MB"], rows)
    text += "\n\n"
    for case, c in cases.items():
        text += (f"Pipeline overhead, {labels[case]}: **{c['overhead_cpu']:+.1%} CPU** ({c['overhead_clock']:+.1%} clock) "
                 f"of the spider-only crawl as `repscan crawl` runs it, with {c['evidence_pages']} pages kept as evidence "
                 f"(goal <= {GOAL:.0%} CPU: {'met' if c['met'] else 'MISSED'}); without the evidence copies "
                 f"**{c['overhead_cpu_no_evidence']:+.1%} CPU** ({c['overhead_clock_no_evidence']:+.1%} clock; "
                 f"{'met' if c['met_no_evidence'] else 'MISSED'}). Runs (CPU s): spider only {c['bare']['all_crawl_cpu_s']}, "
                 f"without evidence {c['no_evidence']['all_crawl_cpu_s']}, full {c['full']['all_crawl_cpu_s']}. "
                 f"Minimums: spider only {min(c['bare']['all_crawl_cpu_s'])}, without evidence "
                 f"{min(c['no_evidence']['all_crawl_cpu_s'])} ({min(c['no_evidence']['all_crawl_cpu_s']) / min(c['bare']['all_crawl_cpu_s']) - 1:+.1%}), "
                 f"full {min(c['full']['all_crawl_cpu_s'])} ({min(c['full']['all_crawl_cpu_s']) / min(c['bare']['all_crawl_cpu_s']) - 1:+.1%}). "
                 f"Inside the crawl, the store pipeline's own methods took {c['full']['pipeline_cpu_s']:.3f} s CPU as "
                 f"`repscan crawl` runs it and {c['no_evidence']['pipeline_cpu_s']:.3f} s without the copies (medians): "
                 f"**{c['full']['inside_share']:+.1%}** and **{c['no_evidence']['inside_share']:+.1%}** of the rest of the "
                 f"same crawl (Scrapy's own handing of items to the pipeline not included). The timer's own cost is "
                 f"taken off (calibrated in each crawl's process on a method that does nothing: {c['full']['timer_ms']:.1f} ms "
                 f"a crawl); with it left in, {c['full']['inside_share_raw']:+.1%} and "
                 f"{c['no_evidence']['inside_share_raw']:+.1%}.\n\n")
    text += f"Load average during the runs (1, 5, 15 min), at the start and the end: {data['load']}.\n\n"
    b = breakdown
    per_k = 1000 / b["items"]
    text += table(["stage (same items, in one process, no Scrapy)", "seconds", "ms per 1,000 items"], [
        [f"blocked.detect on {b['pages']} pages (spider; includes parsing the HTML)", b["detect_s"],
         b["detect_s"] * per_k * 1000],
        [f"trustpilot.extract + next_page on {b['pages']} pages (spider)", b["extract_s"], b["extract_s"] * per_k * 1000],
        ["normalise (repscan.core.items)", b["normalise_s"], b["normalise_s"] * per_k * 1000],
        ["classify_item", b["classify_s"], b["classify_s"] * per_k * 1000],
        ["StorePipeline.prepare: both, as the crawl runs them", b["prepare_s"], b["prepare_s"] * per_k * 1000],
        ["StorePipeline's Store.save_items (batches of 200, fresh DB)", b["store_s"], b["store_s"] * per_k * 1000],
        ["the rows it wrote, again with sqlite3 executemany (SQLite's own share)", b["sqlite_floor_s"],
         b["sqlite_floor_s"] * per_k * 1000],
        ["Store.save_items of the same items again (a full recrawl: all known)", b["store_again_s"],
         b["store_again_s"] * per_k * 1000],
        [f"Store.record_evidence after each batch: {b['evidence_copies']} pages kept (CPU)", b["evidence_cpu_s"],
         b["evidence_cpu_s"] * per_k * 1000],
        ["Store.record_evidence again (a full recrawl: every copy kept, each negative review looked up; CPU)",
         b["evidence_again_cpu_s"], b["evidence_again_cpu_s"] * per_k * 1000],
    ])
    text += (f"\n\nOne batch of 200 items into this source: {b['first_batch_ms']:.1f} ms when it is empty, "
             f"{b['last_batch_ms']:.1f} ms after {b['last_batch_after']:,} items.")
    print_result(f"Crawl throughput: {reviews:,} reviews over {len(site.pages)} pages, politeness delays off", text, data,
                 args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
