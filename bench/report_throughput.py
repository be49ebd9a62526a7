"""Report throughput: seconds per report for a typical client (20 new reviews, 30 search results, charts) and for
500 new reviews; PDF pages per second against WeasyPrint rendering plain HTML of the same number of pages;
`repscan report` as a whole process against bare WeasyPrint rendering the same report's HTML (goal >= 0.9x);
and 100 clients in one batch (`send_reports`, dry run) on all cores.

Reports are built from a real store (reports.queries.build) and rendered by reports.render.render_pdf,
in this process; the batch goes through reports.deliver.send_reports, which renders in a spawn pool.

    python -m bench.report_throughput [--quick] [--json] [--processes-only PAIRS]
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from bench._common import (cli, cpu_parallelism, options, print_result, python, run_measured, seed_client, table,
                           write_config)

PLAIN_WORDS = ("the report shows what people wrote about the business this week and which complaints need an "
               "answer first because a fast reply in the same channel turns a complaint around").split()


def pdf_pages(path: Path) -> int:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except ImportError:  # pypdf comes with the test extra; count page objects otherwise
        return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def plain_html(pages: int) -> str:
    """`pages` A4 pages of plain text: a heading and five paragraphs each, a page break after each."""
    paragraph = " ".join(PLAIN_WORDS[i % len(PLAIN_WORDS)] for i in range(70)).capitalize() + "."
    body = "".join(f'<section><h1>Page {n}</h1>{f"<p>{paragraph}</p>" * 5}</section>' for n in range(1, pages + 1))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>@page { size: A4; margin: 2cm }"
            " section { break-after: page } section:last-child { break-after: auto }</style></head>"
            f"<body>{body}</body></html>")


def render_plain(pages: int, path: Path) -> tuple[float, int]:
    import weasyprint

    html = plain_html(pages)
    started = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf(path)
    return time.perf_counter() - started, pdf_pages(path)


def one_report(config, client_id: str, since: str, until, out: Path) -> dict:
    from repscan.core.store import Store
    from repscan.reports import queries, render

    client = config.client(client_id)
    started = time.perf_counter()
    store = Store(config.database)
    try:
        data = queries.build(config, client, store, since=since, until=until)
    finally:
        store.close()
    built = time.perf_counter()
    render.render_pdf(data, out)  # HTML (Jinja2) and PDF (WeasyPrint)
    done = time.perf_counter()
    html_started = time.perf_counter()
    render.render_html(data)  # the HTML alone, again, to show its share
    html_s = time.perf_counter() - html_started
    return {"build_s": built - started, "pdf_s": done - built, "total_s": done - started, "html_s": html_s,
            "pages": pdf_pages(out), "new": data.summary.new_reviews, "negatives": data.summary.new_negatives,
            "search_results": sum(len(b.results) for b in data.search), "charts": len(data.charts),
            "bytes": out.stat().st_size}


def measure(config, client_id: str, since: str, until, folder: Path, repeat: int) -> dict:
    runs = [one_report(config, client_id, since, until, folder / f"{client_id}-{n}.pdf") for n in range(repeat)]
    first, warm = runs[0], runs[1:] or runs
    out = {key: median(r[key] for r in warm) for key in ("build_s", "pdf_s", "total_s", "html_s")}
    out.update({key: first[key] for key in ("pages", "new", "negatives", "search_results", "charts", "bytes")},
               first_total_s=first["total_s"], runs=len(runs))
    plain_s, plain_pages = render_plain(out["pages"], folder / f"{client_id}-plain.pdf")
    plain_s2, _ = render_plain(out["pages"], folder / f"{client_id}-plain.pdf")
    out.update(plain_s=min(plain_s, plain_s2), plain_pages=plain_pages)
    out["pages_per_s"] = out["pages"] / out["pdf_s"]
    out["plain_pages_per_s"] = plain_pages / out["plain_s"]
    return out


BARE = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


def as_processes(config_path: Path, client_id: str, since: str, folder: Path, repeat: int) -> dict:
    """`repscan report` as a whole process against WeasyPrint rendering the same report's HTML in a bare process,
    alternating; CPU time (user + system) and clock time, medians."""
    html, runs = folder / f"{client_id}.html", {"report": [], "bare": []}
    made = run_measured(cli(config_path, "report", "--client", client_id, "--since", since, "--out", str(html), "--html"))
    if made.returncode != 0:
        raise SystemExit(f"repscan report --html failed:\n{made.stderr[-3000:]}")
    for n in range(repeat):
        for kind, cmd in (("report", cli(config_path, "report", "--client", client_id, "--since", since,
                                          "--out", str(folder / f"{client_id}-process-{n}.pdf"))),
                          ("bare", python("-c", BARE, str(html), str(folder / f"{client_id}-bare-{n}.pdf")))):
            result = run_measured(cmd)
            if result.returncode != 0:
                raise SystemExit(f"{kind} failed:\n{result.stderr[-3000:]}")
            runs[kind].append(result)
    out = {kind: {"cpu_s": median(r.cpu_s for r in rs), "seconds": median(r.seconds for r in rs),
                  "max_rss_mb": median(r.max_rss_mb for r in rs), "all_cpu_s": [round(r.cpu_s, 2) for r in rs]}
           for kind, rs in runs.items()}
    out["ratio_cpu"] = out["bare"]["cpu_s"] / out["report"]["cpu_s"]
    out["pair_ratios_cpu"] = [round(b.cpu_s / r.cpu_s, 3) for r, b in zip(runs["report"], runs["bare"])]
    out["ratio_clock"] = out["bare"]["seconds"] / out["report"]["seconds"]
    return out


def processes_text(p: dict) -> str:
    """as_processes' figures as a table and the ratio."""
    text = table(["typical report, each its own process", "CPU s (median)", "clock s (median)", "peak RSS MB",
                  "CPU s, each run"],
                 [["`repscan report` (queries, charts, HTML, PDF)", p["report"]["cpu_s"], p["report"]["seconds"],
                   p["report"]["max_rss_mb"], str(p["report"]["all_cpu_s"])],
                  ["bare WeasyPrint, the same report's HTML", p["bare"]["cpu_s"], p["bare"]["seconds"],
                   p["bare"]["max_rss_mb"], str(p["bare"]["all_cpu_s"])]])
    return text + (f"\n\n`repscan report` as a process runs at **{p['ratio_cpu']:.2f}x** bare WeasyPrint on the same HTML"
                   f" in CPU time ({p['ratio_clock']:.2f}x clock; goal >= 0.9x: {'met' if p['ratio_cpu'] >= 0.9 else 'MISSED'})."
                   f" Pair by pair (bare / report, CPU): {p['pair_ratios_cpu']}, median {median(p['pair_ratios_cpu']):.3f}.")


