"""kill -9 of the process that started render workers or Datasette: its children die with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, write_config

pytestmark = pytest.mark.drill

POOL = """
import sys, time
sys.path.insert(0, {tests!r})
from repscan.reports.deliver import worker_pool
from orphan_tasks import linger
pool = worker_pool(2)
futures = [pool.submit(linger, {folder!r}) for _ in range(2)]
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_render_workers_die_with_a_killed_parent(tmp_path):
    script = POOL.format(tests=str(ROOT / "tests" / "drills"), folder=str(tmp_path))
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path)
    try:
        assert _wait(lambda: len(list(tmp_path.glob("*.pid"))) == 2, 60), "the workers never started"
        workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
        assert all(_alive(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _wait(lambda: not any(_alive(pid) for pid in workers), 10), f"orphaned workers: {workers}"
    finally:
        parent.kill()


def test_datasette_dies_with_a_killed_browse(tmp_path):
    pytest.importorskip("datasette")
    from repscan.app.demo import free_port

    config = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    browse = subprocess.Popen([sys.executable, "-m", "repscan.app.cli", "--config", str(config),
                               "browse", "--port", str(free_port()), "--no-open"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def child() -> int | None:
            found = subprocess.run(["pgrep", "-P", str(browse.pid)], capture_output=True, text=True).stdout.split()
            return int(found[0]) if found else None

        assert _wait(lambda: child() is not None, 30), "datasette never started"
        datasette = child()
        browse.send_signal(signal.SIGKILL)
        browse.wait(10)
        assert _wait(lambda: not _alive(datasette), 10), f"datasette {datasette} outlived repscan browse"
    finally:
        browse.kill()
