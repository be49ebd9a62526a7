"""The operator's digest holds back the same problem within a day, never another client's, address's or port's that
reads alike but for its digits (real SMTP on 127.0.0.1, real SQLite)."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from repscan.app.demo import smtp_server
from repscan.app.operator_mail import send_digest

SIX = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)
TWO = datetime(2026, 12, 5, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def digest(tmp_path, monkeypatch):
    """tell(lines, now): send_digest's answer; and the bodies the operator received so far."""
    with smtp_server(tmp_path / "inbox") as server:
        monkeypatch.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{server.port}")

        def tell(lines: list[str], now: datetime) -> str | None:
            return send_digest(tmp_path / "repscan.db", "reports@agency.example", "ops@agency.example", lines, now=now)

        def bodies() -> list[str]:
            return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_content()
                    for p in sorted((tmp_path / "inbox").glob("*.eml"))]
        yield tell, bodies


@pytest.mark.parametrize("first, second", [
    ("shop1 send: to a@shop.example: refused: 550 5.1.1 user unknown",
     "shop2 send: to a@shop.example: refused: 550 5.1.1 user unknown"),
    ("store-12 report: failed (2 new, 1 negative) SMTPServerDisconnected: Connection unexpectedly closed",
     "store-14 report: failed (2 new, 1 negative) SMTPServerDisconnected: Connection unexpectedly closed"),
    ("acme alerts: email to owner@acme.example: ConnectionRefusedError: 10.0.0.12:2525 refused",
     "acme alerts: email to owner@acme.example: ConnectionRefusedError: 10.0.0.14:2525 refused"),
    ("acme alerts: email to owner@acme.example: ConnectionRefusedError: 10.0.0.12:2525 refused",
     "acme alerts: email to owner@acme.example: ConnectionRefusedError: 10.0.0.12:2526 refused"),
    ("acme send: to a@acme.example: refused: 550 5.1.1 user unknown",
     "acme send: to a@acme.example: refused: 551 5.1.6 user has moved"),
])
def test_another_client_s_or_address_s_problem_is_emailed_the_same_day(digest, first, second):
    tell, bodies = digest
    assert tell([first], SIX) == "operator ops@agency.example emailed 1 problem"
    assert tell([second], TWO) == "operator ops@agency.example emailed 1 problem"
    assert [second in body for body in bodies()] == [False, True]


def test_the_same_problem_with_other_times_and_counts_is_held_back_for_a_day(digest):
    """What is normalised: times (ISO dates and date-times, a file name's 20261205-060000, a clock's 06:00) and counts
    (a number before a word: "2 new", "12.5 s"); the client, job, addresses, ports and reply codes are kept."""
    tell, bodies = digest
    line = ("acme report: failed ({n} new, 1 negative) out/acme-20261205-{hhmm}00.pdf to a@acme.example: refused: 550"
            " 5.1.1 user unknown at 2026-12-05T{hh}:00:00Z, after {s} s, broken since {hh}:00 on 10.0.0.12:2525")
    assert tell([line.format(n=2, hhmm="0600", hh="06", s="4.2")], SIX) == "operator ops@agency.example emailed 1 problem"
    again = tell([line.format(n=5, hhmm="1400", hh="14", s="12")], TWO)
    assert again == "operator already told of 1 problem within a day" and len(bodies()) == 1
