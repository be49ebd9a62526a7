"""Shared by the benchmarks: the machine, markdown tables, measured subprocesses, a local site, configs, seed data."""

from __future__ import annotations

import argparse

import json
import os
import platform
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import median

from repscan.app.demo.server import LocalSite, Reply
from repscan.app.demo.site import Business, Review, trustpilot_page

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 20  # Trustpilot shows 20 reviews a page


# -- the machine and the output -------------------------------------------------

def options(module: str, doc: str | None, quick: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: --quick (a smaller run, described by `quick`) and --json."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{module}", description=doc)
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    return parser


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import sqlite3

    versions = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in ("scrapy", "weasyprint", "sqlite_utils"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001 (only informative)
            pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": ram, **versions,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}



def raw_database(path: Path):
    """A second connection on a store's file (sqlite-utils), for what a benchmark does beside the
    Store API: bulk seeding, candidate indexes, PRAGMAs, plain SQLite as a baseline."""
    from sqlite_utils import Database

    db = Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def count_rows(store, table_name: str) -> int:
    return store.query(f"SELECT COUNT(*) AS n FROM [{table_name}]")[0]["n"]

def machine_line() -> str:
    m = machine()
    return (f"machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"SQLite {m['sqlite']}, Scrapy {m.get('scrapy', '?')}, WeasyPrint {m.get('weasyprint', '?')}, {m['date']}")


def table(headers: list[str], rows: list[list]) -> str:
    """A markdown table; numbers are right-aligned."""
    def cell(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    body = [[cell(v) for v in row] for row in rows]
    align = ["---:" if rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) else "---"
             for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def print_result(title: str, text: str, data: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print(f"\n### {title}\n\n{machine_line()}\n\n{text}\n", flush=True)


def mb(kilobytes: int) -> float:
    return kilobytes / 1024


# -- subprocesses with their own peak RSS ----------------------------------------

@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float  # the command's own peak resident set
    cpu_s: float = 0.0  # the command's own user + system CPU seconds (clock time varies with the neighbours)


GNU_TIME = Path("/usr/bin/time")


def run_measured(cmd: list[str], *, cwd: Path = ROOT, env: dict | None = None, timeout: float = 3600) -> Measured:
    """Run `cmd` and measure its peak RSS.

    Not RUSAGE_CHILDREN (a maximum over every child so far), and not the child's own wait4 rusage
    either: Linux counts the memory a child had between fork and exec, a copy of this process, into
    its ru_maxrss. GNU time runs the command from a small process, so its %M is the command's own
    peak; without it, the command reports its VmHWM from /proc at exit (bench/_peak.py).
    """
    import tempfile

    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                   **(env or {})}
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-f", "%M %U %S", "-o", str(peak_file), *cmd]
        else:
            environment["REPSCAN_BENCH_PEAK_FILE"] = str(peak_file)
            wrapped = [sys.executable, "-m", "bench._peak", *cmd[1:]] if cmd[0] == sys.executable else cmd
        started = time.perf_counter()
        try:
            result = subprocess.run(wrapped, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise SystemExit(f"timed out after {timeout} s: {' '.join(cmd)}") from exc
        seconds = time.perf_counter() - started
        try:
            # GNU time writes "Command exited with non-zero status N" first on failure
            peak, user, system = peak_file.read_text().splitlines()[-1].split()
            peak_kb, cpu = int(peak), float(user) + float(system)
        except (OSError, ValueError, IndexError):
            peak_kb, cpu = 0, 0.0
    return Measured(result.returncode, result.stdout, result.stderr, seconds, mb(peak_kb), cpu)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def cli(config: Path, *args: str) -> list[str]:
    return python("-m", "repscan.app.cli", "--config", str(config), *args)


# -- a local Trustpilot-structured site ------------------------------------------

def make_business(count: int, per_page: int = PER_PAGE, slug: str = "acme.example", start: int = 0,
                  seed: int = 1) -> Business:
    """`count` made-up reviews, newest first, with ids acme-<n>; texts of review length (100-600 characters)."""
    rng = random.Random(seed + start)
    business = Business(slug=slug, name="Acme Plumbing", rating=3.9, per_page=per_page)
    base = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)
    for n in range(start + count, start, -1):
        rating = rng.choice((1, 2, 3, 4, 5, 5, 4, 5))
        replied = rng.random() < 0.3
        published = base - timedelta(hours=(start + count - n) * 3)
        business.reviews.append(Review(
            id=f"acme-{n:06d}", author=f"Customer {n}", rating=rating, title=f"Visit {n}",
            text=review_text(rng, rating), published=published.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            reply="Thank you for telling us; we have called you to put it right." if replied else None,
            reply_at=(published + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z") if replied else None,
        ))
    return business


def add_new(business: Business, count: int, tag: str) -> None:
    """`count` new reviews on top (newest first), as a site shows them after they arrive."""
    rng = random.Random(count)
    new = [Review(id=f"{tag}-{n:04d}", author=f"Newcomer {n}", rating=rng.choice((1, 2, 4, 5)), title=f"New {n}",
                  text=review_text(rng, 3), published="2026-11-20T09:00:00.000Z") for n in range(count, 0, -1)]
    business.reviews[:0] = new


class TrustpilotSite:
    """A LocalSite serving one business's Trustpilot-structured pages; pages are cached after their first render
    (`cache=False` renders every request, for sites too big to keep in memory)."""

    def __init__(self, business: Business, cache: bool = True):
        self.business = business
        self.cache = cache
        self.pages: dict[int, bytes] = {}
        self.server = LocalSite(self.route)

    def route(self, path, query):
        raw = (query.get("page") or ["1"])[0]
        page = int(raw) if raw.isdigit() else 0
        if path != f"/review/{self.business.slug}":
            return None
        body = self.pages.get(page)
        if body is None:
            text = trustpilot_page(self.business, page, self.url)
            if text is None:
                return None
            body = text.encode("utf-8")
            if self.cache:
                self.pages[page] = body
        return Reply(body=body)

    def prerender(self) -> None:
        self.pages.clear()
        page = 1
        while (text := trustpilot_page(self.business, page, self.url)) is not None:
            self.pages[page] = text.encode("utf-8")
            page += 1

    def changed(self) -> None:
        self.pages.clear()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def source_url(self) -> str:
        return f"{self.url}/review/{self.business.slug}"

    def page_hits(self) -> int:
        """Requests for pages, robots.txt left out."""
        return sum(1 for hit in self.server.hits if not hit.startswith("/robots.txt"))

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)


# -- configs ------------------------------------------------------------------------

def write_config(folder: Path, clients: list[dict], max_pages: int = 50) -> Path:
    """clients: dicts with id, name, optional sources [(site, url)] and queries [str]."""
    from repscan.app.configfile import write_config as write_toml

    folder.mkdir(parents=True, exist_ok=True)
    return write_toml(
        folder / "repscan.toml",
        agency={"name": "Bench Agency", "sender": "reports@agency.example"},
        storage={"database": "repscan.db", "reports_dir": "out"},
        crawl={"download_delay": 0, "autothrottle": False, "timeout": 30, "retries": 2, "max_pages": max_pages},
        clients=[{"id": c["id"], "name": c.get("name", c["id"].title()), "recipients": [f"owner@{c['id']}.example"],
                  "timezone": "Europe/London", "queries": list(c.get("queries", [])),
                  "sources": [{"site": site, "url": url} for site, url in c.get("sources", ())]}
                 for c in clients],
    )


# -- made-up store contents ---------------------------------------------------------

OPENINGS = ["The engineer arrived on time", "We booked them for a leaking boiler", "Second visit this year",
            "Called on a Sunday morning", "Quote was clear and fair", "The phone line kept us waiting",
            "Booked online for a blocked drain", "They fitted a new radiator"]
GOOD = ["and fixed it in under an hour.", "and left everything clean.", "and explained every step.",
        "and the price matched the quote.", "and came back to check it a week later."]
BAD = ["but the leak came back two days later.", "but nobody called back as promised.",
       "but the bill was twice the quote.", "and left water all over the kitchen floor.",
       "but they cancelled twice without notice."]
FILLER = ["Parking outside was easy.", "The office sent a text before the visit.", "I would mention the noise.",
          "Payment by card was fine.", "They wore shoe covers indoors.", "The van was well stocked."]


def review_text(rng: random.Random, rating: int) -> str:
    ending = rng.choice(GOOD if rating >= 4 else BAD if rating <= 2 else GOOD + BAD)
    sentences = [f"{rng.choice(OPENINGS)} {ending}"] + rng.sample(FILLER, rng.randint(0, 5))
    return " ".join(sentences)


def review_items(rng: random.Random, client_id: str, first: int, count: int, *, newest: datetime,
                 sources: tuple[str, ...] = ("trustpilot", "jsonld"), spacing_hours: float = 6.0) -> list[dict]:
    """`count` classified review items (as the pipelines hand them to the store), newest first from `newest`."""
    from repscan.core.classify import rating_sentiment
    from repscan.core.items import iso_utc, make

    items = []
    for n in range(first, first + count):
        rating = rng.choice((1, 2, 3, 4, 5, 5, 4, 5))
        published = newest - timedelta(hours=(n - first) * spacing_hours + rng.random() * spacing_hours)
        replied = rng.random() < 0.35
        source = sources[n % len(sources)]
        items.append({**make(
            "review", source=source, source_id=f"{client_id}-{n:07d}", url=f"https://{source}.example/r/{client_id}/{n}",
            business_url=f"https://{source}.example/b/{client_id}", author=f"Customer {n}", rating=rating,
            title=f"Visit {n}", text=review_text(rng, rating), language="en", published_at=iso_utc(published),
            reply_text="Thank you for telling us; we have called you to put it right." if replied else None,
            reply_at=iso_utc(published + timedelta(hours=rng.choice((0.5, 3, 30)))) if replied else None,
        ), "sentiment": rating_sentiment(rating, 5), "negative": rating <= 2})
    return items


ENGINE = "duckduckgo"
SITES = [("own", "https://{c}.example/"), ("review", "https://www.trustpilot.com/review/{c}.example"),
         ("complaint", "https://www.ripoffreport.com/reports/{c}/complaint-{n}"), ("social", "https://www.facebook.com/{c}"),
         ("news", "https://news.example/{c}-{n}"), ("other", "https://directory.example/{c}/{n}")]


def search_items(rng: random.Random, client_id: str, queries: list[str], per_query: int = 10) -> list[dict]:
    """One search crawl's organic results, classified as the pipeline does."""
    from repscan.core.items import make

    items = []
    for query in queries:
        ranks = list(range(1, per_query + 1))
        rng.shuffle(ranks)
        for rank, (category, pattern) in zip(ranks, (SITES * 3)[:per_query]):
            url = pattern.format(c=client_id, n=rank)
            negative = category == "complaint"
            items.append({**make("search_result", engine=ENGINE, query=query, rank=rank, url=url,
                                 displayed_url=url.split("://", 1)[1], title=f"{query} – {category} page {rank}",
                                 snippet=("Avoid them: the job was never finished and no refund." if negative else
                                          f"About {query}: opening hours, services and prices.")),
                          "sentiment": -0.6 if negative else 0.2, "negative": negative, "category": category})
    return items


def seed_client(store, client_id: str, *, now: datetime, history: int, new: int, queries: int = 3,
                seed: int = 0) -> str:
    """A client as a report sees it: `history` reviews from before the last report, `new` after it, search results
    at the last report and now, two sources' crawls. Returns the cutoff (ISO) of the last report."""
    from repscan.core.items import stamp

    rng = random.Random(seed)
    cutoff = now - timedelta(days=7)
    names = [f"{client_id} plumbing", f"{client_id} plumbing reviews", f"{client_id} complaints"][:queries]
    old_seen = now - timedelta(days=60)
    if history:
        store.save_items(client_id, review_items(rng, client_id, new, history, newest=cutoff - timedelta(hours=2),
                                                 spacing_hours=24 * 160 / max(history, 1)), seen_at=stamp(old_seen))
    if new:
        store.save_items(client_id, review_items(rng, client_id, 0, new, newest=now - timedelta(hours=1),
                                                 spacing_hours=24 * 6 / max(new, 1)), seen_at=stamp(now - timedelta(hours=1)))
    for when in (cutoff - timedelta(hours=3), now - timedelta(hours=2)):
        crawl = store.start_crawl(client_id, ENGINE, "SearchSpider", f"{len(names)} queries", started_at=stamp(when))
        counts = store.save_items(client_id, search_items(rng, client_id, names), crawl_id=crawl, seen_at=stamp(when))
        store.finish_crawl(crawl, status="ok", items=counts["items"], new_items=counts["items"], requests=len(names),
                           pages=len(names), full=False, error=None)
    for source in ("trustpilot", "jsonld"):
        for when in (now - timedelta(days=1), now - timedelta(hours=1)):
            crawl = store.start_crawl(client_id, source, "Spider", f"https://{source}.example/b/{client_id}",
                                      started_at=stamp(when))
            store.finish_crawl(crawl, status="ok", items=20, new_items=2, requests=2, pages=2, full=False, error=None)
    report = store.add_report(client_id, period_start=stamp(cutoff - timedelta(days=7)), period_end=stamp(cutoff),
                              pdf_path=f"/nonexistent/{client_id}.pdf", new_reviews=0, new_negatives=0)
    store.mark_sent(report, sent_at=stamp(cutoff))  # last week's report: this week's starts at its cutoff
    return stamp(cutoff)


def cpu_parallelism(loops: int = 20_000_000) -> dict:
    """How much work nproc CPU-bound processes at once get done, against one alone: the machine's real parallelism
    (shared or throttled vCPUs show far less than nproc)."""
    code = f"x = 0\nfor i in range({loops}): x += i"
    workers = os.cpu_count() or 1

    def wall(count: int) -> float:
        started = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]
        for process in processes:
            process.wait()
        return time.perf_counter() - started

    one = min(wall(1), wall(1))
    many = min(wall(workers), wall(workers))
    return {"processes": workers, "one_s": one, "all_s": many, "speedup": workers * one / many}


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median seconds of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return median(times), result
