"""What `repscan config check` finds beyond the file itself: the environment, credentials, URLs on the wrong site."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from repscan.core import sites
from repscan.core.config import Config, where
from repscan.core.credentials import RENDERING_API_KEY, Environment, can_post, shared_posting, shared_problem
from repscan.reports.mail import MailConfigError, smtp_settings_from_env
from repscan.spiders import fetch, pages


@dataclass(frozen=True)
class Finding:
    """One problem: an error (the run would do the wrong thing: exit 2) or a warning (it would fail later)."""

    level: str  # "error" or "warning"
    where: str  # file:line: field
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check(config: Config, environ=os.environ) -> list[Finding]:
    """Every finding, errors first, each naming file, line and field."""
    found = (_urls(config) + _smtp(config, environ) + _credentials(config, environ) + _apprise(config, environ)
             + _reply_templates(config) + _reply_contact(config) + _proxies(config, environ)
             + posting_accounts(config, environ) + _deliver_to(config))
    return sorted(found, key=lambda finding: finding.level != "error")


def _urls(config: Config) -> list[Finding]:
    found = []
    for place, source in config.placed_sources():
        owners = sites.owners(urlsplit(source.url).hostname or "")
        if owners and source.site not in owners:
            other = " or ".join(f'"{key}"' for key in sorted(owners))
            found.append(Finding("error", where(config, (*place, "url")),
                                 f"{source.url} is a {sites.label(min(owners))} page, not {sites.label(source.site)}: "
                                 f"use site = {other}, or the {sites.label(source.site)} URL"))
    return found


def _reply_templates(config: Config) -> list[Finding]:
    from repscan.core.replies.drafts import template_problems

    return [Finding(level, where(config, ("clients", c, "replies", "templates")), problem)
            for c, client in enumerate(config.clients) if client.replies.templates
            for level, problem in template_problems(config.resolve(client.replies.templates))]


def posting_accounts(config: Config, environ) -> list[Finding]:
    """One finding per variable whose token posts as one account (credentials.REPLY_AS_TOKEN) that sources of several
    clients would read, those left out for a bad line too: posting refuses it (repscan.app.replies). An error where
    it is set; unset, a warning while a source of those clients can post (its replies are handed to a person to
    paste until it is set, then refused), else nothing."""
    accounts = config.accounts()
    everyone = [account for _place, account in accounts]
    found = []
    for variable, places in shared_posting(everyone).items():
        set_here = bool((environ.get(variable) or "").strip())
        if not set_here and not any(can_post(everyone[c], everyone[c].sources[s]) for c, s, _default in places):
            continue
        clients = list(dict.fromkeys(everyone[c].id for c, _s, _default in places))
        c, s, default = places[0]
        field = ("credentials", default) if everyone[c].sources[s].credentials.get(default) else ("site",)
        found.append(Finding("error" if set_here else "warning", where(config, ("clients", accounts[c][0], "sources", s, *field)),
                             shared_problem(default, variable, clients)
                             + ("" if set_here else "; unset here: once set, its posts are refused")))
    return found


def _reply_contact(config: Config) -> list[Finding]:
    """A client without [clients.replies] contact with sources where customers cannot message the business
    privately (Google, Trustpilot ...): its reply drafts there can ask them to get in touch directly, naming no way."""
    found = []
    for c, client in enumerate(config.clients):
        closed = sorted({sites.label(source.site) for source in client.sources
                         if not sites.SITES[source.site].private_messages})
        if closed and not client.replies.contact:
            found.append(Finding("warning", where(config, ("clients", c, "replies", "contact")),
                                 f"not set: reply drafts for {', '.join(closed)} cannot take a complaint offline by "
                                 "private message there; set the business's phone, email or contact page"))
    return found


def _smtp(config: Config, environ) -> list[Finding]:
    emailed = [(c, field) for c, client in enumerate(config.clients)
               for field in ("recipients", "alert_recipients") if getattr(client, field)]
    if not emailed:
        return []
    try:
        smtp_settings_from_env(environ)
    except MailConfigError as exc:
        c, field = emailed[0]
        more = f" (and {len(emailed) - 1} more)" if len(emailed) > 1 else ""
        return [Finding("warning", where(config, ("clients", c, field)),
                        f"email cannot be sent: {exc}{more}")]
    return []


def _credentials(config: Config, environ) -> list[Finding]:
    """Per source: the variables it reads (under the names it gives them) that are unset, and a fetch mode
    this machine cannot run."""
    found = []
    for place, source in config.placed_sources():
        environment = Environment(environ, source.credentials)
        missing = pages.get(source.site).missing_credentials(environment, source.url)
        if source.fetch_mode == "api" and not (environment.get(RENDERING_API_KEY) or "").strip():
            missing.append(RENDERING_API_KEY)
        if missing:
            names = environment.explain(" and ".join(missing))
            found.append(Finding("warning", where(config, (*place, "site")),
                                 f"{source.site} reads {names} from the environment, "
                                 f"which {'is' if len(missing) == 1 else 'are'} not set: its crawls will fail"))
        try:
            fetch.check(source.fetch_mode, environ)
        except fetch.Unavailable as exc:
            field = "fetch" if source.fetch else "site"
            found.append(Finding("warning", where(config, (*place, field)),
                                 f"fetch = {source.fetch_mode!r}: {exc}: its crawls will fail"))
    return found


def _proxies(config: Config, environ) -> list[Finding]:
    return [Finding("warning", where(config, ("proxies", p, "auth")),
                    f"{proxy.auth} is not set here: crawls through {proxy.url} stop at start-up (on nodes, set it there)")
            for p, proxy in enumerate(config.proxies) if proxy.auth and not (environ.get(proxy.auth) or "").strip()]


def _apprise(config: Config, environ) -> list[Finding]:
    found = []
    for c, client in enumerate(config.clients):
        for field, what in (("apprise", "alerts"), ("report_apprise", "reports")):
            for a, url in enumerate(getattr(client, field)):
                name = re.fullmatch(r"\$([A-Z_][A-Z0-9_]*)", url)
                if name and not (environ.get(name.group(1)) or "").strip():
                    found.append(Finding("warning", where(config, ("clients", c, field)),
                                         f"${name.group(1)} is not set: {what} to {field}[{a}] cannot be sent"))
        if not (client.alert_recipients or client.recipients or client.apprise):
            found.append(Finding("warning", where(config, ("clients", c, "id")),
                                 "no alert channel (alert_recipients, recipients or apprise): alerts stay pending"))
    return found


def _deliver_to(config: Config) -> list[Finding]:
    """Each deliver_to folder a report would be written to that does not exist and cannot be made, or cannot be
    written: an error, as the send would fail. The folder itself is never made here."""
    places = {}
    for c, client in enumerate(config.clients):
        place = ("clients", c, "deliver_to") if client.deliver_to else ("agency", "deliver_to")
        folder = config.deliver_to(client)
        if folder is not None:
            places.setdefault(place, folder)
    return [Finding("error", where(config, place), f"{folder}: {problem}: reports cannot be delivered there")
            for place, folder in places.items() if (problem := unwritable(folder))]


def unwritable(folder: Path) -> str | None:
    """Why a report cannot be written into `folder` (made first when missing, as delivery does), or None. A folder
    that exists is probed with a file made and removed at once; a missing one, by a folder made and removed in the
    nearest one that exists (run as root, permission bits alone say yes even of /proc)."""
    existing = folder
    try:  # exists() itself raises where a parent folder cannot be entered
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return f"{existing} is not a folder"
        if existing == folder:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".repscan-check-"):
                pass
        else:
            os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".repscan-check-"))
    except OSError as exc:
        what = "cannot be written" if existing == folder else f"cannot be made in {existing}"
        return f"{what} ({exc.strerror or exc})"
    return None
