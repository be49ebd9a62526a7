"""The agency's config file (TOML): load, validate, and name the file, line and field of any error."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from repscan.core import competitors as competitor_keys
from repscan.core import credentials as credential_names
from repscan.core import i18n
from repscan.core import sites
from repscan.core.secrets import credential_parameters
from repscan.core.rules import DEFAULT_THRESHOLD

DEFAULT_PATH = Path("repscan.toml")
MAX_BYTES = 4 * 1024 * 1024  # an agency config with thousands of clients is well under this
SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey")
CLIENT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # all patterns here are used with fullmatch
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
URL = re.compile(r"https?://[^\s/]+(?:/\S*)?")
LOGO_TYPES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
              ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".svg": (b"<",)}
LOGO_MAX_BYTES = 2 * 1024 * 1024


class ConfigError(Exception):
    """A config problem, already phrased as `file:line: field: what is wrong`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _language(value: str) -> str:
    if value not in i18n.LANGUAGES:
        raise ValueError(f"{value!r} is not a language repscan's reports come in ({', '.join(i18n.LANGUAGES)})")
    return value


Language = Annotated[str, AfterValidator(_language)]


def _cron(value: str) -> str:
    from croniter import croniter

    fields = value.split()
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields (minute hour day month weekday), got {len(fields)}")
    if not croniter.is_valid(value):
        raise ValueError(f"{value!r} is not a valid cron expression")
    return value


def _matching(pattern: re.Pattern, problem: str):
    """A validator: the whole value matches `pattern`, else ValueError("'value'" + problem)."""
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r}{problem}")
        return value
    return check


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Europe/Berlin)") from None
    return value


