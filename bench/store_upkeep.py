"""Upkeep of a store-sized database (1,000,000 reviews, 1,000,000 crawl rows, bench.store_sized's cached build):
`repscan prune` as a process, and Datasette's canned queries with 1,000 clients' thresholds, against the one-arm-
per-client CASE they were before.

    python -m bench.store_upkeep [--quick] [--json]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench._common import cli, options, print_result, run_measured, table, write_config
from bench.store_sized import cached


def case_per_client(thresholds: dict[str, float]) -> str:
    """The thresholds expression before issue 15's last round: one CASE arm per client."""
    from repscan.core.rules import DEFAULT_THRESHOLD

    arms = " ".join(f"WHEN '{cid}' THEN {value!r}" for cid, value in sorted(thresholds.items()))
    return f"(CASE client_id {arms} ELSE {DEFAULT_THRESHOLD!r} END)"


def canned(path: Path, clients: list[str]) -> list[list]:
    from repscan.core import rules
    from repscan.core.store import canned_queries

    db = sqlite3.connect(path)
    latest = db.execute("SELECT MAX(first_seen_at) FROM reviews").fetchone()[0]  # the data's clock, not ours
    sets = {"none given (every client at the default)": {},
            "1,000 clients over 3 thresholds (0.2, 0.4, 0.6)": {c: (0.2, 0.4, 0.6)[n % 3] for n, c in enumerate(clients)},
            "1,000 clients, each its own threshold": {c: round(0.2 + n / 2500, 4) for n, c in enumerate(clients)}}
    rows = []
    for label, thresholds in sets.items():
        now = canned_queries(thresholds)
        before = rules.thresholds_sql(thresholds), case_per_client(thresholds) if thresholds else "0.4"
        for key in ("new_negatives", "unanswered"):
            for who in (clients[0], ""):
                sql = now[key]["sql"].replace("'now'", f"'{latest}'")
                times = []
                for expression in before:
                    began = time.process_time()
                    count = len(db.execute(sql.replace(before[0], expression), {"client_id": who}).fetchall())
                    times.append(time.process_time() - began)
                rows.append([label, f"{key} ({'one client' if who else 'all clients'})", count,
                             times[0] * 1000, times[1] * 1000])
    db.close()
    return rows


def prune(big: Path, folder: Path, keep_days: int) -> dict:
    config = write_config(folder, [{"id": "acme", "name": "Acme Plumbing"}])
    shutil.copy(big, folder / "repscan.db")
    count = lambda: sqlite3.connect(folder / "repscan.db").execute("SELECT COUNT(*) FROM crawls").fetchone()[0]  # noqa: E731
    before, size = count(), (folder / "repscan.db").stat().st_size / 1e6
    dry = run_measured(cli(config, "prune", "--keep-days", str(keep_days), "--dry-run"))
    real = run_measured(cli(config, "prune", "--keep-days", str(keep_days)))
    if real.returncode or dry.returncode:
        raise SystemExit(f"prune failed:\n{dry.stderr[-2000:]}\n{real.stderr[-2000:]}")
    again = run_measured(cli(config, "prune", "--keep-days", str(keep_days)))
    return {"before": before, "after": count(), "db_mb": size, "dry": dry, "real": real, "again": again,
            "output": real.stdout.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = options("store_upkeep", __doc__, "100,000 reviews and crawl rows instead of 1,000,000")
    args = parser.parse_args(argv)
    size = 100_000 if args.quick else 1_000_000
    big, _ = cached(size, size, clients=1_000)
    clients = [f"client-{n:04d}" for n in range(1_000)]
    with tempfile.TemporaryDirectory(prefix="repscan-bench-") as tmp:
        pruned = prune(big, Path(tmp), keep_days=30)
    rows = canned(big, clients)
    text = table(["`repscan prune --keep-days 30` (own process)", "CPU s", "clock s", "peak RSS MB"],
                 [[label, pruned[key].cpu_s, pruned[key].seconds, pruned[key].max_rss_mb]
                  for label, key in (("--dry-run (counts)", "dry"), ("deleting", "real"), ("again, nothing left to delete", "again"))])
    text += (f"\n\nCrawl rows: {pruned['before']:,} before, {pruned['after']:,} after ({pruned['output']}); "
             f"database {pruned['db_mb']:.0f} MB.\n\n")
    text += table(["thresholds", "canned query", "rows", "ms CPU, now (a binary search on the id)",
                   "ms CPU, before (a CASE arm per client)"], rows)
    data = {"prune": {k: (v.__dict__ if hasattr(v, "__dict__") else v) for k, v in pruned.items()}, "canned": rows}
    for value in data["prune"].values():
        if isinstance(value, dict):
            value.pop("stdout", None), value.pop("stderr", None)
    print_result(f"Upkeep of a store-sized database ({size:,} reviews, {size:,} crawl rows)", text, data, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
