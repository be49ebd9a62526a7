"""The block check's visible-text count: the same figure as the XPath it replaced, in one bounded walk."""

from __future__ import annotations

import pytest
from parsel import Selector

from helpers import FIXTURES
from repscan.spiders.pages.blocked import _visible_text_length

PAGES = sorted(FIXTURES.rglob("*.html"))


def _xpath_length(sel) -> int:
    """The old, quadratic definition: every text node of the body outside script, style, noscript and template."""
    text = sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)"
                     " and not(ancestor::noscript) and not(ancestor::template)]").getall()
    return len(" ".join(" ".join(text).split()))


@pytest.mark.parametrize("html", [
    "<html><body>Hello <b>big</b> world<script>var x=1</script> tail here <!-- c --> after<style>x</style>end</body></html>",
    "<html><body><div>a<noscript><p>no</p></noscript>b</div><template><p>t</p></template>c</body></html>",
    "<html><head><title>Title only</title></head><body>   </body></html>",
    "<p>no html wrapper</p> text",
] + [path.read_text(encoding="utf-8", errors="replace") for path in PAGES], ids=lambda v: v[:30])
def test_same_count_as_the_xpath(html):
    sel = Selector(text=html)
    assert _visible_text_length(sel.root, 10**9) == _xpath_length(sel)


def test_the_walk_stops_once_it_has_enough():
    sel = Selector(text="<html><body>" + "<div>word " * 200 + "</div>" * 200 + "<p>x</p>" * 100_000 + "</body></html>")
    assert 1500 <= _visible_text_length(sel.root, 1500) < 1510
