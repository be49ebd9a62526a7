"""Credentials in URLs are found by parameter name and blanked wherever a URL is stored or shown."""

from __future__ import annotations

import pytest

from repscan.core.secrets import credential_parameters, redact, redact_text
from repscan.core.store import Store


@pytest.mark.parametrize("url, expected", [
    ("https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJ1&key=AIzaSECRET",
     "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJ1&key=REDACTED"),
    ("https://graph.facebook.com/v19.0/1/feed?after=X&access_token=EAAGsecret",
     "https://graph.facebook.com/v19.0/1/feed?after=X&access_token=REDACTED"),
    ("https://agency:hunter2@node.example:6800/listjobs.json", "https://agency:REDACTED@node.example:6800/listjobs.json"),
    ("https://www.trustpilot.com/review/acme.example?sort=recency", "https://www.trustpilot.com/review/acme.example?sort=recency"),
])
def test_redact(url, expected):
    assert redact(url) == expected
    assert not credential_parameters(redact(url)) or "REDACTED" in redact(url)


def test_messages_and_stored_crawls_never_hold_the_secret(tmp_path):
    url = "https://maps.googleapis.com/maps/api/place/details/json?place_id=P&key=AIzaSECRET"
    assert redact_text(f"HTTP 403 at {url}; then HTTP 500 at {url}").count("AIzaSECRET") == 0
    store = Store(tmp_path / "r.db")
    try:
        crawl = store.start_crawl("acme", "google-maps", "GoogleMapsSpider", url)
        store.finish_crawl(crawl, status="error", items=0, new_items=0, requests=1, pages=1, full=False,
                           error=f"HTTP 403 at {url}")
        assert "AIzaSECRET" not in repr(store.query("SELECT * FROM crawls"))
        assert store.last_crawl_clean("acme", "google-maps", url) is False  # looked up by the same (redacted) URL
    finally:
        store.close()
