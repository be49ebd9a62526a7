"""The store's connection: opening the file, transactions and plain reads, shared by every table group."""

from __future__ import annotations

import sqlite3
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path

from repscan.core.items import stamp

BATCH_IN = 500  # ids per IN (...): SQLite allows 999+ variables; stay well under it
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another process's write to end ([storage] busy_timeout)


def now() -> str:
    return stamp()


class UpgradeFailed(RuntimeError):
    """A migration could not be applied to an existing database: rolled back, the database as it was before it."""


def sqlite_utils():
    """sqlite-utils, imported on first use with numpy and pandas hidden: it imports them when it can, to map their
    types, which the store never writes (numpy alone is 0.2 s CPU). Both stay importable for the code that needs them."""
    if "sqlite_utils" not in sys.modules:
        hidden = {name: sys.modules.setdefault(name, None) for name in ("numpy", "pandas")}  # None: ImportError
        try:
            import sqlite_utils  # noqa: F401
        finally:
            for name, module in hidden.items():
                if module is None:
                    del sys.modules[name]
    return sys.modules["sqlite_utils"]


@cache
def schema_mark() -> int | None:
    """A checksum of the migrations' source, kept in the file's user_version once they are applied: a process that
    finds it there knows the schema is current without importing them (or sqlite-utils). None: no source to read."""
    try:
        return zlib.crc32(Path(__file__).with_name("migrations.py").read_bytes()) & 0x7FFFFFFF
    except OSError:
        return None


class Database:
    """What the store reads through (conn, execute, query, close) on a plain sqlite3 connection, as sqlite-utils'
    Database does them; anything else (a table's methods, atomic) is sqlite-utils' own, on the same connection,
    imported when first needed: a report that only reads never imports it."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(str(path))  # as sqlite-utils opens a file
        self.conn.execute("PRAGMA recursive_triggers=on;")

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, params=None) -> Iterator[dict]:
        cursor = self.execute(sql, params or ())
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row))

    def close(self) -> None:
        self.conn.close()

    @cached_property
    def full(self):
        """sqlite-utils' Database on this connection (no plugins: the store registers none, so no entry point scan)."""
        return sqlite_utils().Database(self.conn, execute_plugins=False)

    def __getitem__(self, name: str):
        return self.full[name]

    def __getattr__(self, name: str):
        return getattr(self.full, name)


def by_source(keys: list[tuple[str, str]]):
    """(source, up to BATCH_IN of its ids) for lookups by primary key, source_id IN (...) per source:
    an OR of pairs made SQLite walk every row of the client, so a crawl got slower as it grew."""
    grouped: dict[str, list[str]] = {}
    for source, source_id in keys:
        grouped.setdefault(source, []).append(source_id)
    for source, ids in grouped.items():
        for start in range(0, len(ids), BATCH_IN):
            yield source, ids[start:start + BATCH_IN]


class Connection:
    """One SQLite file (WAL) kept current by the migrations; the table groups build on it."""

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = Database(self.path)
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._db.execute("PRAGMA journal_mode = wal")
        self._db.execute("PRAGMA synchronous = NORMAL")
        mark = schema_mark()
        if mark is None or self._db.execute("PRAGMA user_version").fetchone()[0] != mark:
            full = self._db.full  # sqlite-utils imported the store's way before the migrations import it
            from repscan.core.store.migrations import migrations

            try:
                migrations.apply(full)
            except sqlite3.Error as exc:
                [failed, *_] = migrations.pending(full) or [None]
                self._db.close()
                raise UpgradeFailed(
                    f"the database {self.path} could not be upgraded to this version: migration"
                    f" {failed.name if failed else '?'} failed ({exc}); it was rolled back, and the database is as it"
                    " was before it (keep a copy of it and report this)") from exc
            if mark is not None:
                self._db.execute(f"PRAGMA user_version = {mark}")

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

    def _columns(self, table: str) -> tuple[str, ...]:
        """A table's columns, read once per connection (the schema only changes in migrations)."""
        cache = self.__dict__.setdefault("_column_cache", {})
        if table not in cache:
            cache[table] = tuple(row[1] for row in self._db.execute(f"PRAGMA table_info([{table}])"))
        return cache[table]

    def _fit(self, table: str, rows: list[dict]) -> list[str]:
        """The table's columns that `rows` hold, once every key is one of them (as an INSERT naming it would fail)."""
        keys: set[str] = set().union(*rows)
        columns = self._columns(table)
        if "kind" not in columns:
            keys.discard("kind")  # an item's kind, unless the table records it (evidence)
        unknown = keys.difference(columns)
        if unknown:
            raise sqlite3.OperationalError(f"table {table} has no column named {sorted(unknown)[0]}")
        return [column for column in columns if column in keys]

    def _insert(self, table: str, rows: list[dict]) -> None:
        """New rows: one INSERT of the batch's columns, executed over its tuples."""
        if not rows:
            return
        columns = self._fit(table, rows)
        self._db.conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(map(row.get, columns)) for row in rows])

    def _one(self, sql: str, params=()) -> dict | None:
        """The first row of a read, or None."""
        return next(iter(self._db.query(sql, params)), None)
