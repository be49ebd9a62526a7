"""Credentials per client and source: a source may name the environment variables it reads; values stay there."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from repscan.core import sites as sites_table
from repscan.core.sites import Site

VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]{0,127}")  # an environment variable's name (fullmatch)
RENDERING_API_KEY = "REPSCAN_ZYTE_API_KEY"  # the rendering API's key, read by a source in fetch mode "api"
# The variables repscan reads for itself (besides the sites' credentials): a source never reads these renamed.
SETTINGS = ("REPSCAN_BATCH_SIZE", "REPSCAN_BUSY_TIMEOUT", "REPSCAN_CHROMIUM", "REPSCAN_DATABASE", "REPSCAN_EVIDENCE", "REPSCAN_EVIDENCE_DIR",
            "REPSCAN_DOWNLOAD_HANDLER", "REPSCAN_MAX_RETRY_AFTER", "REPSCAN_PAGE_SECONDS", "REPSCAN_PROXY", "REPSCAN_SITE_JITTER", "REPSCAN_PROXIES",
            "REPSCAN_SCRAPYD_PASSWORD", "REPSCAN_SCRAPYD_USER", "REPSCAN_SMTP_PASSWORD", "REPSCAN_SMTP_URL",
            "REPSCAN_SMTP_USER", "REPSCAN_STORE", "REPSCAN_TEXT_MODEL", "REPSCAN_TEXT_MODEL_THREADS",
            "REPSCAN_ZYTE_API_URL", "REPSCAN_FACEBOOK_GRAPH_API_URL", "REPSCAN_GOOGLE_BUSINESS_API_URL",
            "REPSCAN_REDDIT_API_URL", "REPSCAN_TRUSTPILOT_API_URL", "REPSCAN_X_API_URL")
# Other software's variables, which a client id that happens to spell a vendor (aws, github) must not reach.
FOREIGN = re.compile(r"(AWS|AZURE|GCP|GOOGLE|GITHUB|GH|GITLAB|DOCKER|KUBE|SSH|GPG|NPM|PYPI|TWINE|OPENAI|ANTHROPIC|"
                     r"HF|HUGGING_FACE|SLACK|STRIPE|DATABASE|PG|MYSQL|REDIS|HOME|PATH|LD|PYTHON|XDG)(_|$)")


def variables(site: Site, fetch: str) -> tuple[str, ...]:
    """The variables a source of `site` reads under their default names: the site row's (its crawl's and its
    reply poster's), and the rendering API's key in fetch mode "api"."""
    rendering = (RENDERING_API_KEY,) if fetch == "api" else ()
    return tuple(dict.fromkeys(site.credentials + site.reply_credentials + rendering))


def client_prefixes(client_id: str) -> tuple[str, str]:
    """The prefixes of the variables a client's sources may read renamed: ACME_ and REPSCAN_ACME_ for client acme."""
    own = re.sub(r"[^A-Z0-9]", "_", client_id.upper()) + "_"
    return own, f"REPSCAN_{own}"


def rename_problem(name: str, client_id: str, sites: list[Site], others: tuple[str, ...] = ()) -> str | None:
    """Why a source of client `client_id` may not read `name` instead of a default variable, or None.

    A rename reads the client's own variables only (ACME_FB_TOKEN or REPSCAN_ACME_FB_TOKEN for client acme),
    never another client's, repscan's own settings (REPSCAN_SMTP_URL) or a site's default name, nor another
    program's (AWS_..., HOME): a config could otherwise send any secret of the process to a source's URL.
    `others` are the other clients' ids: client acme never reads ACME_EAST_... of client acme-east."""
    if not VARIABLE.fullmatch(name):
        return "must name an environment variable (A-Z, 0-9, _), not hold the credential itself"
    own, namespaced = client_prefixes(client_id)
    reserved = {*SETTINGS, RENDERING_API_KEY,
                *(variable for site in sites for variable in site.credentials + site.reply_credentials)}
    allowed = (name.startswith(namespaced) and len(name) > len(namespaced)) or \
        (name.startswith(own) and len(name) > len(own) and not FOREIGN.match(name))
    theirs = any(name.startswith(prefix) for other in others for prefix in client_prefixes(other)
                 if len(prefix) > len(own if name.startswith(own) else namespaced))
    if not allowed or name in reserved or theirs:
        return (f"client {client_id!r} reads only its own variables, named {own}... or "
                f"{namespaced}... (not repscan's own settings, a site's default name or another program's variables)")
    return None


