"""A reply draft for one complaint: its language, its situation, our template (or the agency's) filled in and fitted to the channel."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from repscan.core import language as languages, sites
from repscan.core.replies.quoting import LINK
from repscan.core.replies.situations import LANGUAGES, SITUATIONS, quote, situation
from repscan.core.templates import templates_dir

LIMITS = {"twitter": 280}  # characters a reply may have on the channel; others DEFAULT_LIMIT
DEFAULT_LIMIT = 1000  # Google allows 4096, Trustpilot and Facebook more; a reply is read, not scrolled
QUOTE = 60  # characters of the customer's own words quoted; fewer (then none) when the channel is tight


class TooLong(ValueError):
    """No version of the template fits the channel, even short and without the quote."""


@dataclass(frozen=True)
class Draft:
    language: str
    situation: str
    text: str


@dataclass(frozen=True)
class Policy:
    """What the client allows a draft to say (config [clients.replies]) and whose templates win."""

    business: str
    contact: str | None = None
    refunds: bool = False
    templates: Path | None = None  # the agency's folder: <lang>/<situation>.txt there override ours
    names: tuple[str, ...] = ()  # the client's aliases and handles: a quote naming them names no person


@functools.cache
def _environment(override: Path | None) -> jinja2.Environment:
    folders = [str(override)] if override else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(templates_dir() / "replies")]),
        autoescape=False,  # plain text; escaped wherever a draft is shown in HTML
        undefined=jinja2.StrictUndefined, lstrip_blocks=True)


def language_of(text: str | None, stored: str | None) -> str:
    """The customer's language: as stored (the site's tag or the crawl's detection; a row stored before tags were
    normalised may still say "de-DE"), else detected now; English when we have no templates in it."""
    lang = languages.code(stored) or languages.detect(text)
    return lang if lang in LANGUAGES else "en"


def first_name(author: str | None) -> str | None:
    """How the reply greets the customer: the first word of a plain name; None for handles, emails, initials
    and "Anonymous" (a greeting without a name is better than a wrong one)."""
    if not author:
        return None
    word = author.strip().split()[0] if author.strip() else ""
    if len(word) < 2 or not re.fullmatch(r"[^\W\d_][^\W\d_'’-]*", word) or word.lower() in ("anonymous", "a", "guest"):
        return None
    return word


def limit(source: str | None) -> int:
    return LIMITS.get(source or "", DEFAULT_LIMIT)


# X counts a character in these ranges (Latin, Greek, Cyrillic ... and general punctuation) once, any other (CJK,
# emoji) twice, and every link as 23 (twitter-text's configuration v3).
_X_SINGLE = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def length(text: str, source: str | None) -> int:
    """The text's length as the channel counts it: X weighs CJK and emoji double and every link as 23."""
    if source not in LIMITS:
        return len(text)
    links = LINK.findall(text)
    rest = LINK.sub("", text)
    return 23 * len(links) + sum(1 if any(a <= ord(ch) <= b for a, b in _X_SINGLE) else 2 for ch in rest)


def private(source: str | None) -> bool:
    """Whether the customer can message the business privately on the channel (sites.toml private_messages):
    only there may a draft without the client's contact ask for a private message."""
    site = sites.SITES.get(source or "")
    return bool(site and site.private_messages)


def render(policy: Policy, lang: str, template: str, source: str | None = None, **values) -> str:
    """One template filled in for the channel, its lines joined into one paragraph (Japanese runs on without spaces)."""
    text = _environment(policy.templates).get_template(f"{lang}/{template}.txt").render(
        business=policy.business, contact=policy.contact, refunds=policy.refunds, private=private(source), **values)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return ("" if lang == "ja" else " ").join(lines)


def draft(text: str | None, *, title: str | None = None, author: str | None = None, stored_language: str | None = None,
          source: str | None = None, policy: Policy) -> Draft:
    """The reply to one complaint, in its language and for its situation, no longer than the channel allows:
    the full version if it fits, else without the sign-off, then with a shorter quote, then without one."""
    words = "\n".join(filter(None, [title, text]))
    lang = language_of(words, stored_language)
    kind = situation(words, lang)
    name, most = first_name(author), limit(source)
    for short, size in ((False, QUOTE), (True, QUOTE), (True, QUOTE // 2), (True, 0)):
        said = quote(words, lang, size, (policy.business, *policy.names)) if size else None
        body = render(policy, lang, kind, source, name=name, quote=said, short=short)
        if length(body, source) <= most:
            return Draft(lang, kind, body)
    raise TooLong(f"the {lang}/{kind} reply is {length(body, source)} characters even at its shortest; "
                  f"{source or 'the channel'} allows {most}")


def template_problems(folder: Path) -> list[tuple[str, str]]:
    """What is wrong with an agency's template folder, as (error or warning, why): not a folder, a template
    that does not parse, a file repscan never reads (templates are <language>/<situation>.txt)."""
    if not folder.is_dir():
        return [("error", f"{folder} is not a folder")]
    problems = []
    for path in sorted(folder.rglob("*.txt")):
        name = path.relative_to(folder).as_posix()
        lang, _, rest = name.partition("/")
        if lang not in LANGUAGES or rest.removesuffix(".txt") not in SITUATIONS:
            problems.append(("warning", f"{name} is never used: templates are <language>/<situation>.txt, languages "
                                        f"{', '.join(LANGUAGES)}, situations {', '.join(SITUATIONS)}"))
            continue
        try:
            _environment(folder).parse(path.read_text(encoding="utf-8"))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(("error", f"{name}:{exc.lineno}: {exc.message}"))
        except UnicodeDecodeError as exc:
            problems.append(("error", f"{name}: not UTF-8 (byte {exc.start}): save it as UTF-8"))
    return problems
