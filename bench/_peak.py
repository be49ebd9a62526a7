"""Run a Python module or code as `python -m bench._peak -m MODULE ARGS...` (or `-c CODE`) and write the process's
peak resident set (VmHWM, KB) and CPU seconds to $REPSCAN_BENCH_PEAK_FILE at exit; the fallback when GNU time is missing."""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _write_peak() -> None:
    path = os.environ.get("REPSCAN_BENCH_PEAK_FILE")
    if not path:
        return
    times = os.times()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w") as out:  # as GNU time's "%M %U %S" writes it
                    out.write(f"{line.split()[1]} {times.user} {times.system}")
                return


def main() -> None:
    atexit.register(_write_peak)
    args = sys.argv[1:]
    if args[:1] == ["-m"]:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[:1] == ["-c"]:
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit("usage: python -m bench._peak -m MODULE [ARGS...] | -c CODE")


if __name__ == "__main__":
    main()
