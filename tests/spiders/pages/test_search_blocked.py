"""Search engines' block pages are blocks (never "zero results"); their result pages are not."""

from __future__ import annotations

import pytest

from repscan.spiders.pages import blocked

from .conftest import FIXTURES

RESULT_PAGES = sorted(
    str(path.relative_to(FIXTURES)) for path in (FIXTURES / "search").glob("*/*.html")
    if path.name not in ("consent.html", "sorry.html")
)


def test_real_duckduckgo_anomaly_page(real, respond):
    body = real("blocked/duckduckgo-anomaly-challenge-2026.html")
    response = respond(body, "https://html.duckduckgo.com/html/?q=Acme+Plumbing")
    assert blocked.detect(response) == "DuckDuckGo anomaly challenge"


@pytest.mark.parametrize("url, status", [
    ("https://www.google.com/sorry/index?continue=https://www.google.com/search%3Fq%3DAcme%2BPlumbing&q=EgQ", 429),
    ("https://www.google.com/sorry/index?continue=https://www.google.com/search%3Fq%3DAcme%2BPlumbing&q=EgQ", 200),
])
def test_google_unusual_traffic_page(load, url, status):
    assert blocked.detect(load("search/google/sorry.html", url, status=status)) == "unusual traffic"


def test_google_consent_page(load):
    response = load("search/google/consent.html", "https://consent.google.com/ml?continue=https://www.google.com/"
                                                  "search%3Fq%3DAcme%2BPlumbing&gl=GB&hl=en&pc=srp")
    assert blocked.detect(response) == "Google consent"
    # the same page served from elsewhere (a proxy, our tests) is recognised by its form
    assert blocked.detect(load("search/google/consent.html", "http://127.0.0.1:8000/search?q=x")) == "Google consent"


@pytest.mark.parametrize("name", RESULT_PAGES)
def test_result_pages_are_not_blocked(load, name):
    assert blocked.detect(load(name, "https://www.example.com/search?q=Acme+Plumbing")) is None


def test_all_result_pages_are_checked():
    assert len(RESULT_PAGES) == 11
