"""Which channel accepted which alert or report: each is sent once per channel, and retried only where it failed,
until an address refused for good is given up (rules.REFUSED_TIMES); one that no channel accepted is never sent."""

from __future__ import annotations

from repscan.core import rules
from repscan.core.store.connection import Connection, now

SETTLED = "(sent_at IS NOT NULL OR given_up_at IS NOT NULL)"  # a channel no longer tried for that alert or report
GIVEN_UP = "none: every channel was given up"  # an alert's channels when none accepted it (failed, never sent)
_OWNER = {"report": "reports", "alert": "alerts"}  # the table a delivery's ref_id points into


class Deliveries(Connection):
    def delivered(self, kind: str, ref_ids: list[int]) -> dict[int, set[str]]:
        """The channels done with each alert or report (`kind` "alert" or "report"): those that accepted it, and the
        addresses given up for it (refused permanently rules.REFUSED_TIMES times)."""
        out: dict[int, set[str]] = {ref_id: set() for ref_id in ref_ids}
        for start in range(0, len(ref_ids), 500):
            chunk = ref_ids[start:start + 500]
            for row in self._db.query(
                    f"SELECT ref_id, channel FROM deliveries WHERE kind = ? AND {SETTLED}"
                    f" AND ref_id IN ({', '.join('?' * len(chunk))})", [kind, *chunk]):
                out[row["ref_id"]].add(row["channel"])
        return out

    def failed(self, kind: str, needs: dict[int, set[str]]) -> dict[int, str]:
        """The alerts or reports (id -> the channels each needs) every needed channel of which was given up and none
        of which accepted it: never delivered, so never "sent" (a failure for good). Each with the refusals, as
        "email:x@example.com: given up after 3 permanent refusals: ...". Those with a channel still to try are not."""
        ids = [ref_id for ref_id, channels in needs.items() if channels]
        rows: dict[int, dict[str, dict]] = {ref_id: {} for ref_id in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in self._db.query(
                    f"SELECT ref_id, channel, sent_at, given_up_at, error FROM deliveries WHERE kind = ?"
                    f" AND ref_id IN ({', '.join('?' * len(chunk))})", [kind, *chunk]):
                rows[row["ref_id"]][row["channel"]] = row
        out = {}
        for ref_id, found in rows.items():
            accepted = any(row["sent_at"] for row in found.values())
            if not accepted and all(found.get(channel, {}).get("given_up_at") for channel in needs[ref_id]):
                out[ref_id] = "; ".join(f"{channel}: {found[channel]['error']}" for channel in sorted(needs[ref_id]))
        return out

    def record_delivery(self, kind: str, ref_ids: list[int], channel: str, *, error: str | None = None,
                        permanent: bool = False) -> list[int]:
        """One channel's attempt for these alerts or reports: accepted (no `error`) or failed, with why; a failure
        `permanent` (rules.refused_permanently) counts towards giving the channel up. Returns the ids given up now."""
        stamp = now()
        counts = self._refusals(kind, ref_ids, channel) if permanent else {}
        rows, given_up = [], []
        for ref_id in ref_ids:
            row = {"kind": kind, "ref_id": ref_id, "channel": channel, "attempted_at": stamp,
                   "sent_at": None if error else stamp, "error": error}
            if permanent:
                row["refusals"] = counts.get(ref_id, 0) + 1
                if row["refusals"] >= rules.REFUSED_TIMES:
                    row["given_up_at"] = stamp
                    row["error"] = f"given up after {row['refusals']} permanent refusals: {error}"
                    given_up.append(ref_id)
            rows.append(row)
        with self.transaction():
            self._db["deliveries"].upsert_all(rows, pk=("kind", "ref_id", "channel"))
        return given_up

    def _refusals(self, kind: str, ref_ids: list[int], channel: str) -> dict[int, int]:
        out = {}
        for start in range(0, len(ref_ids), 500):
            chunk = ref_ids[start:start + 500]
            out.update(self._db.execute(
                f"SELECT ref_id, refusals FROM deliveries WHERE kind = ? AND channel = ?"
                f" AND ref_id IN ({', '.join('?' * len(chunk))})", [kind, channel, *chunk]).fetchall())
        return out

    def given_up(self, client_id: str) -> list[dict]:
        """The client's deliveries given up (an address refused for good): kind, ref_id, channel, given_up_at and
        error (the server's reply), oldest first."""
        return self.query(" UNION ALL ".join(
            f"SELECT d.kind, d.ref_id, d.channel, d.given_up_at, d.error FROM deliveries d JOIN {table} t"
            f" ON t.id = d.ref_id WHERE d.kind = '{kind}' AND d.given_up_at IS NOT NULL AND t.client_id = ?"
            for kind, table in _OWNER.items()) + " ORDER BY given_up_at", [client_id] * len(_OWNER))
