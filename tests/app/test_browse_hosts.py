"""`repscan browse` answers only requests that name this machine: DNS rebinding gets 403."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time

import pytest

from helpers import write_config
from repscan.app.demo import free_port


def _get(port: int, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/", headers={"Host": host})
    return connection.getresponse().status


def test_only_localhost_host_headers_are_served(tmp_path):
    pytest.importorskip("datasette")
    port = free_port()
    config = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    browse = subprocess.Popen([sys.executable, "-P", "-m", "repscan.app.cli", "--config", str(config), "browse",
                               "--port", str(port), "--no-open"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status = _get(port, f"127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline, "datasette never answered"
                time.sleep(0.2)
        assert status == 200
        assert _get(port, f"localhost:{port}") == 200
        assert _get(port, f"attacker.example:{port}") == 403
        assert _get(port, "127.0.0.1.attacker.example") == 403
    finally:
        browse.kill()
        browse.wait()
