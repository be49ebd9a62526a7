"""Block detection: vendor challenge pages are caught, review pages that merely mention them are not."""

from __future__ import annotations

import pytest
from scrapy.http import Response, TextResponse

from repscan.spiders.pages import blocked, jsonld

from .conftest import FIXTURES, REAL

URL = "https://kettleandcrumb.example/reviews/"


@pytest.mark.parametrize("name, url, status, reason", [
    ("cloudflare-just-a-moment.html", URL, 403, "Cloudflare challenge"),
    ("cloudflare-blocked.html", URL, 403, "Cloudflare block"),
    ("google-sorry-unusual-traffic.html", "https://www.google.com/sorry/index?continue=x", 429,
     "unusual traffic"),
    ("recaptcha-interstitial.html", URL, 200, "reCAPTCHA"),
    ("hcaptcha-interstitial.html", URL, 200, "hCaptcha"),
    ("login-wall.html", "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fx", 200,
     "login wall"),
    ("datadome-captcha.html", URL, 403, "DataDome"),
    ("perimeterx-press-and-hold.html", URL, 403, "PerimeterX"),
])
def test_block_pages(load, name, url, status, reason):
    assert blocked.detect(load(f"blocked/{name}", url, status=status)) == reason


@pytest.mark.parametrize("name", [
    "cloudflare-just-a-moment.html", "datadome-captcha.html", "perimeterx-press-and-hold.html",
    "google-sorry-unusual-traffic.html", "login-wall.html",
])
def test_markup_alone_is_enough_even_with_status_200(load, name):
    url = "https://www.facebook.com/login/" if name == "login-wall.html" else URL
    assert blocked.detect(load(f"blocked/{name}", url)) is not None


def test_cloudflare_detected_by_its_script_when_the_ids_change(load, respond):
    body = load("blocked/cloudflare-just-a-moment.html", URL).text.replace("challenge-error-text", "x")
    assert blocked.detect(respond(body, URL, status=403)) == "Cloudflare challenge"


def test_cloudflare_mitigation_header(respond):
    response = respond("<html><body></body></html>", URL, status=403, headers={"cf-mitigated": "challenge"})
    assert blocked.detect(response) == "Cloudflare challenge"


def test_login_form_on_a_bare_page_anywhere_is_a_wall(load):
    assert blocked.detect(load("blocked/login-wall.html", "https://www.facebook.com/kettleandcrumb/reviews")) == (
        "login wall")


def test_review_page_mentioning_captcha_and_login_is_not_blocked(load):
    response = load("blocked/review-page-mentions-captcha.html", URL)
    assert blocked.detect(response) is None
    reviews = [item for item in jsonld.extract(response) if item["kind"] == "review"]
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


@pytest.mark.parametrize("path", sorted(
    str(p.relative_to(FIXTURES)) for folder in ("trustpilot", "jsonld")
    for p in (FIXTURES / folder).glob("*.html")
))
def test_our_content_pages_are_not_blocked(load, path):
    assert blocked.detect(load(path, URL)) is None


def test_blocked_exception_carries_the_reason():
    error = blocked.Blocked("DataDome", url=URL)
    assert (str(error), error.reason, error.url) == ("DataDome", "DataDome", URL)


# The real pages.

def test_real_duckduckgo_challenge(real, respond):
    body = real("blocked/duckduckgo-anomaly-challenge-2026.html")
    response = respond(body, "https://html.duckduckgo.com/html/?q=kettle+and+crumb")
    assert blocked.detect(response) == "DuckDuckGo anomaly challenge"


REAL_CONTENT = sorted(
    str(p.relative_to(REAL)) for p in REAL.glob("*/*.htm*") if p.parent.name != "blocked"
) if REAL.is_dir() else []


@pytest.mark.skipif(not REAL_CONTENT, reason=f"real fixtures not available: {REAL}")
@pytest.mark.parametrize("name", REAL_CONTENT or ["none"])
def test_real_review_pages_are_not_blocked(real, respond, name):
    assert blocked.detect(respond(real(name), "https://www.example.com/reviews/x")) is None


def test_real_trustpilot_page_is_not_blocked(real, respond):
    body = real("trustpilot/eventnet-de-review-page-prettified-2024.html")
    assert blocked.detect(respond(body, "https://www.trustpilot.com/review/eventnet.de")) is None
