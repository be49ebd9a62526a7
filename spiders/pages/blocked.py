"""Captcha, bot-challenge and login-wall pages told apart from content by their structure."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["Blocked", "detect"]


class Blocked(Exception):
    """A page that is a block/captcha/login wall instead of content; str() is the reason."""

    def __init__(self, reason: str, url: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url


# Each rule: (reason, CSS selectors any of which marks the page). Vendor markup only,
# never words of the visible text, so a review that says "captcha" is not a block.
_ALWAYS = (
    ("DuckDuckGo anomaly challenge", (
        'form[action*="anomaly.js"]', '[data-testid="anomaly-modal"]', ".anomaly-modal__modal",
    )),
    ("unusual traffic", (
        "form#captcha-form", 'form[action*="/sorry/index"]',
    )),
    ("Google consent", (
        'form[action^="https://consent.google."]', 'form[action^="https://consent.youtube."]',
    )),
    # Google (2025-) answers clients without JavaScript with a page that only refreshes to this path.
    ("Google JavaScript wall", (
        'meta[http-equiv="refresh"][content*="/httpservice/retry/enablejs"]',
        'a[href*="/httpservice/retry/enablejs"]',
    )),
    ("Cloudflare challenge", (
        "#challenge-running", "#challenge-stage", "#cf-challenge-running", "#challenge-error-text",
        "#cf-please-wait", 'form#challenge-form[action*="__cf_chl"]',
        'script[src*="/cdn-cgi/challenge-platform/h/"]',
    )),
    ("Cloudflare block", (
        "#cf-error-details", "#cf-wrapper .cf-error-code",
    )),
    ("PerimeterX", (
        "#px-captcha", 'script[src*="captcha.px-cdn.net"]', 'script[src*="captcha.perimeterx.net"]',
        'script[src*="/captcha/captcha.js?a=c"]',
    )),
    ("DataDome", (
        'script[src*="captcha-delivery.com"]', 'iframe[src*="captcha-delivery.com"]',
    )),
    ("Imperva challenge", ('iframe[src*="_Incapsula_Resource"]',)),
)
# Widgets that also sit in ordinary comment and contact forms: a block only on a page
# that has nothing else (see _bare).
_ON_BARE_PAGE = (
    ("hCaptcha", (".h-captcha", 'iframe[src*="hcaptcha.com"]', 'script[src*="hcaptcha.com"]')),
    ("reCAPTCHA", (
        ".g-recaptcha", "#recaptcha", 'iframe[src*="/recaptcha/"]', 'script[src*="/recaptcha/api"]',
        'script[src*="recaptcha.net"]',
    )),
    ("Cloudflare challenge", (".cf-turnstile", 'script[src*="challenges.cloudflare.com/turnstile"]')),
    ("AWS WAF challenge", ('script[src*="awswaf.com"]',)),
    ("captcha", ('form[action*="aptcha"]', 'input[name*="aptcha"]', 'img[src*="aptcha"]')),
)
# Inline script variables set only on challenge pages.
# Each with plain substrings one of which must occur first: a cheap test before the regex,
# since content pages carry tens of KB of inline JSON.
_SCRIPT_MARKERS = (
    ("Cloudflare challenge", ("_cf_chl_opt", "challenge-platform"),
     re.compile(r"\b_cf_chl_opt\b|/cdn-cgi/challenge-platform/h/")),
    ("DataDome", ("captcha-delivery",), re.compile(r"\bvar\s+dd\s*=\s*\{[^}]*captcha-delivery\.com")),
    ("PerimeterX", ("_pxCaptcha", "captcha.js"), re.compile(r"\b_pxCaptcha|/captcha/captcha\.js\?a=c")),
    ("AWS WAF challenge", ("gokuProps",), re.compile(r"\bwindow\.gokuProps\s*=")),
)
# Titles of vendor interstitials; trusted only together with an error status.
_TITLES = (
    ("Cloudflare challenge", re.compile(r"^just a moment\.\.\.$|^attention required! \| cloudflare$")),
    ("PerimeterX", re.compile(r"^access to this page has been denied\.?$")),
    ("Imperva challenge", re.compile(r"^pardon our interruption")),
    ("captcha", re.compile(r"^robot check$|^are you a robot\??$|^captcha")),
    ("access denied", re.compile(r"^access denied$")),
)
_LOGIN_PATH = re.compile(r"log[-_]?in|sign[-_]?in|logon|authwall|/auth(?:/|$)|/session|/checkpoint",
                         re.IGNORECASE)
_BARE_TEXT = 1500
_INVISIBLE = {"script", "style", "noscript", "template"}
# Words one of which the markup of every rule above holds (an id, a class, an attribute value or a script marker),
# looked for in the lowered page: a page with none of them cannot match a rule, so most content pages are
# cleared by these few linear scans, before any walk of the tree (_triggers() checks that each rule has one).
_TRIGGERS = ("aptcha", "challenge", "anomaly", "sorry", "consent", "enablejs", "cf-", "cf_chl", "incapsula",
             "awswaf", "gokuprops")
_PASSWORD = "password"


def _literals(css: str) -> list[str]:
    """What a selector requires the page's source to contain: its attribute values, ids and classes."""
    values = re.findall(r'"([^"]*)"', css)
    outside = re.sub(r"\[[^\]]*\]", "", css)
    return [*values, *re.findall(r"[#.]([\w-]+)", outside)]


