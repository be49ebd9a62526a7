"""The contract of a reply poster: one module a platform, posting an approved reply through the platform's official API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Target:
    """What a reply answers: a stored review or post (its row as the store holds it) of one client."""

    client_id: str
    source: str  # the site key of sites.toml: google_business, facebook, x, trustpilot, reddit ...
    source_id: str  # the item's id on its site, as stored
    url: str | None  # the item's page, opened when no API can post the reply
    item: Mapping[str, Any] = field(default_factory=dict)  # the whole stored row (parent_url, business_url ...)


@dataclass(frozen=True)
class Outgoing:
    """One HTTP request to a platform's API, as --dry-run shows it (secret headers shown masked)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None
    secret_headers: frozenset[str] = frozenset({"Authorization"})

    def shown(self) -> str:
        """The request for a person to read, its secrets masked."""
        lines = [f"{self.method} {self.url}"]
        lines += [f"{k}: {'***' if k in self.secret_headers else v}" for k, v in self.headers.items()]
        if self.body:
            lines += ["", self.body.decode("utf-8", "replace")]
        return "\n".join(lines)


@dataclass(frozen=True)
class Posted:
    """The platform's answer to a reply it accepted."""

    reply_id: str | None  # the platform's id for the reply, where it gives one
    answer: str  # short, for the reply log ("201 Created, id 123"); never a token


class NoApi(Exception):
    """This platform (or this client, lacking an authorised account) has no API to post through: open the page and copy the text."""


class PostFailed(Exception):
    """The platform refused the reply or could not be reached; str() says why (never a token)."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.retryable = retryable  # 429, 5xx, a timeout: worth one more try; 401/403/400: not


class OutcomeUnknown(Exception):
    """The platform took the reply and gave no answer, or an answer without what it documents: the reply may be up.
    Not a PostFailed: never sent again blindly; str() says why (never a token)."""


class AlreadyAnswered(Exception):
    """The item has a reply on the platform already, and its API would replace it (Google's updateReply): nothing was
    sent; str() says what the platform shows (never a token)."""


class Poster(Protocol):
    """One platform. `request` builds the call (also what --dry-run prints); `posted` reads the platform's answer."""

    source: str  # the site key it posts to

    def request(self, target: Target, text: str, environ: Mapping[str, str]) -> Outgoing:
        """The API call that posts `text` as the reply to `target`; NoApi when the client has no token for it."""

    def posted(self, status: int, body: bytes) -> Posted:
        """The platform's answer as a Posted; PostFailed when the status or body says it was refused."""

    # A poster whose API replaces an existing reply also has `lookup(target, environ) -> Outgoing` (a GET of the
    # item) and `answered(status, body) -> str | None` (the reply the item has, or None): `send` asks first.
