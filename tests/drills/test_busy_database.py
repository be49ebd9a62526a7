"""Another process holding the write lock: a crawl waits and loses nothing; past [storage] busy_timeout it is an error."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from helpers import ROOT, LocalSite, Reply, make_business, write_config
from repscan.app.demo.site import trustpilot_page
from repscan.core.store import Store

pytestmark = pytest.mark.drill


def _hold_write_lock(database, seconds: float, started: threading.Event) -> None:
    connection = sqlite3.connect(database, timeout=60)
    connection.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


def _crawl_while_locked(tmp_path, hold: float, busy_timeout: float):
    """The lock is taken when the crawl asks for page 2 (its crawls row written, its reviews not yet)."""
    business = make_business(150, per_page=50)
    host, started = {}, threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(tmp_path / "repscan.db", hold, started))

    def route(path, query):
        if path == f"/review/{business.slug}":
            page = int((query.get("page") or ["1"])[0])
            if page == 2 and not holder.is_alive() and not started.is_set():
                holder.start()
                started.wait(10)
            body = trustpilot_page(business, page, host["url"])
            return Reply(body=body) if body else None
        return None

    with LocalSite(route) as site:
        host["url"] = site.url
        config = write_config(tmp_path, [("trustpilot", f"{site.url}/review/{business.slug}")])
        config.write_text(config.read_text().replace('reports_dir = "out"', f'reports_dir = "out"\nbusy_timeout = {busy_timeout}'))
        result = subprocess.run([sys.executable, "-m", "repscan.app.cli", "--config", str(config), "crawl", "--quiet"],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        holder.join()
    store = Store(tmp_path / "repscan.db")
    try:
        return result, store.crawls()[-1], store.query("SELECT count(*) AS n FROM reviews")[0]["n"]
    finally:
        store.close()


def test_a_crawl_waits_for_the_lock_and_loses_nothing(tmp_path):
    result, crawl, stored = _crawl_while_locked(tmp_path, hold=3, busy_timeout=30)
    assert (crawl["status"], crawl["items"], stored) == ("ok", 150, 150), (crawl, result.stderr[-2000:])


def test_a_lock_held_too_long_is_an_error_never_empty(tmp_path):
    result, crawl, stored = _crawl_while_locked(tmp_path, hold=6, busy_timeout=1)
    assert crawl["status"] == "error", crawl
    assert "could not store" in (crawl["error"] or "") and "locked" in crawl["error"]
