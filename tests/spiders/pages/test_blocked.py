"""Block detection beyond the cases (each vendor page is a case in tests/cases with expected-error.json
{"blocked": reason}, and every other case is checked not to be blocked): markup without the status,
edited pages, inline markers, JSON answers, the real pages."""

from __future__ import annotations

import pytest
from scrapy.http import Response, TextResponse

from helpers import REAL, REAL_FOLDERS, REAL_MISSING, case, real_page
from repscan.spiders.pages import blocked

URL = "https://kettleandcrumb.example/reviews/"


@pytest.mark.parametrize("name", [
    "jsonld/cloudflare-just-a-moment", "jsonld/datadome-captcha", "jsonld/perimeterx-press-and-hold",
    "google/google-sorry-unusual-traffic", "facebook/login-wall",
])
def test_markup_alone_is_enough_even_with_status_200(name):
    url = "https://www.facebook.com/login/" if name.endswith("login-wall") else URL
    assert blocked.detect(case(name).response(url, status=200)) is not None


def test_cloudflare_detected_by_its_script_when_the_ids_change(respond):
    body = case("jsonld/cloudflare-just-a-moment").body.decode().replace("challenge-error-text", "x")
    assert blocked.detect(respond(body, URL, status=403)) == "Cloudflare challenge"


def test_cloudflare_mitigation_header(respond):
    response = respond("<html><body></body></html>", URL, status=403, headers={"cf-mitigated": "challenge"})
    assert blocked.detect(response) == "Cloudflare challenge"


def test_login_form_on_a_bare_page_anywhere_is_a_wall():
    response = case("facebook/login-wall").response("https://www.facebook.com/kettleandcrumb/reviews")
    assert blocked.detect(response) == "login wall"


def test_review_page_mentioning_captcha_and_login_is_a_case_not_a_block():
    reviews = [item for item in case("jsonld/review-page-mentions-captcha").expected if item["kind"] == "review"]
    assert [r["author"] for r in reviews] == ["Dana Frost", "Owen Price"]
    assert "captcha" in reviews[0]["text"]


def test_widgets_inside_content_are_not_blocks(respond):
    paragraphs = "".join(f"<p>Review {i}: the staff were kind and the food arrived hot.</p>" for i in range(40))
    for widget in ('<div class="g-recaptcha" data-sitekey="k"></div>',
                   '<div class="h-captcha" data-sitekey="k"></div>',
                   '<form action="/login"><input type="password" name="p"></form>'):
        page = f"<html><head><title>Reviews</title></head><body>{paragraphs}{widget}</body></html>"
        assert blocked.detect(respond(page, URL)) is None, widget


@pytest.mark.parametrize("title, status, reason", [
    ("Just a moment...", 503, "Cloudflare challenge"),
    ("Pardon Our Interruption", 403, "Imperva challenge"),
    ("Robot Check", 503, "captcha"),
    ("Access Denied", 403, "access denied"),
    ("Just a moment...", 200, None),
    ("Access Denied", 200, None),
])
def test_vendor_titles_count_only_with_an_error_status(respond, title, status, reason):
    page = f"<html><head><title>{title}</title></head><body><p>Reference #18.1a2b3c</p></body></html>"
    assert blocked.detect(respond(page, URL, status=status)) == reason


@pytest.mark.parametrize("page, url, reason", [
    ('<html><head><meta name="robots" content="noindex,nofollow"></head><body>'
     '<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=0" frameborder=0></iframe></body></html>',
     URL, "Imperva challenge"),
    ('<html><head><title>Human Verification</title><script>window.gokuProps = {"key": "made-up",'
     ' "iv": "x", "context": "y"};</script></head><body><div id="captcha-container"></div></body></html>',
     URL, "AWS WAF challenge"),
    ('<html><head><script src="/static/app.js"></script></head><body><div id="react-root"></div></body></html>',
     "https://www.instagram.com/accounts/login/?next=%2Fkettleandcrumb%2F", "login wall"),
    ('<html><head><script src="/static/app.js"></script></head><body><div id="react-root"></div></body></html>',
     "https://www.instagram.com/kettleandcrumb/", None),
], ids=["incapsula", "aws-waf", "script-drawn-login", "script-drawn-content"])
def test_other_vendor_markers(respond, page, url, reason):
    assert blocked.detect(respond(page, url)) == reason


