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
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm016_business_lookup'")
        db.execute("DROP INDEX idx_businesses_client_id_source")
        db.execute("PRAGMA user_version = 7")
    Store(tmp_path / "repscan.db").close()
    with sqlite3.connect(tmp_path / "repscan.db") as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'idx_businesses_client_id_source'").fetchone()
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema_mark()


def test_a_report_reads_a_current_store_without_importing_sqlite_utils(tmp_path):
    store = Store(tmp_path / "repscan.db")
    store.save_items("acme", [{"kind": "review", "source": "trustpilot", "source_id": "r1", "rating": 2.0,
                               "text": "Made-up words."}], seen_at="2026-12-01T10:00:00.000000Z")
    store.close()
    script = ("import sys; from repscan.core.store import Store; store = Store(sys.argv[1]);"
              " rows = store.reviews_since('acme', None, threshold=0.4); store.close();"
              " print(len(rows), 'sqlite_utils' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "repscan.db")], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["1", "False", "False"]
