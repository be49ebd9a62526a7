"""Posting approved replies through the platforms' official APIs (one module a platform, base.py the contract)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping

from repscan.app.posting.base import NoApi, Posted, PostFailed, Poster, Target

__all__ = ["NoApi", "PostFailed", "Posted", "Poster", "Target", "poster_for", "send"]
TIMEOUT = 30.0


def poster_for(source: str) -> Poster | None:
    """The poster for a site key; None where repscan has no API for it (the reply is copied onto the page by hand)."""
    return None


def send(poster: Poster, target: Target, text: str, environ: Mapping[str, str]) -> Posted:
    """Post one reply: the poster's request over HTTP, its answer read by the poster; one more try on a retryable failure."""
    outgoing = poster.request(target, text, environ)
    for attempt in (1, 2):
        try:
            request = urllib.request.Request(outgoing.url, data=outgoing.body, headers=dict(outgoing.headers),
                                             method=outgoing.method)
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise PostFailed(f"{outgoing.method} {outgoing.url}: {exc}", retryable=True) from None
            return poster.posted(status, body)
        except PostFailed as exc:
            if not exc.retryable or attempt == 2:
                raise
    raise AssertionError("unreachable")
