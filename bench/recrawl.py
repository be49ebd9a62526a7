"""Incremental recrawl: requests a recrawl makes for a source with 1,000 stored reviews when 0, 5 or 50 are new,
against a full crawl. Goal: requests in proportion to what is new (about 1 when nothing is).

Each crawl is `repscan crawl --quiet` in its own process against a local Trustpilot-structured site
(20 reviews a page, newest first). Requests are counted where they arrive (robots.txt left out) and
as the crawl's own `crawls.requests` (Scrapy's downloader count, robots.txt included).

    python -m bench.recrawl [--quick] [--json]
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
from pathlib import Path

from bench._common import (options, PER_PAGE, TrustpilotSite, add_new, cli, count_rows, make_business, print_result, run_measured,
                           table, write_config)
from repscan.core.store import Store


def crawl(site: TrustpilotSite, folder: Path, *extra: str) -> dict:
    config = folder / "repscan.toml"
    before = site.page_hits()
    result = run_measured(cli(config, "crawl", "--quiet", *extra))
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}")
    store = Store(folder / "repscan.db")
    try:
        row = store.crawls()[-1]
        stored = count_rows(store, "reviews")
    finally:
        store.close()
    return {"site_requests": site.page_hits() - before, "crawl_requests": row["requests"], "pages": row["pages"],
            "items": row["items"], "new": row["new_items"], "stored": stored, "status": row["status"],
            "seconds": result.seconds}


def main(argv: list[str] | None = None) -> int:
    parser = options("recrawl", __doc__, "200 stored reviews instead of 1,000")
    args = parser.parse_args(argv)
    stored = 200 if args.quick else 1_000
    scenarios = (0, 5, 50)

    rows, data = [], {"stored": stored, "per_page": PER_PAGE, "runs": []}
    with tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        tmp = Path(tmp)
        business = make_business(stored)
        original = list(business.reviews)
        with TrustpilotSite(business) as site:
            base = tmp / "base"
            write_config(base, [{"id": "acme", "name": "Acme Plumbing", "sources": [("trustpilot", site.source_url)]}],
                         max_pages=1_000)
            first = crawl(site, base)  # the history import: every page
            data["first"] = first
            for new in scenarios:
                folder = tmp / f"new-{new}"
                folder.mkdir()
                shutil.copy(base / "repscan.toml", folder / "repscan.toml")
                shutil.copy(base / "repscan.db", folder / "repscan.db")  # closed cleanly: no WAL left
                business.reviews[:] = original
                add_new(business, new, tag=f"new{new}")
                site.changed()
                run = crawl(site, folder)
                full = crawl(site, folder, "--full")  # the same site read completely, for comparison
                expected = math.ceil(new / PER_PAGE) + 1  # the pages holding new reviews, then one all known
                data["runs"].append({"new": new, "recrawl": run, "full": full, "expected_pages": expected})
                rows.append([new, stored + new, run["site_requests"], run["crawl_requests"], run["new"], expected,
                             full["site_requests"], run["site_requests"] / full["site_requests"], run["seconds"],
                             full["seconds"]])
    text = (f"First crawl (the history import): {first['site_requests']} page requests "
            f"({first['crawl_requests']} with robots.txt), {first['new']:,} reviews stored, {first['seconds']:.1f} s.\n\n")
    text += table(["new reviews", "reviews on the site", "recrawl: requests at the site (no robots.txt)",
                   "recrawl: crawls.requests (with robots.txt)", "new stored", "fewest possible",
                   "full crawl (`--full`): requests", "recrawl / full", "recrawl s", "full crawl s"], rows)
    notes = []
    for run in data["runs"]:
        got, expected = run["recrawl"]["site_requests"], run["expected_pages"]
        notes.append(f"{run['new']} new: {got} request(s), the fewest possible at {PER_PAGE} reviews a page is {expected}"
                     f" ({'met' if got <= expected else 'MISSED'})")
    text += "\n\nGoal, requests in proportion to what is new: " + "; ".join(notes) + "."
    print_result(f"Incremental recrawl: a source with {stored:,} stored reviews", text, data, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
