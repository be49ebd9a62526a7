"""Posting approved replies through the platforms' official APIs (one module a platform, base.py the contract)."""

from __future__ import annotations

import email.utils
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlsplit

from repscan.core.credentials import Environment, RefreshGrant

from . import answers, facebook, google_business, reddit, trustpilot, x
from .base import AlreadyAnswered, NoApi, Outgoing, OutcomeUnknown, Posted, PostFailed, Poster, Target

__all__ = ["AlreadyAnswered", "NoApi", "Outgoing", "OutcomeUnknown", "Posted", "PostFailed", "Poster", "Target", "dry_run", "poster_for",
           "send"]

POSTERS: dict[str, Poster] = {
    google_business.SOURCE: google_business.Poster(),
    **dict.fromkeys(facebook.SOURCES, facebook.Poster()),
    x.SOURCE: x.Poster(),
    trustpilot.SOURCE: trustpilot.Poster(),
    reddit.SOURCE: reddit.Poster(),
}
PAUSE = 1.0  # seconds before the second try when the platform names no time
LONGEST_WAIT = 60.0  # a Retry-After beyond this is reported (retryable), not waited for


def poster_for(source: str) -> Poster | None:
    """The poster of a site key (sites.toml), or None where no official API takes replies (Yelp, Tripadvisor ...)."""
    return POSTERS.get(source)


def dry_run(poster: Poster, target: Target, text: str, environ: Mapping[str, str]) -> str:
    """The request `send` would make, for a person to read: its secrets masked."""
    grant = _grant(poster, environ)
    if grant is not None:  # shown, not traded: the token is masked anyway
        environ = _with_value(environ, grant.variable, "an access token traded for the refresh token")
    outgoing = poster.request(target, text, environ)
    return _scrubbed(outgoing.shown(), outgoing)


def send(poster: Poster, target: Target, text: str, environ: Mapping[str, str], *, timeout: float = 30) -> Posted:
    """Post the reply; one more try after a retryable refusal (429 after its Retry-After, up to LONGEST_WAIT; 503,
    or any 5xx to a PUT; a platform that could not be reached); PostFailed when it still fails or the refusal is final; OutcomeUnknown
    when the reply may be up (a POST taken and never answered, a success without the documented answer). NoApi passes.
    A poster with a refresh grant (Google Business Profile) gets its access token traded first; one whose API
    replaces an existing reply (a `lookup`) reads the item first and raises AlreadyAnswered when it has a reply."""
    grant = _grant(poster, environ)
    if grant is not None:
        environ = _with_value(environ, grant.variable, _traded(grant))
    outgoing = poster.request(target, text, environ)
    lookup = poster.lookup(target, environ) if hasattr(poster, "lookup") else None
    for attempt in (1, 2):
        headers: Mapping[str, str] = {}
        try:
            if lookup is not None:  # before each try: the owner may answer in between
                _unanswered(poster, lookup, timeout)
            status, headers, body = _exchange(outgoing, timeout)
            if status >= 500 and status != 503 and outgoing.method != "PUT":
                # A gateway's 500/502/504 may come after the platform made the comment: a second POST could post
                # twice. 503 says the service did nothing; a PUT replaces the reply, so trying again is safe.
                raise OutcomeUnknown(f"{urlsplit(outgoing.url).netloc} answered {answers.status_text(status)}: the"
                                     " reply may be up, look at the page before posting again")
            return poster.posted(status, body)
        except OutcomeUnknown as unknown:
            raise OutcomeUnknown(_scrubbed(str(unknown), outgoing)) from None
        except PostFailed as failed:
            reason = _scrubbed(str(failed), outgoing)
            if not failed.retryable:
                raise PostFailed(reason, retryable=False) from None
            asked = _asked(headers)
            too_long = asked is not None and asked > LONGEST_WAIT
            if attempt == 2 or too_long:
                note = f" (it asks to wait {asked:.0f} s)" if too_long else ""
                raise PostFailed(f"{reason}{note}; {attempt} attempt(s)", retryable=True) from None
            time.sleep(PAUSE if asked is None else asked)
    raise AssertionError("unreachable")