class Environment(Mapping):
    """The environment as one source sees it: a default variable name (REPSCAN_FACEBOOK_PAGE_TOKEN) reads the
    variable the source names instead (ACME_FB_TOKEN); names it does not rename read as they are.

    Page modules keep reading their default names; only the names travel (config, spider arguments, Scrapyd
    jobs), the values are read here, in the process that makes the requests."""

    def __init__(self, environ: Mapping[str, str], names: Mapping[str, str] | None = None,
                 values: Mapping[str, str] | None = None):
        self._environ = environ
        self._names = dict(names or {})
        self._values = dict(values or {})  # values obtained during the crawl (a refreshed access token)

    def name(self, variable: str) -> str:
        """The variable actually read for a default name."""
        return self._names.get(variable, variable)

    def explain(self, text: str) -> str:
        """A message about default names (a MissingCredentials) with the names this source reads instead."""
        for default, own in self._names.items():
            text = re.sub(rf"\b{re.escape(default)}\b", own, text)
        return text

    def with_value(self, variable: str, value: str) -> "Environment":
        return Environment(self._environ, self._names, {**self._values, variable: value})

    def __getitem__(self, variable: str) -> str:
        if variable in self._values:
            return self._values[variable]
        return self._environ[self.name(variable)]

    def __iter__(self) -> Iterator[str]:
        keys = {**dict.fromkeys(self._environ), **dict.fromkeys(self._names), **dict.fromkeys(self._values)}
        return (key for key in keys if key in self._values or self.name(key) in self._environ)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:  # never the values
        return f"Environment(names={self._names!r})"


@dataclass(frozen=True, repr=False)
class RefreshGrant:
    """An OAuth refresh-token grant, read from the environment: traded for an access token at each crawl's start,
    so a crawl under cron keeps working past the access token's hour. Its repr shows no secret."""

    token_uri: str
    client_id: str
    client_secret: str
    refresh_token: str
    variable: str  # the default name the access token is then read under (the page module's token variable)

    def __repr__(self) -> str:
        return f"RefreshGrant(token_uri={self.token_uri!r}, variable={self.variable!r})"


# A scraped site whose items are answered through another site's API: its posting account is the API source's
# (the same Graph object ids; repscan/app/posting/facebook.py posts both).
ANSWERED_THROUGH = {"facebook": "facebook-graph"}
# Besides a site's reply_credentials, what names the account a reply goes out as: Google's refresh grant.
ACCOUNT_VARIABLES = {"google-business": ("REPSCAN_GOOGLE_BUSINESS_REFRESH_TOKEN",)}


# The sites whose reply token alone decides who a reply appears to come from: an X or Reddit user's token posts as
# that user and a Facebook Page token as that Page, wherever the answered item is. Google Business and Trustpilot are
# not here: their reply goes to the review's own location or business unit, which a token without access to it
# cannot answer (403), so an agency-wide login shared by clients cannot reply as the wrong business.
REPLY_AS_TOKEN = frozenset({"twitter", "reddit", "facebook", "facebook-graph"})


def _answered_through(client, source) -> list:
    """The client's API sources at the source's location its items are answered through (ANSWERED_THROUGH)."""
    return [other for other in client.sources
            if other.site == ANSWERED_THROUGH.get(source.site) and other.location == source.location]


def posting_names(client, source) -> dict[str, str]:
    """Default name -> the variable actually read, for each credential the reply poster of one of the client's
    sources reads: the source's own rename, else that of the client's API source it is answered through at the
    same location (a scraped facebook page answered as its facebook-graph source's Page), else the default."""
    site = sites_table.SITES.get(source.site)
    if site is None:
        return {}
    through = _answered_through(client, source)
    names = {}
    for default in dict.fromkeys(site.reply_credentials + ACCOUNT_VARIABLES.get(site.key, ())):
        own = source.credentials.get(default)
        if own is None and len(through) == 1:
            own = through[0].credentials.get(default)
        names[default] = own or default
    return names


def can_post(client, source) -> bool:
    """Whether the source's items are answered through an API: its own site's, or (a scraped page) that of the
    client's API source it is answered through; else its replies are handed to a person to paste."""
    return source.site not in ANSWERED_THROUGH or bool(_answered_through(client, source))


def shared_posting(clients) -> dict[str, list[tuple[int, int, str]]]:
    """Each posting variable two or more clients would post as (the default name, or one renamed alike) on a site
    whose token decides who the reply comes from (REPLY_AS_TOKEN), with (client index, source index, default name)
    of every source reading it: one account would answer for them all. `clients` are all of the file's, left out
    or not (Config.accounts)."""
    reads: dict[str, list[tuple[int, int, str]]] = {}
    for c, client in enumerate(clients):
        for s, source in enumerate(client.sources):
            if source.site in REPLY_AS_TOKEN:
                for default, variable in posting_names(client, source).items():
                    reads.setdefault(variable, []).append((c, s, default))
    return {variable: places for variable, places in reads.items()
            if len({clients[c].id for c, _s, _default in places}) > 1}


def shared_problem(default: str, variable: str, client_ids: list[str]) -> str:
    """Why `variable` is refused for posting: several clients would post as the one account it holds."""
    return (f"{variable} would post the replies of clients {', '.join(client_ids)} as one account: name a "
            f"variable of each client's own in its source's credentials setting (credentials = "
            f"{{ {default} = \"<CLIENT>_...\" }}, see README 'Credentials per client and source')")
