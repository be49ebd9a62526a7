"""The one report renderer: ReportData -> HTML (Jinja2, autoescaped) -> PDF (WeasyPrint)."""

from __future__ import annotations

import functools
import gc
import logging
import mimetypes
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import weasyprint
from markupsafe import Markup
from weasyprint.urls import URLFetcher, URLFetcherResponse

from repscan.core import i18n, rules, sites
from repscan.core.i18n import _
from repscan.core.templates import templates_dir
from repscan.reports.model import (
    ReportData,
    format_date,
    format_datetime,
    format_day,
    format_delay,
    period_label,
    trim_text,
)
from repscan.reports.scoreboard import headline_figures

log = logging.getLogger(__name__)

PAGE_SIZES = {"a4": "A4", "letter": "letter"}
ACTIONS_SHOWN = 10  # entries of the action list on page one; the rest follow in a table


def status_label(status: str) -> str:
    """A source's status as the sources table shows it."""
    return {"ok": _("OK"), "empty": _("Empty"), "blocked": _("Blocked"), "error": _("Error"), "broken": _("Broken"),
            "never": _("Never crawled")}.get(status, status)


def category_label(category: str) -> str:
    """A search result's kind as the report shows it (own, review, complaint, social, news, other)."""
    return {"own": _("own"), "review": _("review"), "complaint": _("complaint"), "social": _("social"),
            "news": _("news"), "other": _("other")}.get(category, category)


def page_counter() -> Markup:
    """The page footer's CSS content, "Page " counter(page) " of " counter(pages), in the current language."""
    text = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", text)
    out = []
    for part in parts:
        if part in ("%(page)s", "%(pages)s"):
            out.append(f"counter({part[2:-2]})")
        elif part:
            escaped = "".join(c if c.isalnum() or c in " .,:-/" else f"\\{ord(c):x} " for c in part)
            out.append(f'"{escaped}"')
    return Markup(" ".join(out))


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s), else None: scraped links never become javascript: or file: links."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) < 0.05:
        return _("no change")
    return f"+{i18n.decimal(value)}" if value > 0 else f"\u2212{i18n.decimal(-value)}"


@jinja2.pass_context
def _datetime_filter(context, value, precision=None):
    return format_datetime(value, context["tz"], precision)


@jinja2.pass_context
def _date_filter(context, value, precision=None):
    return format_date(value, context["tz"], precision)


@jinja2.pass_context
def _day_filter(context, value, precision=None):
    return format_day(value, context["tz"], precision)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for every report and email template (HTML autoescaped)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        extensions=["jinja2.ext.i18n"],
        # Everything is HTML-escaped except plain-text templates, where "&" must stay "&".
        autoescape=lambda name: not (name or "").endswith(".txt"),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_capped,
        # Compiled templates kept between processes (keyed by the template's source): a report process
        # spends about 0.1 s compiling them otherwise. Jinja2's own per-user cache folder in the temp dir.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.filters.update(
        datetime=_datetime_filter,
        date=_date_filter,
        day=_day_filter,
        delay=format_delay,
        delay_after=functools.partial(format_delay, after=True),
        excerpt=trim_text,
        href=safe_href,
        source=sites.label,
        place=sites.place,
        signed=_signed,
        status_label=status_label,
        decimal=i18n.decimal,
        percent=i18n.percent,
        number=i18n.number,
        category=category_label,
    )
    env.globals.update(decimal=i18n.decimal, whole=lambda value: i18n.decimal(value, 0))
    env.globals["asset"] = lambda name: file_url(templates_dir() / "assets" / name)
    # {{ _("...") }}, {{ ngettext(...) }} and {% trans %} speak the language set by i18n.language().
    env.install_gettext_callables(**i18n.template_callables(), newstyle=True)
    return env


FIELD_CAP = 2000  # characters of any one value a template shows (review text is excerpted shorter)