def _unanswered(poster: Poster, lookup: Outgoing, timeout: float) -> None:
    """AlreadyAnswered when the platform shows a reply on the item; PostFailed (retryable as the failure is)
    when it cannot say."""
    try:
        status, _headers, body = _exchange(lookup, timeout)
        reply = poster.answered(status, body)
    except (PostFailed, OutcomeUnknown) as failed:
        raise PostFailed(f"the review could not be read to check it has no reply yet (a reply would replace it): "
                         f"{_scrubbed(str(failed), lookup)}", retryable=getattr(failed, "retryable", False)) from None
    if reply is not None:
        raise AlreadyAnswered(_scrubbed(reply, lookup))


def _exchange(outgoing: Outgoing, timeout: float) -> tuple[int, Mapping[str, str], bytes]:
    """One HTTP exchange, redirects not followed (a token never travels to another host); PostFailed when the
    platform cannot be reached (worth a second try: nothing was posted) or took a PUT and gave no answer (a PUT
    replaces the reply); OutcomeUnknown when it took a POST and gave no answer (a second POST may post twice)."""
    request = urllib.request.Request(outgoing.url, data=outgoing.body, headers=dict(outgoing.headers),
                                     method=outgoing.method)
    host = urlsplit(outgoing.url).netloc
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()
    except urllib.error.URLError as error:  # urllib wraps what fails before the request is sent whole
        why = f"did not answer within {timeout:g} s" if isinstance(error.reason, TimeoutError) \
            else f"could not be reached: {error.reason}"
        raise PostFailed(f"{host} {why}", retryable=True) from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
        why = f"no answer within {timeout:g} s" if isinstance(error, TimeoutError) else f"no whole answer ({error!r})"
        if outgoing.method in ("PUT", "GET"):
            raise PostFailed(f"{host} took the request, {why}", retryable=True) from None
        raise OutcomeUnknown(f"{host} took the request, {why}: the reply may be up, look at the page before "
                             f"posting again") from None


def _grant(poster: Poster, environ: Mapping[str, str]) -> RefreshGrant | None:
    grant = getattr(poster, "grant", None)
    return grant(environ) if grant else None


def _traded(grant: RefreshGrant) -> str:
    from repscan.spiders import oauth

    try:
        return oauth.refresh(grant)
    except oauth.Refused as refused:
        reason = str(refused)
        for secret in (grant.refresh_token, grant.client_secret):
            reason = reason.replace(secret, "***")
        raise PostFailed(f"the refresh token was not traded for an access token: {reason}", retryable=False) from None


def _with_value(environ: Mapping[str, str], variable: str, value: str) -> Mapping[str, str]:
    if isinstance(environ, Environment):
        return environ.with_value(variable, value)
    return {**environ, variable: value}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx comes back as the answer, a refusal


_OPENER = urllib.request.build_opener(_NoRedirect)


def _asked(headers: Mapping[str, str]) -> float | None:
    """Seconds the platform asks to wait: Retry-After (seconds or a date), else X's x-rate-limit-reset (epoch)."""
    value = (headers.get("Retry-After") or "").strip()
    if value:
        if value.isdigit():
            return float(value)
        when = email.utils.parsedate_to_datetime(value) if email.utils.parsedate_tz(value) else None
        return max(0.0, when.timestamp() - time.time()) if when else None
    reset = (headers.get("x-rate-limit-reset") or "").strip()
    return max(0.0, float(reset) - time.time()) if reset.isdigit() else None


def _scrubbed(text: str, outgoing: Outgoing) -> str:
    """`text` with every secret the request carries masked (a platform may echo one back)."""
    for name in outgoing.secret_headers:
        value = outgoing.headers.get(name) or ""
        for secret in {value, value.split()[-1] if value.split() else ""}:
            if len(secret) >= 4:
                text = text.replace(secret, "***")
    return text

