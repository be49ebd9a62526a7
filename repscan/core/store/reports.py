"""The reports table: each report rendered, sent or pending, so none is rendered or sent twice."""

from __future__ import annotations

import json

from repscan.core.store.connection import Connection, now


class Reports(Connection):
    def last_sent_report(self, client_id: str) -> dict | None:
        return self._one("SELECT * FROM reports WHERE client_id = ? AND status = 'sent' ORDER BY period_end DESC LIMIT 1",
                         [client_id])

    def report_cutoff(self, client_id: str) -> str | None:
        """The cutoff of the client's last sent report: what is new comes after it (rules.new)."""
        last = self.last_sent_report(client_id)
        return last["period_end"] if last else None

    def sent_figures(self, report: dict) -> dict:
        """A report row's headline figures as it showed them: all of them (add_report's `figures`) or, for a row
        from before m028, new_reviews and new_negatives alone; "period_start" is the start its period label named
        (the row's own when none was stored: None for a baseline, "up to" its end)."""
        stored = json.loads(report.get("figures") or "{}")
        return {"period_start": report["period_start"], **stored,
                "new_reviews": report["new_reviews"], "new_negatives": report["new_negatives"]}

    def pending_report(self, client_id: str) -> dict | None:
        """A report rendered (or being sent) but not recorded as sent: reuse it, never render twice."""
        return self._one(
            "SELECT * FROM reports WHERE client_id = ? AND status IN ('rendered', 'sending') ORDER BY id DESC LIMIT 1",
            [client_id])

    def add_report(self, client_id: str, *, period_start: str | None, period_end: str, pdf_path: str,
                   new_reviews: int, new_negatives: int, letter=None, figures: dict | None = None) -> int:
        """A rendered report; `letter` (mail.Letter): its email as rendered with it, what a resend sends; `figures`:
        its headline figures as shown (JSON-ready), what the next report says they were (sent_figures)."""
        with self.transaction():
            table = self._db["reports"]
            table.insert({
                "client_id": client_id, "period_start": period_start, "period_end": period_end,
                "created_at": now(), "pdf_path": pdf_path, "status": "rendered",
                "new_reviews": new_reviews, "new_negatives": new_negatives,
                **({"figures": json.dumps(figures)} if figures is not None else {}),
                **({"mail_subject": letter.subject, "mail_text": letter.text, "mail_html": letter.html} if letter else {}),
            })
            return table.last_pk

    def mark_sending(self, report_id: int, recipients: list[str], message_id: str) -> None:
        self._update_report(report_id, status="sending", recipients=", ".join(recipients), message_id=message_id)

    def mark_sent(self, report_id: int, sent_at: str | None = None) -> None:
        self._update_report(report_id, status="sent", sent_at=sent_at or now(), error=None)

    def mark_report_failed(self, report_id: int, error: str) -> None:
        """A report no channel took (every address given up): never sent, no longer pending; the next report covers
        its period (report_cutoff is the last sent report's)."""
        self._update_report(report_id, status="failed", error=error)

    def mark_report_error(self, report_id: int, error: str) -> None:
        self._update_report(report_id, error=error)

    def _update_report(self, report_id: int, **fields) -> None:
        with self.transaction():
            self._db["reports"].update(report_id, fields)

    def reports(self, client_id: str | None = None) -> list[dict]:
        where, params = ("WHERE client_id = ?", [client_id]) if client_id else ("", [])
        return self.query(f"SELECT * FROM reports {where} ORDER BY id", params)
