"""Crawl throughput of this checkout against an older commit, interleaved in one run: the same crawls as
bench.crawl_throughput (spider only, without the evidence copies, as `repscan crawl`; a first crawl, then a full
recrawl of 10,000 stored), old and new alternating, so the machine's drift hits both alike.

    python -m bench.crawl_against REV [--quick] [--repeat N] [--json]

The old code is `git archive REV` in a temporary folder, run with this checkout's bench/ (its crawl runner times the
pipeline inside the crawl) and this checkout's virtualenv.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

from bench import crawl_throughput
from bench._common import PER_PAGE, ROOT, TrustpilotSite, make_business, options, print_result, run_measured, table

PACKAGED = ("spiders", "reports", "templates")  # top-level folders installed as repscan.<name> (pyproject's package-dir)


def old_tree(rev: str, folder: Path) -> Path:
    """REV's files with this checkout's bench/, and repscan.spiders/reports/templates found inside its own tree (the
    editable install maps those names to this checkout)."""
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    shutil.rmtree(folder / "bench", ignore_errors=True)
    shutil.copytree(ROOT / "bench", folder / "bench")
    for name in PACKAGED:
        (folder / "repscan" / name).symlink_to(Path("..", name))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = options("crawl_against", __doc__, "1,000 reviews over 50 pages, one run each")
    parser.add_argument("rev", help="the older commit to compare with (e.g. main)")
    parser.add_argument("--repeat", type=int, help="runs of each kind and code (default 5, 1 with --quick)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 5)
    runs, loads = [], [crawl_throughput.load_average()]
    with tempfile.TemporaryDirectory(prefix="repscan-against-") as tmp, \
            TrustpilotSite(make_business(1_000 if args.quick else 10_000, per_page=PER_PAGE)) as site:
        Path(tmp, "old").mkdir()
        trees = {"before": old_tree(args.rev, Path(tmp, "old")), "after": ROOT}
        site.prerender()
        for case in ("first", "recrawl"):
            stored = Path(tmp, "0-first-after-full", "repscan.db") if case == "recrawl" else None
            for n in range(repeat):
                for code, root in trees.items():
                    crawl_throughput.run_measured = lambda cmd, root=root: run_measured(cmd, cwd=root,
                                                                                        env={"PYTHONPATH": str(root)})
                    for kind, _ in crawl_throughput.KINDS:
                        run = crawl_throughput.crawl_once(site, Path(tmp, f"{n}-{case}-{code}-{kind}"), kind, stored)
                        runs.append({**run, "code": code})
    loads.append(crawl_throughput.load_average())

    rows, data = [], {"rev": args.rev, "load": loads, "runs": runs}
    for case in ("first", "recrawl"):
        for code in ("before", "after"):
            mine = {kind: [r for r in runs if (r["case"], r["code"], r["kind"]) == (case, code, kind)]
                    for kind, _ in crawl_throughput.KINDS}
            cpu = {kind: median(r["crawl_cpu_s"] for r in found) for kind, found in mine.items()}
            inside = {kind: (median(r["pipeline_cpu_s"] for r in mine[kind]),
                             median(r["pipeline_cpu_s"] / (r["crawl_cpu_s"] - r["pipeline_cpu_s"]) for r in mine[kind]))
                      for kind in ("no-evidence", "full")}
            rows.append([case, code, cpu["spider"], f"{cpu['no-evidence']:.3f} ({cpu['no-evidence'] / cpu['spider'] - 1:+.1%})",
                         f"{cpu['full']:.3f} ({cpu['full'] / cpu['spider'] - 1:+.1%})",
                         f"{inside['no-evidence'][0]:.3f} s ({inside['no-evidence'][1]:+.1%})",
                         f"{inside['full'][0]:.3f} s ({inside['full'][1]:+.1%})"])
    text = table(["crawl", "code", "spider only CPU s", "without copies", "as `repscan crawl`",
                  "pipeline inside the crawl, without copies", "pipeline inside the crawl, as `repscan crawl`"], rows)
    text += (f"\n\nBefore: {args.rev}; after: this checkout. Medians of {repeat}. Load average at the start and the end: "
             f"{loads}. The timer's own cost (the runner's two clock reads an item, calibrated in each process) is taken off "
             f"the pipelines' crawls and steps, old and new alike.")
    print_result("Crawl throughput, before and after, interleaved", text, data, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
