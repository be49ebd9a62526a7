"""Reading a platform's answer: its JSON, the message in an error, and whether a refusal is worth one more try."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from .base import OutcomeUnknown, PostFailed

MESSAGE_KEYS = ("message", "detail", "title", "error_description", "faultstring", "error")
SHORT = 300  # characters of a platform's message kept in a reason


def parsed(body: bytes) -> Any:
    """The body as JSON, or None when it is empty or not JSON."""
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError):
        return None


def message(data: Any) -> str | None:
    """The first human message in an error answer, however deep the platform nests it ({"error": {"message"}} ...)."""
    if isinstance(data, dict):
        for key in MESSAGE_KEYS:
            if isinstance(data.get(key), str) and data[key].strip():
                return data[key].strip()[:SHORT]
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    return next(filter(None, map(message, children)), None)


def status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def retryable(status: int) -> bool:
    """A refusal that may pass on a second try: too many requests, or the platform's own trouble."""
    return status == 429 or status >= 500


def refused(platform: str, status: int, body: bytes, *, retry: bool | None = None) -> PostFailed:
    """The PostFailed for an answer that is not a success, with the platform's message when it gives one."""
    said = message(parsed(body))
    reason = f"{platform} refused the reply: {status_text(status)}" + (f": {said}" if said else "")
    return PostFailed(reason, retryable=retryable(status) if retry is None else retry)


def unreadable(platform: str, status: int, wanted: str) -> OutcomeUnknown:
    """A success status without the answer the platform documents: the reply may be up."""
    return OutcomeUnknown(f"{platform} answered {status_text(status)} without {wanted}: the reply may be up, "
                          f"look at the page before posting again")


def existing_reply(platform: str, status: int, body: bytes, *, field: str, text: str, times: tuple[str, ...],
                   call: str) -> str | None:
    """What an item read before posting says of its reply (the `text` of its `field`), for a person; None when it has
    none. PostFailed or OutcomeUnknown when the item cannot be read: never a blind post over a reply."""
    if status != 200:
        raise refused(platform, status, body)
    item = parsed(body)
    if not isinstance(item, dict):
        raise unreadable(platform, status, "the review")
    reply = item.get(field)
    if not isinstance(reply, dict) or not str(reply.get(text) or "").strip():
        return None
    when = next((reply[key] for key in times if reply.get(key)), None)
    return (f"{platform}: the review has a reply already{f' (updated {when})' if when else ''}: not sent, {call} "
            f"would replace it; read it on the page")
