"""`make bench`: run every benchmark in turn and print where their figures go in the docs."""

import runpy
import sys

BENCHMARKS = ["bench.classifier_agreement"]

if __name__ == "__main__":
    for name in sys.argv[1:] or BENCHMARKS:
        print(f"== {name}", flush=True)
        runpy.run_module(name, run_name="__main__")
