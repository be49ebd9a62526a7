"""Page extractors: a response in, contract items out; no requests, no crawling (contract: README.md here)."""

from __future__ import annotations

import importlib
import inspect
from contextlib import contextmanager
from typing import Protocol

from repscan.core import sites
from repscan.core.items import page_zone
from repscan.core.sites import UnknownSite
from repscan.core.store.crawls import UNREAD

from .common import coverage

__all__ = ["CONTENT_KINDS", "SITES", "LayoutChanged", "LayoutError", "MissingCredentials", "NotAReviewPage", "Page",
           "UnknownSite", "credential", "get"]

# Every site of the core's table has a page module (or package) here, named by its key ("google-maps" ->
# google_maps/); common/ holds the helpers they share and is no site.
SITES = tuple(sites.keys())
# The kinds of item a page is read for; a business summary alone is not what a page's reviews were.
CONTENT_KINDS = ("review", "post", "search_result")


class LayoutError(Exception):
    """The page lacks every structure its extractor knows (a changed or foreign layout)."""


class LayoutChanged(LayoutError):
    """The page shows or declares reviews (its `expected` evidence) and the extractor found none."""


class NotAReviewPage(LayoutError):
    """A page of the site, but not of a kind its extractor reads (a list of businesses, a search)."""


class NotReadable(Exception):
    """A page we know but cannot read without a browser (a video post's comments, drawn by script): the crawl reads
    the rest and records what it could not read (the report says so); not a failure, never a silent zero.
    `items` holds what a page read in part did give (a Trustpilot page's reviews from JSON-LD, without replies)."""

    def __init__(self, message: str, items: list[dict] | None = None):
        super().__init__(message)
        self.items = items


class MissingCredentials(Exception):
    """An API source whose credentials are not in the environment; str() names the variables."""


def credential(environ, variable: str, detail: str = "") -> str:
    """The stripped value of `variable` in `environ`; MissingCredentials(variable + detail) when unset or blank."""
    value = (environ.get(variable) or "").strip()
    if not value:
        raise MissingCredentials(variable + detail)
    return value


class Page(Protocol):
    """What a page module offers; `get()` fills in the optional parts with the defaults below."""

    def extract(self, response, now=None, **context) -> list[dict]:
        """The page's contract items; LayoutError when it holds none of the structures known."""

    def next_page(self, response) -> str | None:
        """The next page's URL (newest first), or None on the last page."""

    def expected(self, response) -> str | None:
        """The page's own evidence that it shows reviews, posts or results ("a review count of 128", "12 review
        cards"), read apart from the extractor's parsing; None when the page declares none."""

    def wrong_kind(self, response) -> str | None:
        """What the page is when it is not a kind this module reads ("a Tripadvisor list of 30 restaurants")
        (optional: None, every page of the site is read)."""

    def start_url(self, url: str) -> str:
        """Page one for the source URL of the config (optional: the URL itself)."""

    def start_urls(self, url: str) -> list[str]:
        """Several first pages when one source URL needs them (optional: [start_url(url)])."""

    def request_headers(self, environ, url: str | None = None) -> dict:
        """Headers for every request, keys and tokens read from `environ` (optional: none); a module that
        declares a `url` parameter gets the source URL."""

    def credentials_needed(self, url: str) -> tuple[str, ...]:
        """The environment variables a crawl of `url` reads (optional: the site row's credentials)."""

    def missing_credentials(self, environ, url: str) -> list[str]:
        """What `environ` lacks for a crawl of `url` (optional: the unset ones of credentials_needed)."""

    def oauth_refresh(self, environ, url: str):
        """A RefreshGrant to trade for an access token before the first request, or None (optional: None)."""

    def gives(self, response) -> tuple[str, ...]:
        """What this page's reviews always carry ("rating", "date", "text", "summary"), for a site whose pages
        differ (a user's page has no business summary) (optional: the site row's `gives`)."""


