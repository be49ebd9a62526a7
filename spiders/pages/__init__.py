"""Page extractors: a response in, contract items out; no requests, no crawling."""

from __future__ import annotations

import importlib
from types import ModuleType

SITES = ("trustpilot", "jsonld")


class LayoutError(Exception):
    """The page lacks every structure its extractor knows (a changed or foreign layout)."""


class UnknownSite(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown site"


def get(site: str) -> ModuleType:
    """The page module for a site key, e.g. get("trustpilot").extract(response)."""
    if site not in SITES:
        raise UnknownSite(f"unknown site {site!r}; known sites: {', '.join(SITES)}")
    return importlib.import_module(f"{__name__}.{site}")
