"""Every extractor over generated and mutated pages: items of the contract, LayoutError, or NotReadable with items of
the contract; nothing else.

The block check, extract and next_page of every site run on our case pages with bytes flipped, cut,
repeated and spliced from other sites' pages, and on bytes from nowhere. `make test` runs a bounded,
derandomised sample; the drill marker runs a longer one (docs/reliability.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from repscan.app.cases import find_cases, response_for
from repscan.core.items import FIELDS
from repscan.spiders import pages
from repscan.spiders.pages import LayoutError, NotReadable, blocked

BODIES = [case.body for case in find_cases(ROOT / "tests" / "cases")]
SEARCH = {"bing", "brave", "duckduckgo", "google", "searxng"}
HOSTILE = [b"{", b"[", b"<div>", b'"', b"\\u0000", b"null", b"-Infinity", b"1e999", b"</script>", b"\x00",
           b"<![CDATA[", b"&#0;", b"\xff\xfe", b")]}'\n", b"<script type=\"application/ld+json\">"]


@st.composite
def mutated(draw) -> bytes:
    body = bytearray(draw(st.sampled_from(BODIES)))
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, max(len(body) - 1, 0)))
        action = draw(st.sampled_from(("flip", "cut", "insert", "splice")))
        if action == "flip" and body:
            body[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del body[at:at + draw(st.integers(1, 400))]
        elif action == "insert":
            body[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(1, 60))
        else:
            other = draw(st.sampled_from(BODIES))
            start = draw(st.integers(0, max(len(other) - 1, 0)))
            body[at:at] = other[start:start + draw(st.integers(1, 2000))]
    return bytes(body)


def _check(site: str, body: bytes, kind: str) -> None:
    response = response_for(body, "https://www.example.com/reviews?page=1", kind=kind)
    assert blocked.detect(response) in (None,) or isinstance(blocked.detect(response), str)
    page = pages.get(site)
    try:
        items = page.extract(response, now=None, **({"query": "acme"} if site in SEARCH else {}))
    except LayoutError:
        items = []
    except NotReadable as exc:  # read in part: its items still hold to the contract
        items = exc.items or []
    assert isinstance(items, list)
    for item in items:
        assert set(FIELDS[item["kind"]]) <= set(item), (site, item)
    assert page.next_page(response) is None or isinstance(page.next_page(response), str)


def _property(examples: int):
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(site=st.sampled_from(pages.SITES), body=st.one_of(mutated(), st.binary(max_size=4000)),
           kind=st.sampled_from(("html", "text", "xml")))
    def run(site, body, kind):
        _check(site, body, kind)
    return run


def test_every_extractor_on_mutated_pages():
    _property(1000)()


@pytest.mark.drill
def test_every_extractor_on_many_mutated_pages():
    _property(4000)()


@pytest.mark.parametrize("site", pages.SITES)
def test_every_extractor_on_every_other_sites_pages(site):
    """A source URL pointing at another site's page (or an API answering for another): LayoutError or items."""
    for case in find_cases(ROOT / "tests" / "cases"):
        _check(site, case.body, case.meta.get("response") or "html")
