"""A one-page recrawl in a store-sized database (1,000,000 reviews, 1,000,000 crawl rows) against the same recrawl
in an empty one. Goal: within 1.2x the CPU time and the peak memory; a crawl's cost flat in the size of the store.

    python -m bench.store_sized [--quick] [--repeat N] [--json]

The big database holds 999 other clients' reviews and crawl history, written with plain executemany and cached
in bench/.cache/ (rebuilt when BUILD changes; opening it applies the store's migrations, as an upgrade would).
Each side then gets the same first crawl of a local Trustpilot-structured source with 1,000 reviews, and the
recrawl (`repscan crawl --quiet`, nothing new: one page) runs in its own process, alternating between the two.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from bench._common import (ROOT, TrustpilotSite, cli, make_business, options, print_result, review_text, run_measured,
                           table, write_config)

BUILD = 1  # bump when what build() writes changes
CACHE = ROOT / "bench" / ".cache"
GOAL = 1.2
STATUSES = ["ok"] * 17 + ["empty", "blocked", "error"]


def build(path: Path, reviews: int, crawls: int, clients: int) -> None:
    """`reviews` reviews and `crawls` finished crawl rows over `clients` clients with two sources each."""
    from repscan.core.store import Store

    Store(path).close()  # the schema, through the migrations
    rng = random.Random(7)
    texts = [review_text(rng, rating) for rating in (1, 2, 3, 4, 5) for _ in range(40)]
    db = sqlite3.connect(path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(reviews)")]
    start = 1_700_000_000

    def stamp(seconds: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".000000Z"

    def review_rows():
        for n in range(reviews):
            client, source = f"client-{n % clients:04d}", ("trustpilot", "jsonld")[n // clients % 2]
            rating = rng.choice((1, 2, 3, 4, 5, 5, 4, 5))
            published = stamp(start + n * 60)
            values = {
                "client_id": client, "source": source, "source_id": f"{client}-{n:07d}",
                "url": f"https://{source}.example/r/{n}", "business_url": f"https://{source}.example/b/{client}",
                "author": f"Customer {n}", "rating": float(rating), "rating_max": 5.0, "title": f"Visit {n}",
                "text": texts[(rating - 1) * 40 + n % 40], "language": "en", "published_at": published[:19] + "Z",
                "published_approx": 0, "published_precision": "exact", "sentiment": (rating - 3) / 2,
                "negative": int(rating <= 2), "negative_since": published if rating <= 2 else None,
                "first_seen_at": published, "last_seen_at": published, "first_crawl_id": 1, "last_crawl_id": 1,
            }
            yield tuple(values.get(column) for column in columns)

    def crawl_rows():
        for n in range(crawls):
            client, source = f"client-{n % clients:04d}", ("trustpilot", "jsonld")[n // clients % 2]
            began = start + n * 7
            status = STATUSES[n % len(STATUSES)]
            yield (client, source, "Spider", f"https://{source}.example/b/{client}", stamp(began), stamp(began + 30),
                   status, 20 if status == "ok" else 0, 1 if status == "ok" else 0, 2, 1, 0,
                   None if status in ("ok", "empty") else f"{status} at page 1")

    marks = ", ".join("?" * len(columns))
    with db:
        db.executemany(f"INSERT INTO reviews ({', '.join(columns)}) VALUES ({marks})", review_rows())
        db.executemany("INSERT INTO crawls (client_id, source, spider, url, started_at, finished_at, status, items,"
                       " new_items, requests, pages, full, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       crawl_rows())
    db.close()


def cached(reviews: int, crawls: int, clients: int) -> tuple[Path, float | None]:
    """The big database's path in the cache, built if missing; and the seconds the build took (None: cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"store-{reviews}-{crawls}-v{BUILD}.db"
    if path.exists():
        return path, None
    began = time.perf_counter()
    partial = path.with_suffix(".part")
    partial.unlink(missing_ok=True)
    build(partial, reviews, crawls, clients)
    partial.rename(path)
    return path, time.perf_counter() - began


