"""The SQLite store: one Store over the table groups in this package, each with its own SQL."""

from __future__ import annotations

from repscan.core.store.alerts import Alerts
from repscan.core.store.crawls import Crawls
from repscan.core.store.deliveries import Deliveries
from repscan.core.store.evidence import Evidence
from repscan.core.store.items import Items
from repscan.core.store.jobs import Jobs
from repscan.core.store.queries import CANNED_QUERIES, canned_queries
from repscan.core.store.replies import Replies
from repscan.core.store.reports import Reports
from repscan.core.store.reviews import Reviews
from repscan.core.store.summaries import Summaries

__all__ = ["CANNED_QUERIES", "Store", "canned_queries"]


class Store(Crawls, Jobs, Items, Reviews, Summaries, Alerts, Reports, Deliveries, Replies, Evidence):
    """One SQLite file (WAL), schema kept current by store.migrations.

    Writes go through the methods (each in a transaction, or in the caller's
    `with store.transaction():`); ad-hoc reads through `store.query(sql, params)`.
    """
