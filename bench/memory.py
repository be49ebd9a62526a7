"""Memory: peak RSS of `repscan crawl` storing 100,000 reviews, and of `repscan report` rendering the 500-review report.

Each command runs in its own process; its peak resident set comes from GNU time's %M, or without GNU time
from the command's own VmHWM at exit (bench/_peak.py). The crawl reads a local Trustpilot-structured site
(20 reviews a page, politeness delays off).

    python -m bench.memory [--quick] [--json]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench._common import (options, PER_PAGE, TrustpilotSite, cli, count_rows, make_business, print_result, python,
                           run_measured, seed_client, table, write_config)


def crawl_memory(reviews: int, tmp: Path) -> list[dict]:
    from repscan.core.store import Store

    business = make_business(reviews, per_page=PER_PAGE)
    label, folder = f"repscan crawl --quiet, one source of {reviews:,} reviews", tmp / "crawl"
    with TrustpilotSite(business, cache=False) as site:  # rendered per request: 100,000 reviews stay small here
        pages = -(-reviews // PER_PAGE)
        config = write_config(folder, [{"id": "acme", "name": "Acme Plumbing",
                                        "sources": [("trustpilot", site.source_url)]}], max_pages=pages + 10)
        result = run_measured(cli(config, "crawl", "--quiet"))
    if result.returncode != 0:
        raise SystemExit(f"{label} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    store = Store(folder / "repscan.db")
    stored = count_rows(store, "reviews")
    row = store.crawls()[-1]
    store.close()
    return [{"what": label, "reviews": stored, "pages": row["pages"], "status": row["status"],
             "seconds": result.seconds, "max_rss_mb": result.max_rss_mb,
             "db_mb": (folder / "repscan.db").stat().st_size / 1e6}]


def report_memory(tmp: Path) -> list[dict]:
    from repscan.core.items import utcnow
    from repscan.core.store import Store

    folder = tmp / "report"
    clients = [{"id": c, "name": f"{c.title()} Plumbing", "queries": [f"{c} a", f"{c} b", f"{c} c"],
                "sources": [("trustpilot", f"https://trustpilot.example/b/{c}"), ("jsonld", f"https://jsonld.example/b/{c}")]}
               for c in ("typical", "big")]
    config = write_config(folder, clients)
    store = Store(folder / "repscan.db")
    now = utcnow()
    cutoffs = {c: seed_client(store, c, now=now, history=200, new=500 if c == "big" else 20, seed=n)
               for n, c in enumerate(("typical", "big"))}
    store.close()
    out = []
    baseline = run_measured(python("-c", "import weasyprint, reports.render, reports.queries, repscan.app.cli"))
    out.append({"what": "baseline: python importing weasyprint, reports and the CLI", "pages": None,
                "seconds": baseline.seconds, "max_rss_mb": baseline.max_rss_mb})
    for client, label in (("typical", "repscan report, typical client (20 new reviews)"),
                          ("big", "repscan report, 500 new reviews")):
        pdf = folder / f"{client}.pdf"
        result = run_measured(cli(config, "report", "--client", client, "--since", cutoffs[client], "--out", str(pdf)))
        if result.returncode != 0:
            raise SystemExit(f"{label} failed:\n{result.stderr[-3000:]}")
        from bench.report_throughput import pdf_pages

        out.append({"what": label, "pages": pdf_pages(pdf), "seconds": result.seconds, "max_rss_mb": result.max_rss_mb})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = options("memory", __doc__, "a crawl of 10,000 reviews instead of 100,000")
    args = parser.parse_args(argv)
    reviews = 10_000 if args.quick else 100_000

    with tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        tmp = Path(tmp)
        reports = report_memory(tmp)
        crawls = crawl_memory(reviews, tmp)
    text = table(["crawl (own process)", "reviews stored", "pages", "status", "seconds", "peak RSS MB", "database MB"],
                 [[c["what"], c["reviews"], c["pages"], c["status"], c["seconds"], c["max_rss_mb"], c["db_mb"]]
                  for c in crawls])
    text += "\n\n" + table(["report (own process)", "PDF pages", "seconds", "peak RSS MB"],
                           [[r["what"], r["pages"], r["seconds"], r["max_rss_mb"]] for r in reports])
    print_result("Memory", text, {"crawls": crawls, "reports": reports}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
