"""The table of sites (data/sites.toml): one row per site key, read by the config, the spiders, the reports and the README."""

from __future__ import annotations

import functools
import importlib.util
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from repscan.core.i18n import gettext


FETCH_MODES = ("http", "browser", "api")  # plain HTTP; Chromium through scrapy-playwright; a rendering API's plugin


@dataclass(frozen=True)
class Site:
    """What repscan knows about a site apart from how to read its pages (that is spiders/pages/<module>[.py])."""

    key: str                          # the site key of the config and of every item (`source`)
    kind: Literal["source", "search"]  # a review/post source of a client, or a search engine
    label: str                        # the site as people write it, in reports and alerts
    how: str                          # how its pages or API are read (README)
    verified: str                     # against which real saved pages (README)
    collects: str = ""                # what it collects (README; sources only)
    credentials: tuple[str, ...] = ()  # environment variables its requests read
    reply_credentials: tuple[str, ...] = ()  # those its reply poster reads (repscan/app/posting)
    hosts: tuple[str, ...] = ()       # host names (and their subdomains) its pages live on; none: any site
    credentials_note: str = ""        # the README's credentials cell when the variable names alone are not enough
    robots: bool = True               # obey robots.txt; False for APIs and subscribed feeds
    robots_why: str = ""
    mentions: bool = False            # keep only items that name the client (search and alert sources)
    spider: str | None = None         # a spider class of its own in spiders/<module>.py; None: the generic one
    layouts: str = ""                 # which years' pages (or API versions) its page module reads (README)
    fetch: Literal["http", "browser"] = "http"  # how its pages are fetched unless a source says otherwise
    fetch_note: str = ""              # why that fetch mode (README)
    private_messages: bool = False    # its users can message the business privately there (reply drafts)
    # What its review pages always give: "rating", "date", "text" on (nearly) every review, "summary" (the business's
    # rating and count) on every page; a page without one is read in part (spiders/pages/common/coverage.py).
    gives: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        """Its page module's (and any own spider module's) name: "google-maps" -> "google_maps"."""
        return self.key.replace("-", "_")

    @property
    def fetch_modes(self) -> tuple[str, ...]:
        """The fetch modes a source of this site may use: an API or a feed (it has credentials, or ignores
        robots.txt) is read over plain HTTP only; a site's pages also through a browser or a rendering API."""
        return ("http",) if self.credentials or not self.robots else FETCH_MODES

    @property
    def fetch_cell(self) -> str:
        if self.fetch_modes == ("http",):
            return "`http` (an API or feed)"
        return f"`{self.fetch}`" + (f": {self.fetch_note}" if self.fetch_note else "")

    @property
    def credentials_cell(self) -> str:
        return self.credentials_note or ", ".join(f"`{name}`" for name in self.credentials) or "none"


def _load() -> tuple[Site, ...]:
    raw = tomllib.loads(resources.files("repscan.core").joinpath("data", "sites.toml").read_text(encoding="utf-8"))
    return tuple(Site(**{**row, "credentials": tuple(row.get("credentials", ())),
                             "reply_credentials": tuple(row.get("reply_credentials", ())), "hosts": tuple(row.get("hosts", ())),
                             "gives": tuple(row.get("gives", ()))}) for row in raw["site"])


TABLE: tuple[Site, ...] = _load()

SITES: dict[str, Site] = {site.key: site for site in TABLE}

# Names the reports use for keys that are not sites we crawl (search-result categories' domains).
WORD_LABELS = {  # labels that are words, not brand names: said in the reader's language
    "jsonld": lambda: gettext("Website"),
    "feed": lambda: gettext("Feed"),
}

OTHER_LABELS = {
    "insiderpages": "Insider Pages",
    "citysearch": "CitySearch",
    "ripoffreport": "Ripoff Report",
    "pissedconsumer": "PissedConsumer",
    "complaintsboard": "ComplaintsBoard",
}