def _trigger_of(*texts: str) -> str:
    """The trigger word one of `texts` holds (one any page matching them holds too)."""
    for text in texts:
        for trigger in _TRIGGERS:
            if trigger in text.lower():
                return trigger
    raise ValueError(f"no trigger word in {texts!r}: add one to _TRIGGERS")


def _guarded(rules) -> tuple:
    """(reason, ((selector, its trigger word), ...)) for each rule."""
    return tuple((reason, tuple((css, _trigger_of(*_literals(css))) for css in selectors)) for reason, selectors in rules)


_ALWAYS_GUARDED = _guarded(_ALWAYS)
_ON_BARE_PAGE_GUARDED = _guarded(_ON_BARE_PAGE)
_SCRIPT_GUARDED = tuple((reason, needles, pattern, {_trigger_of(needle) for needle in needles})
                        for reason, needles, pattern in _SCRIPT_MARKERS)


def detect(response) -> str | None:
    """A short reason when `response` is a challenge, captcha or login wall, else None.

    Decided from the status, the headers and the URL first, then from words in the page (linear scans), and
    only when those leave a doubt from its markup. An error status alone (429, 503) is not a block: retries
    and Retry-After handle those.
    """
    status = getattr(response, "status", 200)
    headers = getattr(response, "headers", None) or {}
    if (urlsplit(getattr(response, "url", "") or "").hostname or "").startswith("consent.google."):
        return "Google consent"
    if (headers.get(b"cf-mitigated") or b"").lower() == b"challenge":
        return "Cloudflare challenge"
    try:
        lowered = response.text.lower()
    except (AttributeError, ValueError):  # not text (an image, a binary answer)
        return None
    words = {trigger for trigger in _TRIGGERS if trigger in lowered}
    login_url = bool(_LOGIN_PATH.search(urlsplit(response.url).path))
    password = _PASSWORD in lowered
    if not (words or password or login_url or status >= 400):
        return None
    selector = _html(response)
    if selector is not None:
        return _markup(selector, status, words, password, login_url)
    return None


def _html(response):
    try:
        selector = response.selector
    except AttributeError:
        return None
    except ValueError:  # markup parsel cannot take (a <base href="https://:x/">): the extractor says why
        return None
    return selector if getattr(selector, "type", "html") in ("html", "xml") else None


def _markup(sel, status: int, words: set[str], password: bool, login_url: bool) -> str | None:
    """The rules over the parsed page, each selector only when its trigger word is in the page."""
    for reason, selectors in _ALWAYS_GUARDED:
        if any(word in words and sel.css(css) for css, word in selectors):
            return reason
    markers = [marker for marker in _SCRIPT_GUARDED if marker[3] & words]
    scripts = sel.xpath("//script[not(@src)]/text()").getall() if markers else []
    for reason, needles, pattern, _ in markers:
        if any(any(n in script for n in needles) and pattern.search(script) for script in scripts):
            return reason
    if status >= 400:
        title = " ".join((sel.xpath("//title//text()").get() or "").split()).casefold()
        for reason, pattern in _TITLES:
            if title and pattern.search(title):
                return reason
    password_form = password and _password_form(sel.root)
    if password_form and (login_url or status == 401):
        return "login wall"
    widgets = [(reason, selectors) for reason, selectors in _ON_BARE_PAGE_GUARDED
               if any(word in words for _, word in selectors)]
    if not (widgets or password_form or login_url) or not _bare(sel):
        return None
    for reason, selectors in widgets:
        if any(word in words and sel.css(css) for css, word in selectors):
            return reason
    # A bare page behind a login URL is a wall even when its form is drawn by script.
    if password_form or login_url:
        return "login wall"
    return None


def _password_form(root) -> bool:
    """Whether a password field sits inside a form: each field's ancestors walked up to a node already
    seen, so every node is visited once however the forms nest (an XPath per form was quadratic)."""
    seen: set = set()
    for field in root.iter("input"):
        if (field.get("type") or "").lower() != "password":
            continue
        for node in field.iterancestors():
            if node.tag == "form":
                return True
            if node in seen:
                break
            seen.add(node)
    return False


def _bare(sel) -> bool:
    """Whether the page is an interstitial: little visible text and no review content."""
    if sel.css("article, [itemtype*='Review'], script#__NEXT_DATA__"):
        return False
    if any('"Review"' in block or '"AggregateRating"' in block
           for block in sel.xpath("//script[@type='application/ld+json']/text()").getall()):
        return False
    return _visible_text_length(sel.root, _BARE_TEXT) < _BARE_TEXT


def _visible_text_length(root, enough: int) -> int:
    """The length of the body's visible text with white space folded, counted in one walk of the tree
    and stopped at `enough` (linear, however deep or large the page; an XPath over ancestors was quadratic)."""
    body = root.find("body") if getattr(root, "tag", None) == "html" else None
    if body is None:
        body = root
    length = -1  # n words need n - 1 spaces
    stack = [body]
    while stack:
        node = stack.pop()
        # Text inside a visible element counts; a comment's or a script's own text does not, their tails do.
        chunks = [node.tail] if node is not body else []
        if isinstance(node.tag, str) and node.tag not in _INVISIBLE:
            chunks.append(node.text)
            stack.extend(reversed(node))
        for text in filter(None, chunks):
            length += sum(len(word) + 1 for word in text.split())
            if length >= enough:
                return length
    return max(length, 0)
