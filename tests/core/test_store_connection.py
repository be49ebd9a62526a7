"""The store's connection: the schema mark that lets a process skip the migrations, and reads without sqlite-utils."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from repscan.core.store import Store
from repscan.core.store.connection import schema_mark


def test_a_store_marks_its_schema_and_a_different_mark_applies_the_migrations_again(tmp_path):
    Store(tmp_path / "repscan.db").close()
    with sqlite3.connect(tmp_path / "repscan.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema_mark() != 0
        # as if the file were last opened by a repscan without the newest migration
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm019_business_lookup'")
        db.execute("DROP INDEX idx_businesses_client_id_source")
        db.execute("PRAGMA user_version = 7")
    Store(tmp_path / "repscan.db").close()
    with sqlite3.connect(tmp_path / "repscan.db") as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'idx_businesses_client_id_source'").fetchone()
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema_mark()


CRAWL = """
import sys
from pathlib import Path
from repscan.core.store import Store
from repscan.core.store.evidence import Page
store = Store(sys.argv[1])
crawl = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/b/acme")
review = {"kind": "review", "source": "trustpilot", "source_id": "r1", "rating": 1.0, "negative": True,
          "text": "Made-up words.", "business_url": "https://t.example/b/acme"}
store.save_items("acme", [review], crawl_id=crawl)
page = Page(url="https://t.example/b/acme", body=b"<html>made-up page</html>", status=200, fetched_at="2026-12-01T10:00:00Z")
store.record_evidence("acme", [(review, page)], crawl_id=crawl)
store.finish_crawl(crawl, status="ok", items=1, new_items=1, requests=1, pages=1, full=True, error=None)
store.mark_removed("acme", "trustpilot", "https://t.example/b/acme", crawl)
rows = store.reviews_since("acme", None, threshold=0.4)
print(len(rows), *[row["kind"] for row in store.evidence("acme")], store.crawls()[-1]["status"], "sqlite_utils" in sys.modules,
      "numpy" in sys.modules)
"""


def test_a_crawl_and_a_report_use_a_current_store_without_importing_sqlite_utils(tmp_path):
    Store(tmp_path / "repscan.db").close()
    out = subprocess.run([sys.executable, "-c", CRAWL, str(tmp_path / "repscan.db"), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "review", "ok", "False", "False"]
