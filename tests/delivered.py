"""A client's report as delivered: the email from a local SMTP server (aiosmtpd) and the PDF's text (pypdf)."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from pypdf import PdfReader

from repscan.app.demo import smtp_server
from repscan.reports.deliver import send_reports


class Delivered:
    """The report as the client gets it: the email's text, and the PDF's text with its lines joined."""

    def __init__(self, cfg, folder):
        with smtp_server(folder / "received") as smtp, pytest.MonkeyPatch.context() as env:
            env.setenv("REPSCAN_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
            [result] = send_reports(cfg, [cfg.client("acme")], workers=1)
        assert result.status == "sent", result
        [eml] = (folder / "received").glob("*.eml")
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        self.text = message.get_body(("plain",)).get_content()
        [pdf] = (folder / "out").glob("*.pdf")
        self.pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)

    def figure(self, label: str) -> str:
        """A headline figure as the email writes it: "Reviews tracked: 8 (was 4)"."""
        [line] = [line for line in self.text.splitlines() if line.startswith(f"{label}: ")]
        return line
