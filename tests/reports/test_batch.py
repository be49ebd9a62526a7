"""`repscan send --all`: parallel rendering, and a batch killed mid-way resumes with exactly one email per client."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from helpers import ROOT, report_due
from repscan.app import configfile
from repscan.app.demo import free_port
from repscan.core.items import make
from repscan.core.store import Store

CLIENTS = ["alpha", "bravo", "charlie", "delta"]


class SlowInbox:
    """Accepts each message after a pause, so a batch can be killed between two sends."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(1.0)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def write_config(folder):
    path = configfile.write_config(
        folder / "repscan.toml", agency={"name": "Agency", "sender": "reports@agency.example"},
        clients=[{"id": c, "name": f"{c.title()} Ltd", "recipients": [f"owner@{c}.example"],
                  "report_schedule": "0 8 * * 1", "sources": [{"site": "trustpilot", "url": f"https://t.example/review/{c}"}]}
                 for c in CLIENTS])
    store = Store(folder / "repscan.db")
    for n, client in enumerate(CLIENTS):
        store.save_items(client, [{**make("review", source="trustpilot", source_id=f"{client}-{i}",
                                          author=f"Person {i}", rating=1 + (i + n) % 5, text=f"Review {i} of {client}.",
                                          published_at="2026-11-10T10:00:00Z"),
                                   "sentiment": 0.0, "negative": (i + n) % 5 < 2} for i in range(6)])
    store.close()
    for client in CLIENTS:
        report_due(folder / "repscan.db", client)
    return path


def send_all(path, port):
    env = {**os.environ, "REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    return subprocess.Popen([sys.executable, "-P", "-m", "repscan.app.cli", "--config", str(path), "send", "--all"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _sent(path) -> int:
    store = Store(path.parent / "repscan.db")
    try:
        return len(store.query("SELECT id FROM reports WHERE status = 'sent'"))
    finally:
        store.close()


@pytest.fixture
def inbox():
    """A slow SMTP server on 127.0.0.1: its messages, and its port as `.port`."""
    box = SlowInbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


def test_killed_batch_resumes_and_every_client_gets_exactly_one_email(tmp_path, inbox):
    path = write_config(tmp_path)
    batch = send_all(path, inbox.port)
    # Kill between two clients: right after the first send is recorded, while the next message waits
    # in the slow inbox. (Killed in the instant between the server's 250 and the store's commit, any
    # sender must resend: the server's acceptance and our record cannot be one transaction.)
    deadline = time.monotonic() + 120
    while not _sent(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert inbox.messages and _sent(path), "no email arrived"
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    delivered_before = len(inbox.messages)
    assert delivered_before < len(CLIENTS)  # the kill really interrupted the batch

    rerun = send_all(path, inbox.port)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    again = send_all(path, inbox.port)  # nothing is due any more
    out2, _ = again.communicate(timeout=300)
    assert out2.strip() == "nothing due"
    recipients = sorted(m["To"] for m in inbox.messages)
    assert recipients == sorted(f"owner@{c}.example" for c in CLIENTS)
    store = Store(path.parent / "repscan.db")
    sent = [r for r in store.reports() if r["status"] == "sent"]
    store.close()
    assert sorted(r["client_id"] for r in sent) == CLIENTS


def test_two_sends_at_once_email_each_client_once(tmp_path, inbox):
    """A manual `send --all` beside another (or beside a cron `repscan run`): they take turns on the run lock."""
    path = write_config(tmp_path)
    first, second = send_all(path, inbox.port), send_all(path, inbox.port)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert sorted(m["To"] for m in inbox.messages) == sorted(f"owner@{c}.example" for c in CLIENTS)
    assert sum("nothing due" in out for out, _ in outputs) == 1
