"""The store's connection: opening the file, transactions and plain reads, shared by every table group."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from repscan.core.items import stamp
from repscan.core.store.migrations import migrations

BATCH_IN = 500  # ids per IN (...): SQLite allows 999+ variables; stay well under it
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another process's write to end ([storage] busy_timeout)


def now() -> str:
    return stamp()


class Connection:
    """One SQLite file (WAL) kept current by the migrations; the table groups build on it."""

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = Database(self.path, execute_plugins=False)  # no sqlite-utils plugins: no entry point scan
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self._db.enable_wal()
        self._db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(self._db)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Everything in the block commits together or not at all.

        BEGIN IMMEDIATE takes the write lock at the start, so a writer waits out another
        process's write (busy_timeout) instead of failing with "database is locked" when a
        read inside its transaction turns into a write. A nested block is a savepoint.
        """
        conn = self._db.conn
        if conn.in_transaction:
            with self._db.atomic():
                yield self
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def query(self, sql: str, params=()) -> list[dict]:
        """The rows of one read-only SQL statement, as dicts (for tests, checks and ad-hoc reads)."""
        return list(self._db.query(sql, params))

    def _one(self, sql: str, params=()) -> dict | None:
        """The first row of a read, or None."""
        return next(iter(self._db.query(sql, params)), None)