def crawl(config: Path) -> dict:
    result = run_measured(cli(config, "crawl", "--quiet"))
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}")
    db = sqlite3.connect(config.parent / "repscan.db")
    status, pages, new = db.execute("SELECT status, pages, new_items FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    return {"cpu_s": result.cpu_s, "seconds": result.seconds, "max_rss_mb": result.max_rss_mb, "status": status,
            "pages": pages, "new": new}


def main(argv: list[str] | None = None) -> int:
    parser = options("store_sized", __doc__, "100,000 reviews and 100,000 crawl rows instead of 1,000,000 each")
    parser.add_argument("--repeat", type=int, default=3, help="recrawls on each side (default 3), alternating")
    args = parser.parse_args(argv)
    size = 100_000 if args.quick else 1_000_000
    big, build_s = cached(size, size, clients=1_000)

    runs: dict[str, list[dict]] = {"empty": [], "big": []}
    with TrustpilotSite(make_business(1_000)) as site, tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        site.prerender()
        configs = {}
        for side in runs:
            folder = Path(tmp) / side
            configs[side] = write_config(folder, [{"id": "acme", "name": "Acme Plumbing",
                                                   "sources": [("trustpilot", site.source_url)]}], max_pages=1_000)
            if side == "big":
                shutil.copy(big, folder / "repscan.db")
            first = crawl(configs[side])  # the history import, 50 pages
            if first["status"] != "ok" or first["new"] != 1_000:
                raise SystemExit(f"first crawl ({side}): {first}")
        for _ in range(args.repeat):
            for side in runs:  # alternated, so drift on the machine hits both alike
                run = crawl(configs[side])
                if run["status"] != "ok" or run["pages"] != 1:
                    raise SystemExit(f"recrawl ({side}) read {run['pages']} pages, status {run['status']}")
                runs[side].append(run)
        db_mb = {side: (Path(tmp) / side / "repscan.db").stat().st_size / 1e6 for side in runs}

    def summary(side: str) -> dict:
        mine = runs[side]
        return {key: median(run[key] for run in mine) for key in ("cpu_s", "seconds", "max_rss_mb")} | {
            "all_cpu_s": [round(run["cpu_s"], 2) for run in mine], "db_mb": db_mb[side]}

    empty, full = summary("empty"), summary("big")
    cpu_ratio, rss_ratio = full["cpu_s"] / empty["cpu_s"], full["max_rss_mb"] / empty["max_rss_mb"]
    met = cpu_ratio <= GOAL and rss_ratio <= GOAL
    data = {"reviews": size, "crawl_rows": size, "build_s": build_s, "empty": empty, "big": full,
            "cpu_ratio": cpu_ratio, "rss_ratio": rss_ratio, "goal": GOAL, "met": met}
    text = table(["database", "MB", "recrawl CPU s (median)", "clock s (median)", "peak RSS MB (median)", "CPU s, each run"],
                 [[f"empty but for this source's 1,000 reviews", empty["db_mb"], empty["cpu_s"], empty["seconds"],
                   empty["max_rss_mb"], str(empty["all_cpu_s"])],
                  [f"{size:,} reviews and {size:,} crawl rows besides", full["db_mb"], full["cpu_s"], full["seconds"],
                   full["max_rss_mb"], str(full["all_cpu_s"])]])
    text += (f"\n\nBig / empty: CPU **{cpu_ratio:.2f}x**, peak memory **{rss_ratio:.2f}x** "
             f"(goal <= {GOAL}x: {'met' if met else 'MISSED'}). "
             + (f"The big database was built in {build_s:.0f} s." if build_s else "The big database came from the cache."))
    print_result(f"A one-page recrawl in a store-sized database ({size:,} reviews, {size:,} crawl rows)", text, data,
                 args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
