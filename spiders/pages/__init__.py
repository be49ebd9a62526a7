"""Page extractors: a response in, contract items out; no requests, no crawling."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

# Every public module here is a site's extractor; its key is the module name with
# "-" for "_" (google_maps.py serves "google-maps"). Adding a site is adding a file.
_NOT_SITES = {"blocked"}
SITES = tuple(sorted(
    info.name.replace("_", "-") for info in pkgutil.iter_modules(__path__)
    if not info.name.startswith("_") and info.name not in _NOT_SITES
))


class LayoutError(Exception):
    """The page lacks every structure its extractor knows (a changed or foreign layout)."""


class MissingCredentials(Exception):
    """An API source whose credentials are not in the environment; str() names the variables."""


def credential(environ, variable: str, detail: str = "") -> str:
    """The stripped value of `variable` in `environ`; MissingCredentials(variable + detail) when unset or blank."""
    value = (environ.get(variable) or "").strip()
    if not value:
        raise MissingCredentials(variable + detail)
    return value


class UnknownSite(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown site"


def get(site: str) -> ModuleType:
    """The page module for a site key, e.g. get("trustpilot").extract(response)."""
    if site not in SITES:
        raise UnknownSite(f"unknown site {site!r}; known sites: {', '.join(SITES)}")
    return importlib.import_module(f"{__name__}.{site.replace('-', '_')}")
