"""Capacity per site: N clients' sources on one site crawled politely (a download delay), locally and through
Scrapyd nodes (a job a source, or batches of up to 20 sources a job; one or two jobs of the site at once): source
crawls an hour for the site, CPU per source crawl, and the smallest gap between two requests the site saw.

    python -m bench.site_capacity [--quick] [--sources N] [--delay SECONDS] [--json]

The nodes are Scrapyd processes on 127.0.0.1 started from this interpreter; their CPU is their own and their
jobs' (/proc/PID/stat utime+stime+cutime+cstime), read before and after the crawl.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench._common import (LocalSite, Reply, cli, make_business, options, print_result, table, trustpilot_page)

TICK = os.sysconf("SC_CLK_TCK")


def serve(count: int) -> LocalSite:
    """`count` made-up businesses of 20 reviews (one page each) on one server: one site."""
    pages = {f"/review/b{n}.example": make_business(20, slug=f"b{n}.example", start=1000 * n) for n in range(count)}

    def route(path, query):
        business = pages.get(path)
        return Reply(body=trustpilot_page(business, 1, site.url)) if business else None

    site = LocalSite(route)
    return site


def configure(folder: Path, site: LocalSite, count: int, delay: float, nodes=(), per_site: int = 1,
              batch: int = 20) -> Path:
    from repscan.app.configfile import write_config

    folder.mkdir(parents=True, exist_ok=True)
    return write_config(
        folder / "repscan.toml", agency={"name": "Bench Agency", "sender": "bench@agency.example"},
        storage={"database": "repscan.db", "reports_dir": "out"},
        crawl={"download_delay": delay, "autothrottle": False, "timeout": 30, "retries": 1},
        dispatch={"poll": 0.5, "jobs_per_domain": per_site, "batch": batch},
        nodes=[{"url": url, "slots": 4} for url in nodes],
        clients=[{"id": f"c{n}", "name": f"Client {n}", "recipients": [f"owner@b{n}.example"],
                  "sources": [{"site": "trustpilot", "url": f"{site.url}/review/b{n}.example"}]}
                 for n in range(count)])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """A process's CPU and that of its children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK


def start_node(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder.mkdir(parents=True)
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\nlogs_dir = logs\n"
        "dbs_dir = dbs\nitems_dir = items\njobs_to_keep = 1000\npoll_interval = 0.2\nmax_proc = 4\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(150):
        try:
            with urllib.request.urlopen(url + "daemonstatus.json", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"scrapyd did not start in {folder}")


def crawl(folder: Path, count: int, delay: float, nodes: int = 0, per_site: int = 1, batch: int = 20) -> dict:
    site = serve(count)
    started_nodes = [start_node(folder / f"node-{n}") for n in range(nodes)]
    try:
        with site:
            config = configure(folder / "main", site, count, delay, [url for _, url in started_nodes], per_site,
                               batch)
            if nodes:
                subprocess.run(cli(config, "nodes", "deploy"), check=True, capture_output=True)
            node_cpu = sum(process_cpu(process.pid) for process, _ in started_nodes)
            cpu, began = children_cpu(), time.perf_counter()
            result = subprocess.run(cli(config, "crawl", "--quiet", *(["--nodes"] if nodes else [])),
                                    capture_output=True, text=True)
            wall, cpu = time.perf_counter() - began, children_cpu() - cpu
            node_cpu = sum(process_cpu(process.pid) for process, _ in started_nodes) - node_cpu
    finally:
        for process, _ in started_nodes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    ok = result.stdout.count(" ok ")
    if result.returncode != 0 or ok != count:
        raise SystemExit(f"crawl failed ({ok}/{count} ok):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    times = sorted(site.hit_times)
    mode = f"{nodes} nodes, batches of {batch}, {per_site} at once per site" if nodes else "local"
    return {"mode": mode, "sources": count,
            "delay_s": delay, "requests": len(times), "wall_s": round(wall, 1),
            "crawls_per_hour": round(count / wall * 3600),
            "min_gap_s": round(min(b - a for a, b in zip(times, times[1:])), 3),
            "cpu_per_crawl_ms": round((cpu + node_cpu) / count * 1000),
            "dispatcher_cpu_per_crawl_ms": round(cpu / count * 1000) if nodes else None}


def main() -> int:
    parser = options("site_capacity", __doc__, "12 sources instead of 40")
    parser.add_argument("--sources", type=int, help="sources on the one site (default 40)")
    parser.add_argument("--delay", type=float, default=0.5, help="[crawl] download_delay (default 0.5 s)")
    args = parser.parse_args()
    count = args.sources or (12 if args.quick else 40)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for n, (nodes, per_site, batch) in enumerate(((0, 1, 20), (2, 1, 1), (2, 1, 20), (2, 2, 20))):
            runs.append(crawl(Path(folder) / str(n), count, args.delay, nodes, per_site, batch))
    rows = [[r["mode"], r["requests"], r["wall_s"], r["crawls_per_hour"], r["min_gap_s"], r["cpu_per_crawl_ms"],
             r["dispatcher_cpu_per_crawl_ms"]] for r in runs]
    text = (f"{count} sources on one site (robots.txt and one page each), download delay {args.delay} s\n\n"
            + table(["mode", "requests", "wall s", "crawls/hour/site", "min gap s", "CPU/crawl ms",
                     "of which dispatcher ms"], rows))
    print_result("Capacity per site", text, {"runs": runs}, args.json)
    if args.json:
        return 0
    print(json.dumps(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
