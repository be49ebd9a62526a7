"""OAuth refresh-token grants through google-auth: a fresh access token for each crawl, never stored or logged."""

from __future__ import annotations

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from repscan.core.credentials import RefreshGrant


class Refused(Exception):
    """The token endpoint did not give an access token; str() says why (never a secret)."""


def refresh(grant: RefreshGrant) -> str:
    """Trade the refresh token for an access token (a blocking HTTP POST to grant.token_uri)."""
    import google.auth.exceptions
    import google.auth.transport.requests
    import google.oauth2.credentials
    import requests

    credentials = google.oauth2.credentials.Credentials(
        token=None, refresh_token=grant.refresh_token, client_id=grant.client_id,
        client_secret=grant.client_secret, token_uri=grant.token_uri)
    session = requests.Session()
    try:
        credentials.refresh(google.auth.transport.requests.Request(session=session))
    except google.auth.exceptions.GoogleAuthError as exc:
        reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
        raise Refused(f"{grant.token_uri}: {reason[:200]}") from None
    finally:
        session.close()
    if not credentials.token:
        raise Refused(f"{grant.token_uri}: no access token in the answer")
    return credentials.token


async def access_token(grant: RefreshGrant) -> str:
    """refresh() in a thread, so the crawl's other sources go on meanwhile."""
    return await maybe_deferred_to_future(threads.deferToThread(refresh, grant))
