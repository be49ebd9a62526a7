"""Credentials in URLs: which query parameters carry one, and a URL with them (and any password) blanked."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

CREDENTIAL_PARAMETERS = {"key", "api_key", "apikey", "access_token", "token", "auth", "client_secret", "secret",
                         "password", "passwd", "signature", "sig"}
REDACTED = "REDACTED"
_URL = re.compile(r"https?://[^\s\"'<>]+")


def credential_parameters(url: str) -> list[str]:
    """The names of the URL's query parameters that carry a credential."""
    return sorted({name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                   if name.lower().replace("-", "_") in CREDENTIAL_PARAMETERS})


def redact(url: str) -> str:
    """The URL with credential parameters' values and any user:password blanked, for storing and showing."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username}:{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    except ValueError:
        return url
    secret = set(credential_parameters(url))
    if not secret and netloc == parts.netloc:
        return url
    query = urlencode([(name, REDACTED if name in secret else value)
                       for name, value in parse_qsl(parts.query, keep_blank_values=True)], safe="/:,")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str | None) -> str | None:
    """Every URL in a message (an error, a log line) redacted."""
    return _URL.sub(lambda match: redact(match.group(0)), text) if text else text
