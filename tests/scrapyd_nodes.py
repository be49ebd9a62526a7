"""Real Scrapyd servers for the node tests: one `scrapyd` process each, in its own folder and process group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need_scrapyd() -> None:
    pytest.importorskip("scrapyd", reason="scrapyd is not installed (pip install 'repscan[nodes]')")
    pytest.importorskip("pkg_resources", reason="Scrapyd's runner needs pkg_resources (setuptools < 81)")


class ScrapydNode:
    """One `scrapyd` process in its own folder (eggs, logs, items, dbs) and process group; `python` is the
    node's interpreter (its packages), `auth` the (user, password) it demands, `conf` its scrapyd.conf text (naming `port`)."""

    def __init__(self, folder: Path, items: bool = True, *, python: str = sys.executable,
                 auth: tuple[str, str] | None = None, conf: str | None = None, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        folder.mkdir(parents=True)
        (folder / "scrapyd.conf").write_text(conf or (
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\n"
            f"items_dir = {'items' if items else ''}\njobs_to_keep = 100\npoll_interval = 0.2\nmax_proc = 4\n"
            + (f"username = {auth[0]}\npassword = {auth[1]}\n" if auth else "")))
        # No PYTHONPATH: the jobs import repscan and spiders from the deployed egg, as on a real node.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.log = open(folder / "scrapyd.out", "wb")
        self.process = subprocess.Popen([python, "-m", "scrapyd"], cwd=folder, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"scrapyd exited: {(self.folder / 'scrapyd.out').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "daemonstatus.json", timeout=2) as answer:
                    if json.loads(answer.read())["status"] == "ok":
                        return
            except urllib.error.HTTPError:
                return  # it answers: with 401 when it demands credentials
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"scrapyd on {self.url} did not start in {timeout} s")

    def kill(self) -> None:
        """The machine dies: Scrapyd and its crawl processes, at once."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # crawl processes outliving Scrapyd
        except ProcessLookupError:
            pass
        self.log.close()


@contextmanager
def running(folders, **options):
    """ScrapydNode(folder, **options) for each folder, ready; all stopped at the end."""
    need_scrapyd()
    nodes = [ScrapydNode(folder, **options) for folder in folders]
    try:
        for node in nodes:
            node.wait_ready()
        yield nodes
    finally:
        for node in nodes:
            node.stop()
