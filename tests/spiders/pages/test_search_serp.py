"""The engines' shared helpers: visible text, API text, URLs and ranked items."""

from __future__ import annotations

import gzip

import pytest
from scrapy.http import TextResponse

from repscan.spiders.pages import LayoutError
from repscan.spiders.pages.common import serp as _serp, urls

URL = "https://www.example.com/search?q=Acme+Plumbing"


@pytest.mark.parametrize("html, expected", [
    ("<a><b>Acme</b> <b>Plumbing</b>-Rochester</a>", "Acme Plumbing-Rochester"),
    ("<a><b>Acme</b>Plumbing</a>", "AcmePlumbing"),
    ("<div><div>Acme</div><div>Plumbing</div></div>", "Acme Plumbing"),
    ("<div>Acme<br>Plumbing</div>", "Acme Plumbing"),
    ("<div> Acme &amp;\n\t Sons&nbsp;&#8211; &lt;b&gt; </div>", "Acme & Sons – <b>"),
    ("<div>Acme<script>var x = 'no';</script><style>p{}</style> Plumbing<!-- note --></div>", "Acme Plumbing"),
    ("<div>   </div>", None),
])
def test_text(respond, html, expected):
    node = respond(f"<html><body>{html}</body></html>", URL).css("body > *")
    assert _serp.text(node) == expected


def test_text_leaves_out_dropped_elements(respond):
    node = respond('<p><span class="label">Web</span>Family-run plumbers</p>', URL).css("p")
    assert _serp.text(node, drop=(".label",)) == "Family-run plumbers"
    assert _serp.text(node) == "WebFamily-run plumbers"


@pytest.mark.parametrize("value, expected", [
    ("<strong>Acme</strong> Plumbing&#x27;s &amp; Sons", "Acme Plumbing's & Sons"),
    ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    ("  \n ", None),
    (None, None),
])
def test_clean(value, expected):
    assert _serp.clean(value) == expected


def test_search_url_base_replaces_scheme_and_host():
    default = "https://html.duckduckgo.com/html/"
    assert _serp.search_url(default, None, {"q": "a b", "s": None}) == "https://html.duckduckgo.com/html/?q=a+b"
    assert _serp.search_url(default, "http://127.0.0.1:9/", {"q": "x"}) == "http://127.0.0.1:9/html/?q=x"
    assert _serp.search_url(default, "http://127.0.0.1:9/ddg", {"q": "x"}) == "http://127.0.0.1:9/ddg/html/?q=x"
    with pytest.raises(ValueError):
        _serp.search_url(default, "localhost", {"q": "x"})


def test_params():
    url = "https://x.example/s?q=a&first=11&first=21&dc=x&empty="
    assert (urls.param(url, "first"), urls.param(url, "empty"), urls.param(url, "nope")) == ("11", "", None)
    assert [urls.int_param(url, name) for name in ("first", "dc", "empty")] == [11, None, None]
    assert urls.with_params("https://x.example/s?q=a&pageno=1#top", pageno=2, format="json", q=None) == (
        "https://x.example/s?pageno=2&format=json")


def test_query_of(respond):
    page = respond('<html><body><input name="q" value="  Acme   Plumbing "></body></html>', "https://x.example/lite/")
    assert _serp.query_of(page, None) == "Acme Plumbing"
    assert _serp.query_of(page, "given") == "given"
    assert _serp.query_of(respond("<html></html>", "https://x.example/?q=from+url"), None) == "from url"
    assert _serp.query_of(respond("<html></html>", "https://x.example/"), None) is None


def test_inside(respond):
    page = respond('<html><body><div id="tads"><p><a id="ad">x</a></p></div><a id="organic">y</a></body></html>', URL)
    assert _serp.inside(page.css("#ad")[0], ("#tads",))
    assert not _serp.inside(page.css("#organic")[0], ("#tads", ".b_ad"))


def test_json_body():
    def response(body):
        return TextResponse(url=URL, body=body, encoding="utf-8")
    assert _serp.json_body(response(b'{"a": 1}'), "x") == {"a": 1}
    assert _serp.json_body(response(gzip.compress(b'{"a": 2}')), "x") == {"a": 2}
    for body in (b"<html>", b"[1]"):
        with pytest.raises(LayoutError, match="^brave: "):
            _serp.json_body(response(body), "brave")


def test_results_rank_from_the_offset_and_skip_rows_without_url():
    rows = [("https://a.example/", "a.example", "A", "a"), (None, "ad", "Ad", None),
            ("https://b.example/", None, "", "")]
    assert _serp.results("bing", "q", 10, rows) == [
        {"kind": "search_result", "engine": "bing", "query": "q", "rank": 11, "url": "https://a.example/",
         "displayed_url": "a.example", "title": "A", "snippet": "a"},
        {"kind": "search_result", "engine": "bing", "query": "q", "rank": 12, "url": "https://b.example/",
         "displayed_url": None, "title": None, "snippet": None},
    ]
