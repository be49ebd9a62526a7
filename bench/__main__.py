"""`make bench`: run every benchmark in turn and print where their figures go in the docs.

    python -m bench [--quick] [bench.name ...]

--quick is passed to the benchmarks that take it (a smaller run, for a smoke test).
The figures go into docs/benchmarks.md (and docs/classifier.md for the classifier).
"""

import runpy
import sys
import time

BENCHMARKS = [
    "bench.classifier_agreement",
    "bench.recrawl",
    "bench.crawl_throughput",
    "bench.report_throughput",
    "bench.store_scale",
    "bench.store_sized",
    "bench.store_upkeep",
    "bench.memory",
    "bench.site_capacity",
]
TAKES_QUICK = {"bench.recrawl", "bench.crawl_throughput", "bench.report_throughput", "bench.store_scale",
               "bench.store_sized", "bench.store_upkeep", "bench.memory", "bench.site_capacity"}

if __name__ == "__main__":
    flags = [arg for arg in sys.argv[1:] if arg.startswith("-")]
    names = [arg for arg in sys.argv[1:] if not arg.startswith("-")] or BENCHMARKS
    started = time.perf_counter()
    for name in names:
        print(f"== {name}", flush=True)
        began = time.perf_counter()
        sys.argv = [name, *(flag for flag in flags if name in TAKES_QUICK or flag != "--quick")]
        try:
            runpy.run_module(name, run_name="__main__")
        except SystemExit as exc:  # each benchmark ends with sys.exit(main())
            if exc.code not in (0, None):
                raise
        print(f"== {name}: {time.perf_counter() - began:.0f} s", flush=True)
    print(f"\nAll benchmarks: {time.perf_counter() - started:.0f} s. Figures: docs/benchmarks.md, docs/classifier.md")
