"""Apprise notifications (Slack, Teams, webhooks, ...): URLs read from the environment when written $VARIABLE."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def resolve_url(url: str) -> str:
    """An Apprise URL, read from the environment when written as $VARIABLE (tokens stay out of the config)."""
    if url.startswith("$"):
        value = os.environ.get(url[1:])
        if not value:
            raise ValueError(f"{url[1:]} is not set")
        return value
    return url


def channel(url: str) -> str:
    """The name a URL's deliveries are recorded under: $VARIABLE as written, else its scheme and a hash
    (a URL written in the config may carry a token, which never goes in the database)."""
    if url.startswith("$"):
        return f"apprise:{url}"
    return f"apprise:{url.split('://')[0]}:{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def label(url: str) -> str:
    """How a summary line names the URL: $VARIABLE or its scheme, never the token."""
    return url if url.startswith("$") else url.split("://")[0]


def notify(url: str, title: str, body: str, attach: Path | None = None) -> None:
    """Send one notification through Apprise (with a file attached); raises when it is not accepted."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(resolve_url(url)):
        raise ValueError("not a URL Apprise understands")
    if not notifier.notify(body=body, title=title, attach=str(attach) if attach else None):
        raise RuntimeError("the service did not accept the notification")
