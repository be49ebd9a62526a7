"""Upgrading a database: the migrations' names are fixed once released (a database records them), a migration renamed
on main once still upgrades the databases that ran it under its old name, and a migration that fails is a clear error
line and exit 1 for every command, never a traceback, with the database left as it was."""

from __future__ import annotations

import sqlite3

from helpers import run_cli, write_config
from repscan.core.store import Store
from repscan.core.store.migrations import migrations

RELEASED = [  # every name main has applied, in order: a database records them, so they never change
    "m001_initial", "m002_schedule_state", "m003_alerts", "m004_node_jobs", "m005_time_precision", "m006_deliveries",
    "m007_alert_category", "m008_crawl_lookups", "m009_first_versions_in_the_review_row", "m010_replies", "m011_judge",
    "m012_author_review_count", "m013_evidence", "m018_evidence_note", "m019_business_lookup", "m021_report_letter",
    "m022_site_replies", "m023_refused_recipients", "m024_spike_facts", "m025_evidence_pages", "m026_watch_reads",
    "m027_ingest_evidence_problems", "m028_report_figures",
]


def applied(path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [name for name, in db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]


def test_released_migration_names_are_never_renamed_or_reordered(tmp_path):
    Store(tmp_path / "repscan.db").close()
    names = applied(tmp_path / "repscan.db")
    assert names == [m.name for m in migrations._migrations]
    assert names[:len(RELEASED)] == RELEASED, "a released migration was renamed or moved: add a new one instead"


def test_a_database_that_ran_the_ingest_migration_under_its_name_of_a_few_minutes_still_opens(tmp_path):
    path = tmp_path / "repscan.db"
    Store(path).close()
    with sqlite3.connect(path) as db:  # as main between cbfa1eb and 6cc7975 left it
        db.execute("UPDATE _sqlite_migrations SET name = 'm028_ingest_evidence_problems'"
                   " WHERE name = 'm027_ingest_evidence_problems'")
        db.execute("PRAGMA user_version = 0")  # an older version's mark: the migrations run at the next open
    store = Store(path)
    assert "evidence_problems" in store._columns("node_jobs")
    store.close()
    names = applied(path)
    assert "m028_ingest_evidence_problems" in names and names.count("m027_ingest_evidence_problems") == 1


def test_a_migration_that_fails_is_one_clear_error_and_exit_1_and_changes_nothing(tmp_path):
    config = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")])
    path = tmp_path / "repscan.db"
    Store(path).close()
    with sqlite3.connect(path) as db:  # m026 recorded as not applied though its column is there: it fails again
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm026_watch_reads'")
        db.execute("PRAGMA user_version = 0")
    before = applied(path)
    for command in (["run"], ["report", "--client", "acme"]):
        result = run_cli("--config", str(config), *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        [line] = [line for line in result.stderr.splitlines() if "could not be upgraded" in line]
        assert line.startswith(f"repscan: error: the database {path} could not be upgraded to this version:")
        assert "migration m026_watch_reads failed (duplicate column name: watched)" in line and "rolled back" in line
    assert applied(path) == before