def _capped(value):
    """Every value a template prints, cut at FIELD_CAP: a 400 KB title or author made a 262-page PDF.
    Our own markup (charts) passes whole."""
    if isinstance(value, str) and not isinstance(value, Markup) and len(value) > FIELD_CAP:
        return trim_text(value, FIELD_CAP)[0]
    return value


def context(data: ReportData) -> dict:
    """What every template sees: the data plus a few values computed once."""
    logo = data.branding.logo_path
    logo_url = None
    if logo is not None:
        if logo.is_file():
            logo_url = file_url(logo)
        else:
            log.warning("branding logo %s not found; rendering without it", logo)
    return {
        "lang": data.language,
        "data": data,
        "branding": data.branding,
        "summary": data.summary,
        "tz": data.timezone,
        "now": data.generated_at,
        "period": period_label(data.period_start, data.period_end, data.timezone),
        "logo_url": logo_url,
        "actions": data.actions[:ACTIONS_SHOWN],
        "more_actions": data.actions[ACTIONS_SHOWN:],
        "figures": headline_figures(data),
        "page_counter": page_counter(),
        "history_window": rules.HISTORY_WINDOW.days,
        "mention_window": rules.MENTION_WINDOW.days,
        # pygal output built from numbers and our own labels only, never scraped text
        "charts": [Markup(svg) for svg in data.charts],
    }


def render_template(name: str, data: ReportData, **extra) -> str:
    """A template over the report's data, in the client's language (data.language)."""
    with i18n.language(data.language):
        return environment().get_template(name).render(**context(data), **extra)


def render_html(data: ReportData, *, page_size: str = "A4") -> str:
    """The report as one self-contained HTML document (the CSS inlined)."""
    size = PAGE_SIZES.get(page_size.lower())
    if size is None:
        raise ValueError(f"page size must be one of {sorted(PAGE_SIZES.values())}, got {page_size!r}")
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    return render_template("report.html", data, css=Markup(css), page_size=size)


class RefusedURL(ValueError):
    """The report asked for something that is not one of the project's own assets."""


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under the templates folder and the logo, nothing else.

    data: URLs are refused too: no template of ours uses one, so a data: URL could only
    come from content that is not ours, and "own files only" stays a rule with no exceptions.
    """

    def __init__(self, roots: list[Path] | None = None, files: list[Path] | None = None):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self.roots = [p.resolve() for p in (roots if roots is not None else [templates_dir()])]
        self.files = {p.resolve() for p in (files or []) if p is not None}
        self.served: list[str] = []
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_file():
            return None
        if path in self.files or any(path.is_relative_to(root) for root in self.roots):
            return path
        return None

    def fetch(self, url, headers=None):
        path = self.allowed_path(url)
        if path is None:
            self.refused.append(url)
            log.warning("report renderer refused to fetch %s", url)
            raise RefusedURL(f"not one of the report's own assets: {url}")
        self.served.append(url)
        mime, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            file_url(path), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


def render_pdf(
    data: ReportData, path: Path, *, page_size: str | None = None, fetcher: AssetFetcher | None = None
) -> Path:
    """Write the report PDF to `path` (page size: the argument, else the agency's branding); the
    fetcher (inspectable afterwards) guards every read."""
    path = Path(path)
    html = render_html(data, page_size=page_size or data.branding.page_size)
    if fetcher is None:
        fetcher = AssetFetcher(files=[data.branding.logo_path] if data.branding.logo_path else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with _collector_skips_what_exists():
        document = weasyprint.HTML(
            string=html, base_url=file_url(templates_dir()) + "/", url_fetcher=fetcher
        )
        document.write_pdf(path)
    return path


@contextmanager
def _collector_skips_what_exists():
    """While WeasyPrint renders, the cyclic garbage collector leaves alone every object that existed before
    (modules, config, store, the report's data): it ran often during rendering and walked them each time,
    about 0.2 s of a report process (docs/benchmarks.md). Afterwards they are collectable again."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
