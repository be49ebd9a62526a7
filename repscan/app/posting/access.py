"""What a poster reads: the id its API needs from the stored row, and from the client's environment its token
(NoApi naming the variable when unset) and its API's base URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from .base import NoApi, PostFailed, Target

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def secret(environ: Mapping[str, str], variable: str, what: str) -> str:
    """The value of `variable` (a default name; the client's source may rename it); NoApi naming the name read."""
    value = (environ.get(variable) or "").strip()
    if value:
        return value
    message = f"no API to post through: {variable} is not set ({what})"
    explain = getattr(environ, "explain", None)
    raise NoApi(explain(message) if explain else message)


def base_url(environ: Mapping[str, str], variable: str, default: str) -> str:
    """The API's base URL: `default`, or the one `variable` names, which must be https or on this machine."""
    url = (environ.get(variable) or "").strip().rstrip("/")
    if not url:
        return default
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname or parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url
    raise PostFailed(f"{variable} must be an https URL or one on this machine (127.0.0.1), not {url!r}",
                     retryable=False)


def stored_id(target: Target, stored: re.Pattern, in_url: re.Pattern, what: str,
              read: Callable[[re.Match], str] = lambda found: found.group(1)) -> str:
    """The id the API needs: the stored source_id when it has the platform's form, else what `read` makes of
    `in_url` found in the stored url's path; NoApi saying neither holds one."""
    if stored.fullmatch(target.source_id or ""):
        return target.source_id
    found = in_url.search(urlsplit(target.url or "").path)
    if found:
        return read(found)
    raise NoApi(f"{target.source}: {target.source_id!r} is no {what}, and the url {target.url!r} holds none")