def _url(value: str) -> str:
    if not URL.fullmatch(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    parts = urlsplit(value)
    secret = credential_parameters(value)
    if secret or parts.password:
        what = ", ".join(f"{name}=" for name in secret) or "a password"
        # The value is never repeated: the message goes to logs and terminals.
        raise ValueError(f"the URL carries a credential ({what}); keys and tokens come from the environment "
                         "only (see the README's source table for each site's variable)")
    return value


Cron = Annotated[str, AfterValidator(_cron)]
Email = Annotated[str, AfterValidator(_matching(EMAIL, " is not an email address"))]
Color = Annotated[str, AfterValidator(_matching(COLOR, " is not a colour like #1f3a5f"))]
ClientId = Annotated[str, AfterValidator(_matching(CLIENT_ID, ": use lowercase letters, digits, - and _ (up to 64)"))]
Url = Annotated[str, AfterValidator(_url)]


class _Strict(BaseModel):
    # inf and nan are never a sensible delay, timeout or threshold (an infinite delay hangs the crawl).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Branding(_Strict):
    logo: Path | None = None
    primary_color: Color = "#1f3a5f"
    accent_color: Color = "#c0392b"
    contact: str | None = None
    page_size: Literal["A4", "Letter"] = "A4"


class Agency(_Strict):
    name: str = Field(min_length=1)
    sender: Email
    operator: Email | None = None  # the agency's own address: a broken source's technical reason goes here
    branding: Branding = Branding()
    deliver_to: Path | None = None  # every client's report PDF is also written here (unless the client names a folder)
    language: Language = i18n.DEFAULT_LANGUAGE  # of every client's reports, emails and alerts, unless it names its own


class Storage(_Strict):
    database: Path = Path("repscan.db")
    reports_dir: Path = Path("reports")
    busy_timeout: float = Field(30.0, gt=0, le=3600)  # seconds a write waits while another process writes
    keep_days: int | None = Field(None, ge=1)  # set: `repscan run` prunes as `repscan prune --keep-days` does, daily


class Crawl(_Strict):
    obey_robots: bool = True
    download_delay: float = Field(2.0, ge=0, le=3600)
    autothrottle: bool = True
    timeout: float = Field(30.0, gt=0, le=3600)
    retries: int = Field(3, ge=0, le=20)
    max_retry_after: float = Field(120.0, ge=0)
    max_pages: int = Field(50, ge=1)
    max_page_mb: float = Field(8.0, gt=0, le=512)  # a larger page (after decompression) is refused, not read
    page_seconds: float = Field(30.0, gt=0, le=600)  # reading one page may take this long, then it is an error
    user_agent: str | None = None
    proxy: str | None = None


class Node(_Strict):
    """A Scrapyd server that runs source crawls (docs/scale.md)."""

    url: Url                                  # http://host:6800/
    project: str = Field("repscan", min_length=1)
    slots: int = Field(2, ge=1, le=64)        # jobs at once on this node (keep <= Scrapyd's max_proc)


class Proxy(_Strict):
    """An outgoing address for crawls (docs/scale.md): its URL here, its user:password in the environment."""

    url: Url                                  # http://host:3128, no credentials
    auth: str | None = None                   # the environment variable holding "user:password"
    sites: list[str] = []                     # the site keys it serves; empty: every site

    @field_validator("url")
    @classmethod
    def _address(cls, value: str) -> str:  # Url refuses user:password in it already
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.port:
            raise ValueError(f"{value!r} is not a proxy address (http://host:port)")
        return value

    @field_validator("auth")
    @classmethod
    def _variable(cls, value: str | None) -> str | None:
        if value is not None and not credential_names.VARIABLE.fullmatch(value):
            raise ValueError("must name an environment variable (A-Z, 0-9, _) holding user:password, not hold them")
        if value is not None and (value in credential_names.SETTINGS or value == credential_names.RENDERING_API_KEY
                                  or any(value in site.credentials + site.reply_credentials
                                         for site in sites.SITES.values())):
            raise ValueError(f"{value} is one of repscan's own settings or a site's token: its value would be sent"
                             " to the proxy; name a variable of the proxy's own")
        return value

    @field_validator("sites")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        known = sites.keys("source") + sites.keys("search")
        for key in value:
            if key not in known:
                raise ValueError(f"unknown site {key!r}; known: {', '.join(known)}")
        return value

    def serves(self, site: str) -> bool:
        return not self.sites or site in self.sites


class Dispatch(_Strict):
    """How `repscan run` and `repscan crawl --nodes` use the [[nodes]]."""

    feeds: Path | None = None                 # a folder shared with the nodes; unset: fetch items_url over HTTP
    poll: float = Field(2.0, gt=0)            # seconds between listjobs.json polls
    jobs_per_domain: int = Field(1, ge=1)     # jobs at once per site, each from an address (node or proxy) of its own
    batch: int = Field(20, ge=1, le=20)       # a site's due sources crawled by one job (one process) at most
    node_timeout: float = Field(60.0, gt=0)   # a node unreachable this long is dead; its jobs failed
    job_timeout: float = Field(3600.0, gt=0)  # per source crawl: a job of k sources running over k times is cancelled
    known_ids: int = Field(2000, ge=0)        # newest stored ids sent with a job for the incremental stop


class Location(_Strict):
    """One place of a chain: its sources name it (`location = "<id>"`) and the report gives it a row of figures."""

    id: ClientId
    name: str = Field(min_length=1)  # as the client says it: "Kyiv, Khreshchatyk"
    address: str | None = None
    # The place's IANA zone when it differs from the client's timezone: its pages' times without an offset are in it.
    timezone: Annotated[str, AfterValidator(_timezone)] | None = None


class Source(_Strict):
    site: str
    url: Url
    location: str | None = None  # a Location id of the client; unset: the source is about every location (the brand)
    max_pages: int | None = Field(None, ge=1)
    mentions_only: bool | None = None  # keep only items naming the client (default: on for search sources)
    fetch: Literal["http", "browser", "api"] | None = None  # default: the site's row (sites.toml `fetch`)
    # The site's variable -> the environment variable this source reads instead: { REPSCAN_X_TOKEN = "ACME_X_TOKEN" }.
    credentials: dict[str, str] = {}
    shared: bool = False  # the same URL under another client on purpose (every such source says so)

    @property
    def fetch_mode(self) -> str:
        return self.fetch or sites.get(self.site).fetch

    @field_validator("fetch")
    @classmethod
    def _fetch_allowed(cls, value: str | None, info: ValidationInfo) -> str | None:
        site = sites.SITES.get(info.data.get("site") or "")
        if value and site and value not in site.fetch_modes:
            raise ValueError(f"{site.key} is an API or a feed, read over http only (not {value!r})")
        return value

    @field_validator("credentials")
    @classmethod
    def _credential_names(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        site = sites.SITES.get(info.data.get("site") or "")
        if site is None:
            return value
        known = credential_names.variables(site, info.data.get("fetch") or site.fetch)
        for default, own in value.items():
            if default not in known:
                reads = ", ".join(known) or "no variables"
                raise ValueError(f"{default!r}: a {site.key} source reads {reads}; name one of those "
                                 f"and the variable to read instead")
            # The value is never repeated: it may be a key pasted where its variable's name belongs.
            if not isinstance(own, str) or not credential_names.VARIABLE.fullmatch(own):
                raise ValueError(f"{default} must name an environment variable (A-Z, 0-9, _), not hold the "
                                 "credential itself")
        return value  # which names a client may read: Settings.foreign_reads (it knows the client)

    @field_validator("site")
    @classmethod
    def _known_site(cls, value: str) -> str:
        known = sites.keys("source")
        if value not in known:
            hint = " (a search engine: list it under [search] engines)" if value in sites.keys("search") else ""
            raise ValueError(f"unknown site {value!r}{hint}; known: {', '.join(known)}")
        return value


class Search(_Strict):
    engines: list[str] = ["duckduckgo"]
    depth: int = Field(1, ge=1, le=10)
    delay: float = Field(10.0, ge=0)
    searxng_url: Url | None = None
    base_urls: dict[str, Url] = {}
    categories: dict[Literal["own", "review", "complaint", "social", "news"], list[str]] = {}

    @field_validator("engines")
    @classmethod
    def _known_engines(cls, value: list[str]) -> list[str]:
        known = sites.keys("search")
        for engine in value:
            if engine not in known:
                raise ValueError(f"unknown search engine {engine!r}; known: {', '.join(known)}")
        return value

    @model_validator(mode="after")
    def _searxng_needs_url(self) -> "Search":
        if "searxng" in self.engines and not (self.searxng_url or self.base_urls.get("searxng")):
            raise ValueError("the searxng engine needs searxng_url (your instance's address)")
        return self

    def base_url(self, engine: str) -> str | None:
        return self.base_urls.get(engine) or (self.searxng_url if engine == "searxng" else None)


class Replies(_Strict):
    """What a reply draft may say for this client (repscan.core.replies)."""

    contact: str | None = None  # the business's channel for taking it offline: "call 01632 960 000" or an email
    refunds: bool = False  # drafts may offer a refund (never otherwise)
    templates: Path | None = None  # the agency's own templates/replies folder for this client (<lang>/<situation>.txt)


class _Business(_Strict):
    """Who a business is: how it is named (mentions, its own posts) and its own sites (search results)."""

    id: ClientId
    name: str = Field(min_length=1)
    aliases: list[str] = []
    handles: list[str] = []
    domains: list[str] = []
    profiles: list[Url] = []

    @property
    def names(self) -> list[str]:
        """What the business is called: its name, aliases and handles (mentions, and its own posts)."""
        return [self.name, *self.aliases, *self.handles]


class Competitor(_Business):
    """A business the client is compared with: crawled like a client, never alerted, drafted for or emailed."""

    queries: list[str] = []
    crawl_schedule: Cron = competitor_keys.SCHEDULE
    sources: list[Source] = []


class Client(_Business):
    recipients: list[Email] = []  # the report by email; optional when deliver_to or report_apprise delivers it
    timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    language: Language | None = None  # its reports, emails and alerts (None: the agency's); not its reply drafts'
    queries: list[str] = []
    crawl_schedule: Cron = "0 */4 * * *"
    report_schedule: Cron = "0 8 * * 1"
    negative_threshold: float = Field(DEFAULT_THRESHOLD, gt=0, lt=1)
    quiet_hours: str | None = None
    alert_recipients: list[Email] = []
    apprise: list[str] = []
    deliver_to: Path | None = None  # the report PDF is written to this folder
    report_apprise: list[str] = []  # Apprise URLs the report goes to, the PDF attached
    sources: list[Source] = []
    replies: Replies = Replies()
    locations: list[Location] = []
    competitors: list[Competitor] = []

    @property
    def rivals(self) -> list["Client"]:
        """Each competitor as the crawls see a client: keyed competitor_keys.key, judged at this client's threshold,
        in this client's timezone, with no recipients, alerts or reply settings."""
        return [Client.model_construct(
            id=competitor_keys.key(self.id, c.id), name=c.name, aliases=c.aliases, handles=c.handles, domains=c.domains,
            profiles=c.profiles, queries=c.queries, crawl_schedule=c.crawl_schedule, sources=c.sources,
            timezone=self.timezone, negative_threshold=self.negative_threshold) for c in self.competitors]

    def zone_of(self, source: Source) -> str:
        """The zone of the business a source's pages are about: its location's, else the client's timezone."""
        place = next((location for location in self.locations if location.id == source.location), None)
        return (place.timezone if place else None) or self.timezone

    def location_of(self, site: str, url: str | None) -> Location | None:
        """The location of what a source (site and URL, as its crawls record them) found; None: every location
        (a source naming none, such as the brand's own page, or one no longer configured)."""
        ids = {(source.site, source.url): source.location for source in self.sources}
        return next((location for location in self.locations if location.id == ids.get((site, url))), None)

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None:
            from repscan.core.schedule import parse_window

            parse_window(value)
        return value

    @field_validator("apprise", "report_apprise")
    @classmethod
    def _apprise(cls, value: list[str]) -> list[str]:
        for url in value:
            if not (re.fullmatch(r"\$[A-Z_][A-Z0-9_]*", url) or re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", url)):
                raise ValueError(f"{url!r} is neither an Apprise URL (scheme://...) nor $VARIABLE holding one")
        return value



class Settings(_Strict):
    agency: Agency
    storage: Storage = Storage()
    crawl: Crawl = Crawl()
    search: Search = Search()
    nodes: list[Node] = []
    proxies: list[Proxy] = []
    dispatch: Dispatch = Dispatch()
    clients: list[Client] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _agency_language(cls, data: Any) -> Any:
        """A client without a `language` speaks the agency's."""
        if not isinstance(data, dict) or not isinstance(data.get("clients"), list):
            return data
        agency = data.get("agency") if isinstance(data.get("agency"), dict) else {}
        default = agency.get("language", i18n.DEFAULT_LANGUAGE)
        if not isinstance(default, str) or default not in i18n.LANGUAGES:
            return data  # the agency's own field reports the problem
        clients = [{**client, "language": client.get("language", default)} if isinstance(client, dict) else client
                   for client in data["clients"]]
        return {**data, "clients": clients}

    def undelivered(self) -> list[tuple[tuple, str]]:
        """(where, what) of each client whose report would go nowhere."""
        return [(("clients", index, "recipients"), "the report has no delivery: set recipients (email), deliver_to "
                 "(a folder, here or under [agency]) or report_apprise")
                for index, client in enumerate(self.clients)
                if not (client.recipients or client.deliver_to or self.agency.deliver_to or client.report_apprise)]

    def sourceless(self) -> list[tuple[tuple, str]]:
        """(where, what) of each client with nothing to read: no source and no search query (its report would say
        "All quiet" about nothing)."""
        return [(("clients", index, "sources"), "the client has nothing to read: add [[clients.sources]] or queries")
                for index, client in enumerate(self.clients) if not client.sources and not client.queries]

    def foreign_reads(self) -> list[tuple[tuple, str]]:
        """(where, what) of each variable a client reads that is not its own: a source credential renamed, an
        Apprise URL written $VARIABLE."""
        table, found = list(sites.SITES.values()), []
        for index, client in enumerate(self.clients):
            others = tuple(other.id for other in self.clients if other.id != client.id)
            reads = [(("sources", number, "credentials", default), own) for number, source in enumerate(client.sources)
                     for default, own in source.credentials.items()]
            reads += [(("competitors", k, "sources", number, "credentials", default), own)
                      for k, rival in enumerate(client.competitors) for number, source in enumerate(rival.sources)
                      for default, own in source.credentials.items()]
            reads += [((field,), url[1:]) for field in ("apprise", "report_apprise")
                      for url in getattr(client, field) if url.startswith("$")]
            found += [(("clients", index, *where), f"{name}: {problem}") for where, name in reads
                      if (problem := credential_names.rename_problem(name, client.id, table, others))]
        return found

    def unknown_locations(self) -> list[tuple[tuple, str]]:
        """(where, what) of each location id listed twice or named by no source, each source naming a location its
        client lacks, and each competitor's source naming one."""
        found = []
        for index, client in enumerate(self.clients):
            ids = [location.id for location in client.locations]
            found += [(("clients", index, "locations", number, "id"), f"location id {ident!r} is used twice")
                      for number, ident in enumerate(ids) if ident in ids[:number]]
            known = ", ".join(ids) or "none: add [[clients.locations]] with an id and a name"
            found += [(("clients", index, "sources", number, "location"),
                       f"unknown location {source.location!r}; this client's locations: {known}")
                      for number, source in enumerate(client.sources)
                      if source.location is not None and source.location not in ids]
            named = {source.location for source in client.sources}
            # a location no source names would show a row of zeros in the report: say so here instead
            found += [(("clients", index, "locations", number, "id"),
                       f"no source names location {ident!r}: add location = {ident!r} to its sources")
                      for number, ident in enumerate(ids) if ident not in named]
            found += [(("clients", index, "competitors", number, "sources", at, "location"),
                       "a competitor's source has no location (locations are the client's own)")
                      for number, rival in enumerate(client.competitors)
                      for at, source in enumerate(rival.sources) if source.location is not None]
        return found

    def shared_urls(self) -> list[tuple[tuple, tuple]]:
        """(where, where first) of each client's source whose URL another client listed first: a copy-paste would put
        one client's reviews in another's report. Allowed when both sources say `shared = true`; a competitor's source
        may equal a client's (a competitor is only read)."""
        found, first = [], {}
        for index, client in enumerate(self.clients):
            for number, source in enumerate(client.sources):
                key, here = same_url(source.url), ("clients", index, "sources", number, "url")
                if key in first and first[key][0][1] != index and not (source.shared and first[key][1]):
                    found.append((here, first[key][0]))
                first.setdefault(key, (here, source.shared))
        return found

    def duplicates(self) -> list[tuple[tuple, str]]:
        """(where, what) of each client id or node listed a second time."""
        found, seen = [], {}
        for index, client in enumerate(self.clients):
            if client.id in seen:
                found.append((("clients", index, "id"), f"client id {client.id!r} is used twice "
                                                       f"(first by clients[{seen[client.id]}])"))
            seen.setdefault(client.id, index)
            rivals: dict[str, int] = {}
            for number, rival in enumerate(client.competitors):
                if rival.id in rivals:
                    found.append((("clients", index, "competitors", number, "id"),
                                  f"competitor id {rival.id!r} is used twice for this client "
                                  f"(first by competitors[{rivals[rival.id]}])"))
                rivals.setdefault(rival.id, number)
        nodes: set[tuple[str, str]] = set()
        for index, node in enumerate(self.nodes):
            key = (node.url.rstrip("/"), node.project)
            if key in nodes:
                found.append((("nodes", index, "url"), "a node (url and project) is listed twice under [[nodes]]"))
            nodes.add(key)
        return found


def same_url(url: str) -> str:
    """A source URL as compared between clients: scheme and host in lower case, no fragment, no trailing slash."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}" + \
        (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Config:
    """Validated settings plus where they came from (relative paths resolve against it)."""

    path: Path
    settings: Settings
    left_out: tuple[tuple[str, str], ...] = ()  # load(skip_bad_clients=True): (client id, problem) of each client left out
    kept: tuple[int, ...] | None = None  # the file's position of each client kept (None: all of them, in order)
    left_out_accounts: tuple[tuple[int, "Account"], ...] = ()  # what posting must know of each client left out

    @property
    def skipped(self) -> tuple[str, ...]:
        """The problems of the clients left out (load(skip_bad_clients=True)), as ConfigError's."""
        return tuple(problem for _client, problem in self.left_out)

    def problems_of(self, client_id: str) -> list[str]:
        """Why the client of this id (or a competitor's CLIENT:COMPETITOR key) was left out; [] when it was not."""
        owner = competitor_keys.client_of(client_id) if competitor_keys.is_competitor(client_id) else client_id
        return [problem for client, problem in self.left_out if client == owner]

    def accounts(self) -> list[tuple[int, Any]]:
        """Every client of the file with its position there, those left out too (as an Account): a variable another
        client's source reads stays shared while that client is left out for a bad line."""
        kept = zip(range(len(self.clients)) if self.kept is None else self.kept, self.clients)
        return sorted([*kept, *self.left_out_accounts], key=lambda pair: pair[0])

    def __getattr__(self, name: str):
        """The settings' sections read through the config: config.agency, .clients, .crawl, .search, .nodes ..."""
        if name in Settings.model_fields:
            return getattr(self.settings, name)
        raise AttributeError(name)

    @property
    def feeds(self) -> Path | None:
        feeds = self.dispatch.feeds
        return self.resolve(feeds) if feeds else None

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.path.parent / path)

    @property
    def database(self) -> Path:
        return self.resolve(self.settings.storage.database)

    @property
    def reports_dir(self) -> Path:
        return self.resolve(self.settings.storage.reports_dir)

    @property
    def logo(self) -> Path | None:
        logo = self.agency.branding.logo
        return self.resolve(logo) if logo else None

    def deliver_to(self, client: Client) -> Path | None:
        """The folder a client's report PDF is written to: its own deliver_to, else the agency's."""
        folder = client.deliver_to or self.agency.deliver_to
        return self.resolve(folder) if folder else None

    def proxies_for(self, site: str) -> list[Proxy]:
        return [proxy for proxy in self.settings.proxies if proxy.serves(site)]

    def placed_sources(self) -> list[tuple[tuple, Source]]:
        """Every source with its place in the file: ("clients", c, "sources", s) or a competitor's
        ("clients", c, "competitors", k, "sources", s)."""
        return [(("clients", c, *competitor, "sources", s), source)
                for c, client in enumerate(self.clients)
                for competitor, owner in [((), client)] + [(("competitors", k), rival)
                                                           for k, rival in enumerate(client.competitors)]
                for s, source in enumerate(owner.sources)]

    def crawled(self) -> list[Client]:
        """Everything crawled: each client, then its competitors (Client.rivals)."""
        return [subject for client in self.clients for subject in (client, *client.rivals)]

    def subject(self, key: str) -> Client:
        """A client, or a competitor by its key (competitor_keys.key): what a crawl, a node job or a feed is for."""
        if not competitor_keys.is_competitor(key):
            return self.client(key)
        for subject in self.client(competitor_keys.client_of(key)).rivals:
            if subject.id == key:
                return subject
        raise KeyError(f"no competitor {key!r} in {self.path}")

    def client(self, client_id: str) -> Client:
        for client in self.clients:
            if client.id == client_id:
                return client
        raise KeyError(f"no client {client_id!r} in {self.path} (clients: {', '.join(c.id for c in self.clients)})")


def load(path: Path | str | None = None, *, skip_bad_clients: bool = False) -> Config:
    """Read and validate a config file; raise ConfigError naming file, line and field. With `skip_bad_clients`
    (every command but `config check`) a client whose own lines are wrong is left out, its problems in Config.left_out,
    and only a problem of the agency's (its [agency], [storage], SMTP, nodes ... or every client wrong) raises."""
    path, text, data = _read(path)
    clients = data.get("clients")
    keep = list(range(len(clients))) if skip_bad_clients and isinstance(clients, list) else None
    skipped: list[tuple[str, str]] = []
    while True:
        subset = data if keep is None else {**data, "clients": [clients[i] for i in keep]}
        try:
            found, settings = _problems(subset)
        except RecursionError:
            raise ConfigError([f"{path}: tables or arrays nested too deeply to be a config file"]) from None
        if keep is not None:  # subset's client positions -> the file's
            found = [(_in_file(loc, keep), message, other and _in_file(other, keep)) for loc, message, other in found]
        problems = [_phrase(path, text, data, *problem) for problem in found]
        if not problems:
            break
        if keep is None or not all(_client_level(loc) for loc, _message, _other in found):
            raise ConfigError([problem for _client, problem in skipped] + problems)
        bad = {loc[1] for loc, _message, _other in found}
        skipped += [(_client_key(clients[loc[1]], loc[1]), problem) for (loc, _m, _o), problem in zip(found, problems)]
        keep = [i for i in keep if i not in bad]
    config = Config(path=path, settings=settings, left_out=tuple(skipped), kept=None if keep is None else tuple(keep),
                    left_out_accounts=() if keep is None else tuple((i, _account(clients[i], i))
                                                                    for i in range(len(clients)) if i not in keep))
    if config.logo is not None:
        problem = _logo_problem(config)
        if problem:
            raise ConfigError([_at(path, text, data, ("agency", "branding", "logo"), problem)])
    return config


@dataclass(frozen=True)
class AccountSource:
    site: str
    location: str | None
    credentials: dict[str, str]


@dataclass(frozen=True)
class Account:
    """A client left out for a bad line, as posting sees it: its id and its sources' sites, locations and renames."""

    id: str
    sources: tuple[AccountSource, ...]


def _account(table: Any, index: int) -> Account:
    """What the raw [[clients]] table says of its posting accounts; a source or rename it cannot read counts as
    reading the site's default names (so a variable it may read is taken as shared)."""
    raw = table.get("sources") if isinstance(table, dict) else None
    sources = [source for source in raw if isinstance(source, dict) and isinstance(source.get("site"), str)] \
        if isinstance(raw, list) else []
    return Account(_client_key(table, index), tuple(AccountSource(
        source["site"], source.get("location") if isinstance(source.get("location"), str) else None,
        {default: own for default, own in (source.get("credentials") or {}).items()
         if isinstance(own, str) and credential_names.VARIABLE.fullmatch(own)}
        if isinstance(source.get("credentials"), dict) else {}) for source in sources))


def _read(path: Path | str | None) -> tuple[Path, str, dict]:
    """The config file's path, text and TOML data; ConfigError when it cannot be read or parsed."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such config file (write one, see README 'Configuration', or pass --config)"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from None
    if len(text) > MAX_BYTES:
        raise ConfigError([f"{path}: {len(text):,} characters is not a config file (the limit is {MAX_BYTES:,})"])
    try:
        return path, text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise ConfigError([f"{where}: TOML syntax: {exc}"]) from None
    except RecursionError:
        raise ConfigError([f"{path}: tables or arrays nested too deeply to be a config file"]) from None


SECRET_IN_FILE = ("secrets never go in the config file; set them in the environment (REPSCAN_SMTP_URL, "
                  "REPSCAN_SMTP_PASSWORD, API keys)")


def _problems(data: dict) -> tuple[list[tuple[tuple, str, tuple | None]], Settings | None]:
    """(where, what, where else or None) of each problem of the data, and its Settings when there are none."""
    secrets = _secret_keys(data)
    found: list[tuple[tuple, str, tuple | None]] = [(loc, SECRET_IN_FILE, None) for loc in secrets]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        return found + [(*_error(err), None) for err in exc.errors() if tuple(err["loc"]) not in secrets], None
    found += [(loc, message, None) for loc, message in settings.duplicates() + settings.undelivered()
              + settings.sourceless() + settings.foreign_reads() + settings.unknown_locations()]
    found += [(loc, "the same URL as {other}: another client's reviews would be in this client's report; set "
                    "shared = true on both sources if that is meant", first)
              for loc, first in settings.shared_urls()]
    return found, settings if not found else None


def _client_level(loc: tuple) -> bool:
    """A problem of one client's own lines (clients[i]...), not the agency's."""
    return len(loc) >= 2 and loc[0] == "clients" and isinstance(loc[1], int)


def _client_key(table: Any, index: int) -> str:
    """How a command names the client of this [[clients]] table: its id, else clients[index]."""
    ident = table.get("id") if isinstance(table, dict) else None
    return ident if isinstance(ident, str) else f"clients[{index}]"


def _in_file(loc: tuple, keep: list[int]) -> tuple:
    """A place in the data of the clients kept, as a place in the file."""
    return ("clients", keep[loc[1]], *loc[2:]) if _client_level(loc) and loc[1] < len(keep) else loc


def _phrase(path: Path, text: str, data: dict, loc: tuple, message: str, other: tuple | None) -> str:
    if other is not None:
        message = message.format(other=_at(path, text, data, other, "").removesuffix(": "))
    return _at(path, text, data, loc, message) if loc else f"{path}: (top level): {message}"


def _logo_problem(config: Config) -> str | None:
    """Why the logo cannot be used, or None: an image of a known type, under the size cap, in the config's folder."""
    logo, folder = config.logo, config.path.parent.resolve()
    if not logo.resolve().is_relative_to(folder):
        return f"{logo} is outside the config's folder {folder}; put the logo beside the config"
    if not logo.is_file():
        return f"no such file {logo}"
    if logo.suffix.lower() not in LOGO_TYPES:
        return f"{logo.name}: a logo is a {', '.join(sorted(LOGO_TYPES))} image"
    if logo.stat().st_size > LOGO_MAX_BYTES:
        return f"{logo.name} is {logo.stat().st_size:,} bytes; a logo is at most {LOGO_MAX_BYTES:,}"
    with logo.open("rb") as handle:
        head = handle.read(512)
    if not head.lstrip().startswith(LOGO_TYPES[logo.suffix.lower()]) or (logo.suffix.lower() == ".svg" and b"<svg" not in
                                                                          logo.read_bytes()[:4096]):
        return f"{logo.name} is not a {logo.suffix.lower()[1:].upper()} image"
    return None


def _at(path: Path, text: str, data: dict, loc: tuple, message: str) -> str:
    line = locate(text, data, loc)
    return f"{path}:{line}: {_dotted(data, loc)}: {message}" if line else f"{path}: {_dotted(data, loc)}: {message}"


def where(config: Config, loc: tuple) -> str:
    """`file:line: field` of a place in the config's file (the line left out when it cannot be found)."""
    text = config.path.read_text(encoding="utf-8")
    return _at(config.path, text, tomllib.loads(text), loc, "").removesuffix(": ")


def _secret_keys(node: Any, loc: tuple = ()) -> list[tuple]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "credentials" and loc[-2:-1] == ("sources",):
                continue  # variable names, not values: Source checks that each is a name
            if any(word in str(key).lower() for word in SECRET_WORDS):
                found.append(loc + (key,))
            found += _secret_keys(value, loc + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _secret_keys(value, loc + (index,))
    return found


def _error(err: dict) -> tuple[tuple, str]:
    """A pydantic error as (where, what)."""
    loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "extra_forbidden":
        message = "unknown field"
    elif err["type"] == "finite_number":
        message = "must be a finite number (not inf or nan)"
    return loc, message


def _dotted(data: Any, loc: tuple) -> str:
    """clients[1].sources[0].url, with client ids where known: clients[acme].sources[0].url."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            ident = node[part].get("id") if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) else None
            parts[-1] += f"[{ident}]" if isinstance(ident, str) else f"[{part}]"
        else:
            parts.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def locate(text: str, data: dict, loc: tuple) -> int | None:
    """The line number where `loc` (keys and list indexes) is written in the TOML text.

    tomllib keeps no positions, so walk the text: table headers ([a.b], [[a.b]])
    narrow the search to the right section, then the key line is found in it.
    """
    lines = text.splitlines()
    headers: list[tuple[int, tuple[str, ...], bool]] = []
    for number, line in enumerate(lines, 1):
        match = re.match(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?", line)
        if match:
            name = tuple(part.strip().strip('"') for part in match.group(2).split("."))
            headers.append((number, name, match.group(1) == "[["))

    # Resolve loc into (table path with array positions, remaining keys).
    keys = [part for part in loc]
    table_path: list[str] = []
    occurrence: dict[tuple[str, ...], int] = {}
    start, end = 1, len(lines) + 1
    i = 0
    while i < len(keys):
        part = keys[i]
        if isinstance(part, int):
            i += 1
            continue
        candidate = tuple(table_path + [part])
        index = keys[i + 1] if i + 1 < len(keys) and isinstance(keys[i + 1], int) else None
        matches = [(n, arr) for n, name, arr in headers if name == candidate and start <= n < end]
        if not matches:
            break
        if index is not None and matches[0][1]:
            if index >= len(matches):
                break
            start = matches[index][0]
        else:
            start = matches[0][0]
        following = [n for n, name, _ in headers if n > start and not (len(name) > len(candidate) and name[: len(candidate)] == candidate)]
        end = min([n for n in following] + [end])
        table_path.append(part)
        occurrence[candidate] = start
        i += 2 if index is not None else 1
    remaining = [part for part in keys[i:] if not isinstance(part, int)]
    if not remaining:
        return start if table_path else None
    key = remaining[0]
    pattern = re.compile(rf'^\s*"?{re.escape(str(key))}"?\s*=')
    for number in range(start, min(end, len(lines) + 1)):
        if pattern.match(lines[number - 1]):
            return number
    return start if table_path else None