class _Defaults:
    """The optional parts of the contract, for page modules that do not define them."""

    @staticmethod
    def start_url(url: str) -> str:
        return url

    @staticmethod
    def wrong_kind(response) -> str | None:
        return None

    @staticmethod
    def oauth_refresh(environ, url: str):
        return None


class _PageModule:
    """A page module seen through the contract: its own functions first, then the defaults."""

    def __init__(self, module):
        self.module = module
        if not hasattr(module, "start_urls"):
            self.start_urls = lambda url: [self.start_url(url)]

    def extract(self, response, tz: str | None = None, **context) -> list[dict]:
        """The module's items. NotAReviewPage for a page of another kind; LayoutChanged when the page gives
        evidence of reviews (`expected`) and none came out; what only a foreign or hostile body causes, LayoutError;
        NotReadable with the items for a page read in part, among them one whose reviews mostly lack a field its
        site always gives (`gives`: stars, dates, texts, the business summary). `tz`: the zone of the business the
        page is about, in which its times without an offset are read."""
        with self._readable(response), page_zone(tz):
            foreign = self.wrong_kind(response)
            if foreign:
                raise NotAReviewPage(f"not a review page: {response.url} is {foreign}")
            said: list[str] = []
            try:
                items = self.module.extract(response, **context)
            except NotReadable as exc:
                if exc.items is None:
                    raise
                items, said = exc.items, [str(exc)]
            if not said and not any(item.get("kind") in CONTENT_KINDS for item in items):
                evidence = self.module.expected(response)
                if evidence:
                    raise LayoutChanged(f"layout changed: expected {evidence}, found none at {response.url}")
            said += coverage.notes(self.module.SITE, response.url, items, self.gives(response))
        if said:
            raise NotReadable(f"; {UNREAD}".join(said), items=items)
        return items

    def gives(self, response) -> tuple[str, ...]:
        """What the page's reviews always carry: the module's say for this page, else its site row's `gives`."""
        own = getattr(self.module, "gives", None)
        return tuple(own(response)) if own else sites.get(self.module.SITE).gives

    @contextmanager
    def _readable(self, response):
        """Errors only a foreign or hostile body causes, as LayoutError naming the URL."""
        try:
            yield
        except RecursionError:
            raise LayoutError(f"{self.module.SITE}: {response.url} is nested too deeply to read") from None
        except ValueError as exc:
            # parsel refuses CSS/XPath on a JSON body (and JSON paths on HTML): not this site's kind of page.
            if "Selector of type" in str(exc):
                raise LayoutError(f"{self.module.SITE}: {response.url} is not the kind of page this site serves") from None
            # A value no page of the site holds (a <base href="https://[x/">, a broken URL or number).
            raise LayoutError(f"{self.module.SITE}: {response.url} could not be read: {exc}") from None

    def next_page(self, response) -> str | None:
        try:
            return self.module.next_page(response)
        except (RecursionError, ValueError):
            return None  # extract() has already said what is wrong with the page

    def request_headers(self, environ, url: str | None = None) -> dict:
        """The module's headers; the source URL goes to a module whose request_headers asks for `url`
        (one site, several APIs with their own keys)."""
        own = getattr(self.module, "request_headers", None)
        if own is None:
            return {}
        return own(environ, url=url) if "url" in inspect.signature(own).parameters else own(environ)

    def credentials_needed(self, url: str) -> tuple[str, ...]:
        own = getattr(self.module, "credentials_needed", None)
        return own(url) if own else sites.get(self.module.SITE).credentials

    def missing_credentials(self, environ, url: str) -> list[str]:
        own = getattr(self.module, "missing_credentials", None)
        if own:
            return own(environ, url)
        return [name for name in self.credentials_needed(url) if not (environ.get(name) or "").strip()]

    def __getattr__(self, name: str):
        try:
            return getattr(self.module, name)
        except AttributeError:
            return getattr(_Defaults, name)

    def __repr__(self) -> str:
        return f"<page {self.module.__name__}>"


def get(site: str) -> Page:
    """The page module for a site key, e.g. get("trustpilot").extract(response)."""
    return _PageModule(importlib.import_module(f"{__name__}.{sites.get(site).module}"))
