"""Search engines' block pages are blocks (never "zero results"); their result pages are not.

The cases do most of it: google/sorry (429) and google/consent are blocked cases, and every result
page case is checked not to be blocked. Here: the same pages under other statuses and hosts, the real one."""

from __future__ import annotations

from helpers import CASES, case, real_page
from repscan.app.cases import find_cases
from repscan.spiders.pages import blocked

ENGINES = ("bing", "brave", "duckduckgo", "google", "searxng")


def test_real_duckduckgo_anomaly_page(respond):
    body = real_page("blocked", "duckduckgo-anomaly-challenge-2026.html")
    response = respond(body, "https://html.duckduckgo.com/html/?q=Acme+Plumbing")
    assert blocked.detect(response) == "DuckDuckGo anomaly challenge"


def test_google_unusual_traffic_page_even_with_status_200():
    assert blocked.detect(case("google/sorry").response(status=200)) == "unusual traffic"


def test_google_consent_page_served_from_elsewhere_is_recognised_by_its_form():
    # the same page served from a proxy, or our tests
    assert blocked.detect(case("google/consent").response("http://127.0.0.1:8000/search?q=x")) == "Google consent"


def test_all_result_pages_are_cases():
    results = [c for c in find_cases(CASES) if c.site in ENGINES and c.expected is not None]
    assert len([c for c in results if c.meta["response"] == "html"]) == 11  # each checked not blocked