def main(argv: list[str] | None = None) -> int:
    parser = options("report_throughput", __doc__, "10 clients in the batch, fewer repeats")
    parser.add_argument("--clients", type=int, help="clients in the batch (default 100, 10 with --quick)")
    parser.add_argument("--processes-only", type=int, metavar="PAIRS",
                        help="only `repscan report` against bare WeasyPrint on the same HTML, PAIRS alternating pairs")
    args = parser.parse_args(argv)
    batch_size = args.clients or (10 if args.quick else 100)
    repeat = 2 if args.quick else 4

    from repscan.core import config as config_mod
    from repscan.core.items import utcnow
    from repscan.core.store import Store
    from repscan.reports.deliver import send_reports

    with tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        tmp = Path(tmp)
        ids = ["typical"] if args.processes_only else ["typical", "big"] + [f"batch-{n:03d}" for n in range(batch_size)]
        clients = [{"id": c, "name": f"{c.title()} Plumbing",
                    "queries": [f"{c} plumbing", f"{c} plumbing reviews", f"{c} complaints"],
                    "sources": [("trustpilot", f"https://trustpilot.example/b/{c}"),
                                ("jsonld", f"https://jsonld.example/b/{c}")]} for c in ids]
        config_path = write_config(tmp, clients)
        config = config_mod.load(config_path)
        now = utcnow()
        store = Store(config.database)
        started = time.perf_counter()
        cutoffs = {}
        for n, client_id in enumerate(ids):
            new = 500 if client_id == "big" else 20
            cutoffs[client_id] = seed_client(store, client_id, now=now, history=200, new=new, seed=n)
        seed_s = time.perf_counter() - started
        store.close()

        if args.processes_only:
            loads = [os.getloadavg()]
            processes = as_processes(config_path, "typical", cutoffs["typical"], tmp / "pdf", args.processes_only)
            loads.append(os.getloadavg())
            text = processes_text(processes) + ("\n\nLoad average (1, 5, 15 min) at the start and the end: "
                                                f"{[[round(x, 2) for x in load] for load in loads]}.")
            print_result("Report process against bare WeasyPrint", text, {"processes": processes, "load": loads}, args.json)
            return 0
        typical = measure(config, "typical", cutoffs["typical"], now, tmp / "pdf", repeat)
        processes = as_processes(config_path, "typical", cutoffs["typical"], tmp / "pdf", 2 if args.quick else 5)
        big = measure(config, "big", cutoffs["big"], now, tmp / "pdf", max(2, repeat - 1))

        batch = [config.client(c) for c in ids[2:]]
        workers = os.cpu_count() or 1
        cpu_before = cpu_parallelism()
        started = time.perf_counter()
        results = send_reports(config, batch, dry_run=True, outbox=tmp / "outbox", workers=workers)
        batch_s = time.perf_counter() - started
        failed = [r.line() for r in results if r.status != "dry-run"]
        if failed:
            raise SystemExit("batch failures:\n" + "\n".join(failed[:5]))
        batch_pages = sum(pdf_pages(r.pdf) for r in results)
        cpu_after = cpu_parallelism()

    rows = []
    for label, r in ((f"typical: {typical['new']} new, {typical['search_results']} search results, {typical['charts']} charts", typical),
                     (f"{big['new']} new reviews", big)):
        rows.append([label, r["pages"], r["first_total_s"], r["total_s"], r["build_s"], r["html_s"], r["pdf_s"],
                     r["pages_per_s"], r["plain_pages_per_s"], r["pages_per_s"] / r["plain_pages_per_s"],
                     round(r["bytes"] / 1024)])
    text = table(["report", "PDF pages", "first report s (cold)", "s per report (warm, median)", "queries.build s",
                  "of which HTML (Jinja2) s", "render_pdf s", "pages/s", "plain HTML pages/s (WeasyPrint)",
                  "report / plain", "PDF KB"], rows)
    text += "\n\n" + processes_text(processes)
    serial = typical["total_s"] * batch_size
    text += "\n\n" + table(
        ["batch (send_reports --dry-run)", "clients", "workers", "seconds", "s per report", "reports per hour",
         "pages", "speed-up vs one warm report at a time"],
        [[f"{batch_size} typical clients on all cores", batch_size, min(workers, batch_size), batch_s,
          batch_s / batch_size, 3600 * batch_size / batch_s, batch_pages, serial / batch_s]])
    text += (f"\n\nThis machine's parallelism, measured just before and just after the batch: "
             f"{cpu_before['processes']} CPU-bound Python processes at once do **{cpu_before['speedup']:.2f}x** and "
             f"**{cpu_after['speedup']:.2f}x** the work of one. The batch cannot beat that (a virtual machine's "
             f"cores can be shared with other guests).")
    text += f"\n\nSeeding the store ({len(ids)} clients) took {seed_s:.1f} s (not part of any figure)."
    data = {"typical": typical, "big": big, "processes": processes, "batch": {"clients": batch_size, "workers": workers, "seconds": batch_s,
                                                      "pages": batch_pages, "speedup": serial / batch_s},
            "cpu_parallelism": [cpu_before, cpu_after]}
    print_result("Report throughput", text, data, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