class UnknownSite(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown site"


def keys(kind: str | None = None) -> list[str]:
    """Site keys, sorted: all, or only sources ("source") or engines ("search")."""
    return sorted(site.key for site in TABLE if kind in (None, site.kind))


def get(key: str) -> Site:
    if key not in SITES:
        raise UnknownSite(f"unknown site {key!r}; known sites: {', '.join(keys())}")
    return SITES[key]


def label(key: str | None) -> str:
    """A site key as people write it: "google-maps" -> "Google Maps"; unknown keys title-cased."""
    if not key:
        return ""
    site = SITES.get(key)
    if key in WORD_LABELS:
        return WORD_LABELS[key]()
    return site.label if site else OTHER_LABELS.get(key) or key.replace("-", " ").replace("_", " ").title()


def owners(host: str) -> set[str]:
    """The keys of the sources whose most specific host entry covers `host` (www.yelp.com -> {"yelp"};
    api.yelp.com -> {"yelp-api"}); empty for a host no row names."""
    host = host.lower().rstrip(".")
    best: dict[str, int] = {}
    for site in TABLE:
        for entry in site.hosts:
            if host == entry or host.endswith("." + entry):
                best[site.key] = max(best.get(site.key, 0), len(entry))
    top = max(best.values(), default=0)
    return {key for key, length in best.items() if length == top}


def registrable(host: str) -> str:
    """The site a host belongs to, its registrable domain: www.yelp.co.uk -> yelp.co.uk; an IP address or a
    single-label name (localhost) stands for itself. From the Public Suffix List bundled with tldextract, read
    the way tldextract reads it (tests/core/test_public_suffix.py), without importing it: tldextract and the
    requests it imports cost a report 0.1 s."""
    host = host.lower().rstrip(".")
    labels = host.replace("\u3002", ".").replace("\uff0e", ".").replace("\uff61", ".").split(".")
    nodes, ends = _public_suffixes()
    start = len(labels)  # where the public suffix begins
    path = ""
    for at in range(len(labels) - 1, -1, -1):
        label = _decoded(labels[at])
        step = f"{label}.{path}" if path else label
        if step in nodes:
            path = step
            if step in ends:
                start = at
            continue
        if path and f"*.{path}" in nodes:  # a wildcard rule covers this label, unless an exception names it
            start = at + 1 if f"!{label}.{path}" in nodes else at
        break
    return ".".join(labels[start - 1:]) if 0 < start < len(labels) else host


def _decoded(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            pass
    return label


@functools.cache
def _public_suffixes() -> tuple[frozenset[str], frozenset[str]]:
    """(every rule and every tail of one: the walk's steps, with "*." and "!" rules; the rules themselves),
    private domains included, from tldextract's offline snapshot; nothing is ever fetched."""
    spec = importlib.util.find_spec("tldextract")
    text = Path(spec.submodule_search_locations[0], ".tld_set_snapshot").read_text(encoding="utf-8")
    rules = {line.split()[0] for line in text.splitlines() if line and (line[0].isalnum() or line[0] in ".*!")}
    nodes = {".".join(rule.split(".")[n:]) for rule in rules for n in range(rule.count(".") + 1)}
    return frozenset(nodes), frozenset(rules)


def markdown(kind: str) -> str:
    """The README's table of sources ("source") or of search engines ("search"), in table order."""
    if kind == "source":
        lines = ["| site key | what it collects | how | layouts read (years) | fetch | credentials "
                 "| verified against a real saved page |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| `{s.key}` | {s.collects} | {s.how} | {s.layouts} | {s.fetch_cell} | {s.credentials_cell} "
                  f"| {s.verified} |" for s in TABLE if s.kind == "source"]
    else:
        lines = ["| engine key | how | credentials | notes |", "| --- | --- | --- | --- |"]
        lines += [f"| `{s.key}` | {s.how} | {s.credentials_cell} | {s.verified} |" for s in TABLE if s.kind == "search"]
    return "\n".join(lines) + "\n"


def place(source: str | None, url: str | None) -> str:
    """The platform of an item: the site of a source that is a platform (Reddit, Facebook, Trustpilot); for a
    feed entry, a search result or a source that reads any site (schema.org markup), the site its link goes to
    (a known site, a complaint site, or its domain): a client reads "bakery.example", not "Website (schema.org)"."""
    if source and source in SITES and (SITES[source].hosts or SITES[source].kind == "search"):
        return label(source)  # a platform, or a search engine (its results page is on a platform's host: Google)
    host = (urlsplit(url or "").hostname or "") if url else ""
    if not host or _address(host):  # an IP address (a test or demo server) names nothing a client knows
        return label(source) if source else gettext("the web")
    found = sorted(owners(host))
    if found:
        return label(found[0])
    domain = registrable(host)
    return OTHER_LABELS.get(domain.split(".")[0], domain)


def _address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost"
    return True
