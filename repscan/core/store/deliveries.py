"""Which channel accepted which alert or report: each is sent once per channel, and retried only where it failed."""

from __future__ import annotations

from repscan.core.store.connection import Connection, now


class Deliveries(Connection):
    def delivered(self, kind: str, ref_ids: list[int]) -> dict[int, set[str]]:
        """The channels that accepted each alert or report (`kind` "alert" or "report")."""
        out: dict[int, set[str]] = {ref_id: set() for ref_id in ref_ids}
        for start in range(0, len(ref_ids), 500):
            chunk = ref_ids[start:start + 500]
            for row in self._db.query(
                    f"SELECT ref_id, channel FROM deliveries WHERE kind = ? AND sent_at IS NOT NULL"
                    f" AND ref_id IN ({', '.join('?' * len(chunk))})", [kind, *chunk]):
                out[row["ref_id"]].add(row["channel"])
        return out

    def record_delivery(self, kind: str, ref_ids: list[int], channel: str, *, error: str | None = None) -> None:
        """One channel's attempt for these alerts or reports: accepted (no `error`) or failed, with why."""
        stamp = now()
        with self.transaction():
            self._db["deliveries"].upsert_all(
                [{"kind": kind, "ref_id": ref_id, "channel": channel, "attempted_at": stamp,
                  "sent_at": None if error else stamp, "error": error} for ref_id in ref_ids],
                pk=("kind", "ref_id", "channel"))
