"""The SQLite store: one Store over the table groups in this package, each with its own SQL."""

from __future__ import annotations

import sys

# sqlite-utils imports numpy and pandas when it can, to map their types, which the store never writes: numpy
# alone is 0.2 s CPU of every process that opens the store. Imported here first with both hidden; both stay
# importable for the code that needs them.
if "sqlite_utils" not in sys.modules:
    _hidden = {name: sys.modules.setdefault(name, None) for name in ("numpy", "pandas")}  # None: ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for _name, _module in _hidden.items():
            if _module is None:
                del sys.modules[_name]

from repscan.core.store.alerts import Alerts  # noqa: E402
from repscan.core.store.crawls import Crawls  # noqa: E402
from repscan.core.store.deliveries import Deliveries  # noqa: E402
from repscan.core.store.evidence import Evidence  # noqa: E402
from repscan.core.store.items import Items  # noqa: E402
from repscan.core.store.jobs import Jobs  # noqa: E402
from repscan.core.store.queries import CANNED_QUERIES, canned_queries  # noqa: E402
from repscan.core.store.replies import Replies  # noqa: E402
from repscan.core.store.reports import Reports  # noqa: E402
from repscan.core.store.reviews import Reviews  # noqa: E402
from repscan.core.store.summaries import Summaries  # noqa: E402

__all__ = ["CANNED_QUERIES", "Store", "canned_queries"]


class Store(Crawls, Jobs, Items, Reviews, Summaries, Alerts, Reports, Deliveries, Replies, Evidence):
    """One SQLite file (WAL), schema kept current by store.migrations.

    Writes go through the methods (each in a transaction, or in the caller's
    `with store.transaction():`); ad-hoc reads through `store.query(sql, params)`.
    """