@pytest.mark.parametrize("status", [429, 503, 403])
def test_an_error_status_alone_is_not_a_block(respond, status):
    assert blocked.detect(respond("<html><body>Too many requests</body></html>", URL, status=status)) is None


def test_json_responses(respond):
    ok = TextResponse(url="https://api.example/reviews", body=b'{"captcha": "login"}', encoding="utf-8",
                      headers={"Content-Type": "application/json"})
    limited = TextResponse(url="https://api.example/reviews", body=b"{}", encoding="utf-8", status=429,
                           headers={"Content-Type": "application/json"})
    image = Response(url="https://cdn.example/x.png", body=b"\x89PNG", status=403)
    challenge = Response(url="https://cdn.example/x.png", body=b"", status=403,
                         headers={"cf-mitigated": "challenge"})
    assert [blocked.detect(r) for r in (ok, limited, image)] == [None, None, None]
    assert blocked.detect(challenge) == "Cloudflare challenge"


def test_blocked_exception_carries_the_reason():
    error = blocked.Blocked("DataDome", url=URL)
    assert (str(error), error.reason, error.url) == ("DataDome", "DataDome", URL)


# The real pages.

def test_real_duckduckgo_challenge(respond):
    body = real_page("blocked", "duckduckgo-anomaly-challenge-2026.html")
    response = respond(body, "https://html.duckduckgo.com/html/?q=kettle+and+crumb")
    assert blocked.detect(response) == "DuckDuckGo anomaly challenge"


REAL_CONTENT = sorted(
    str(p.relative_to(REAL)) for p in REAL.glob("*/*.htm*") if p.parent.name not in REAL_FOLDERS["blocked"]
) if REAL else []


@pytest.mark.skipif(not REAL_CONTENT, reason=REAL_MISSING)
@pytest.mark.parametrize("name", REAL_CONTENT or ["none"])
def test_real_review_pages_are_not_blocked(respond, name):
    assert blocked.detect(respond((REAL / name).read_bytes(), "https://www.example.com/reviews/x")) is None


def test_real_trustpilot_page_is_not_blocked(respond):
    body = real_page("trustpilot", "eventnet-de-review-page-prettified-2024.html")
    assert blocked.detect(respond(body, "https://www.trustpilot.com/review/eventnet.de")) is None


def test_every_rule_has_a_trigger_word_its_markup_holds():
    # a selector without one would be skipped on every page: _guarded raises at import, and each word is in its literals
    for reason, selectors in (*blocked._ALWAYS_GUARDED, *blocked._ON_BARE_PAGE_GUARDED):
        for css, word in selectors:
            assert any(word in literal.lower() for literal in blocked._literals(css)), (reason, css)


@pytest.mark.parametrize("nest, status, url, reason", [
    (60, 401, URL, "login wall"),             # a password field deep in nested forms and divs
    (0, 401, URL, None),                      # a password field outside any form, on a page with content
    (60, 200, "https://kettleandcrumb.example/login", "login wall"),
    (60, 200, URL, None),                     # a login form beside content, at a content URL
])
def test_a_password_form_is_found_however_deep_it_sits(respond, nest, status, url, reason):
    paragraphs = "".join(f"<p>Review {i}: the staff were kind and the food arrived hot.</p>" for i in range(40))
    field = '<input type="PassWord" name="p">'
    form = "<form><div>" * nest + field + "</div></form>" * nest if nest else field
    page = f"<html><body>{paragraphs}<input type='password'><div><div>{form}</div></div></body></html>"
    assert blocked.detect(respond(page, url, status=status)) == reason


def test_a_page_without_any_trigger_word_is_cleared_before_it_is_parsed(respond):
    page = "<html><body>" + "<p>Fresh bread, kind staff.</p>" * 50 + "</body></html>"
    response = respond(page, URL)
    assert blocked.detect(response) is None
    assert getattr(response, "_cached_selector", None) is None  # the extractor parses it, once
    challenge = respond(page.replace("<body>", '<body><div id="challenge-stage"></div>'), URL)
    assert blocked.detect(challenge) == "Cloudflare challenge"
