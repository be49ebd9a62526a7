"""The report renderer: real PDFs read back, hostile review text, the asset-only URL fetcher, fonts."""

from __future__ import annotations

import dataclasses
import http.server
import re
import shutil
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
import weasyprint
from report_samples import (
    GERMAN_REPLY,
    JAPANESE,
    NOW,
    ROMANIAN,
    UKRAINIAN,
    review,
    sample_data,
)

from repscan.core.classify import judge_line
from repscan.reports.model import Branding, Summary
from repscan.reports.render import AssetFetcher, RefusedURL, render_html, render_pdf, render_template, templates_dir


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def squash(text: str) -> str:
    """Text without whitespace, so line breaks chosen by the layout do not matter."""
    return re.sub(r"\s+", "", text)


# Every open() of the canary file by this process is recorded (audit hooks cannot be
# removed, so the hook only watches paths the tests register).
WATCHED: set[str] = set()
OPENED: list[str] = []


def _audit(event, args):
    if event == "open" and args and str(args[0]) in WATCHED:
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "CANARY-secret.txt"
    path.write_text("secret")
    WATCHED.add(str(path))
    OPENED.clear()
    yield path
    WATCHED.discard(str(path))


@pytest.fixture
def http_server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"body { background: url(/bg.png) }" if self.path.endswith(".css") else b"x"
            self.send_response(200)
            self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def test_templates_dir_is_the_checkout_templates():
    folder = templates_dir()
    assert (folder / "report.html").is_file()
    assert (folder / "report.css").is_file()
    assert (folder / "email.txt").is_file()


def test_pdf_shows_figures_reviews_replies_and_sources(tmp_path, data):
    fetcher = AssetFetcher()
    out = render_pdf(data, tmp_path / "report.pdf", fetcher=fetcher)
    pages = pdf_pages(out)
    text = "\n".join(pages)
    flat = squash(text)

    assert out.read_bytes().startswith(b"%PDF")
    assert fetcher.refused == []
    # summary figures, each right after its label
    for label, value in [
        ("New reviews", "5"),
        ("New negative reviews", "3"),
        ("Average rating", "3.6"),
        ("Negative reviews without a reply", "4"),
        ("Reviews tracked", "187"),
    ]:
        assert re.search(rf"^{label}\n{re.escape(value)}$", text, re.M), label
    assert "3 Mar 2025 – 10 Mar 2025" in text
    # who and for whom, on every page (running header) with "Page N of M" (footer)
    for number, page in enumerate(pages, 1):
        assert "Brightside Reputation Agency · Acme Plumbing & Heating · 3 Mar 2025 – 10 Mar 2025" in page
        assert f"Page {number} of {len(pages)}" in page
    # needs a reply now: the unanswered ones, newest first; the answered one is under "Answered this period"
    needs = text[text.index("Needs a reply now"): text.index("Summary")]
    assert needs.index("Dana Whitfield") < needs.index("Ștefan Țurcanu")
    assert "Jürgen Schäfer" not in needs
    assert "No reply yet, waiting 6 days (date approximate)" in needs
    assert "No reply yet, waiting 30 h" in needs
    assert "★☆☆☆☆ 1/5" in needs
    assert "Reply publicly on Google Maps, then take it offline" in needs
    answered = text[text.index("Answered this period"):]
    assert "Jürgen Schäfer" in answered and "Replied after 5 h" in answered
    assert squash(GERMAN_REPLY) in squash(answered)
    assert "Owner reply, 6 Mar 2025, 14:20" in answered
    assert "★★☆☆☆ 2/5" in answered
    # the long review is trimmed with a link to the rest; the positive ones are not listed as open
    assert squash("read the full review") in flat
    assert "FINAL-SENTENCE" not in text
    assert "Олена Коваленко" not in needs
    # unhealthy sources are named on page one, in plain words: what happened and what it means, never the raw error
    said = " ".join(needs.split())
    assert "4 sources could not be read" in needs
    assert "We could not read your Yelp page (Yelp asked for a captcha); we are working on it." in said
    assert "We could not read your Facebook page; we keep trying." in said
    assert "We could not read your Tripadvisor page; we are fixing it. Reviews there may be" in said
    assert "We have not read your BBB page yet: reviews there are not in this report." in said
    # sources: every status, in the same plain words; the crawl's error text is the operator's, not the client's
    sources = text[text.index("Sources"): text.index("Appendix")]
    for status in ("OK", "Blocked", "Error", "Broken", "Never crawled"):
        assert status in sources
    assert "We could not read your Yelp page (Yelp asked for a captcha)" in " ".join(sources.split())
    for raw in ("HTTP 503", "DataDome", "https://yelp.example/biz/acme "):
        assert raw not in text
    # appendix: every new review in every script
    appendix = flat[flat.index("Appendix"):]
    for snippet in (ROMANIAN, UKRAINIAN, JAPANESE, "佐藤花子", "丁寧な対応👍🎉", "8/10", "Ștefan"):
        assert squash(snippet) in appendix, snippet


def test_appendix_header_repeats_on_every_page(tmp_path):
    rows = [
        review(author=f"Person {i}", text=f"Review number {i}. " * 12, negative=i % 3 == 0, rating=4.0 if i % 3 else 1.0,
               url=f"https://maps.example/review/{i}", published_at=NOW - timedelta(hours=i))
        for i in range(40)
    ]
    data = sample_data(new_reviews=rows, negatives=[])
    pages = pdf_pages(render_pdf(data, tmp_path / "long.pdf"))
    start = next(i for i, page in enumerate(pages) if "Appendix: all new reviews" in page)
    appendix_pages = pages[start:]
    assert len(appendix_pages) >= 3
    for page in appendix_pages:
        assert "Date Source Rating Review Reply" in page
    assert "Person 39" in pages[-1] or "Person 39" in "".join(appendix_pages)
    # sample_data's four sources failed: nothing we could read waits, and the sentence says the rest was not read
    assert "Nothing we could read is waiting for an answer, but some pages could not be read (below)" in pages[0]


def test_quiet_report_says_all_quiet(tmp_path, quiet):
    fetcher = AssetFetcher()
    text = "\n".join(pdf_pages(render_pdf(quiet, tmp_path / "quiet.pdf", fetcher=fetcher)))
    assert "All quiet" in text
    assert "Nothing needs a reply" in text
    assert "Needs a reply now" not in text
    assert "Appendix" not in text
    assert "Sources" in text and "OK" in text
    # the check-mark image is one of our own assets and came through the fetcher
    assert [url for url in fetcher.served if url.endswith("/assets/quiet.svg")]
    assert fetcher.refused == []


def test_html_has_the_same_content_escaped(data, quiet):
    html = render_html(data)
    assert "Acme Plumbing &amp; Heating" in html
    assert "Acme Plumbing & Heating" not in html
    assert "No reply yet, waiting 6 days" in html
    assert "Replied after 5 h" in html
    for snippet in (ROMANIAN, UKRAINIAN, JAPANESE):
        assert snippet in html
    assert "Never crawled" in html
    assert "--primary: #1f3a5f" in html
    assert "up to 10 Mar 2025" in render_html(dataclasses.replace(data, period_start=None))
    quiet_html = render_html(quiet)
    assert "All quiet" in quiet_html
    assert "Needs a reply now" not in quiet_html


def test_letter_and_a4_page_sizes(tmp_path, quiet):
    a4 = pypdf.PdfReader(render_pdf(quiet, tmp_path / "a4.pdf")).pages[0].mediabox
    letter = pypdf.PdfReader(render_pdf(quiet, tmp_path / "letter.pdf", page_size="Letter")).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    with pytest.raises(ValueError, match="page size"):
        render_html(quiet, page_size="A3; } body { background: url(http://x/) }")


def test_branding_colours_and_logo(tmp_path, quiet):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (200, 30, 30)).save(logo)
    branded = dataclasses.replace(quiet, branding=Branding("Red Agency", logo_path=logo, primary_color="#aa0000"))
    fetcher = AssetFetcher(files=[logo])
    out = render_pdf(branded, tmp_path / "logo.pdf", fetcher=fetcher)
    assert logo.resolve().as_uri() in fetcher.served
    images = pypdf.PdfReader(out).pages[0].images
    assert [image.image.size for image in images] == [(120, 40)]
    assert "--primary: #aa0000" in render_html(branded)


HOSTILE = (
    '<img src="file://{canary}"> '
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css"> '
    "<style>@import url(http://127.0.0.1:{port}/x.css)</style> "
    '<p style="background: url(http://127.0.0.1:{port}/bg.png)">styled</p> '
    "url(http://127.0.0.1:{port}/bg.png)"
)


def test_hostile_review_text_stays_text(tmp_path, canary, http_server):
    port, hits = http_server
    hostile = HOSTILE.format(canary=canary, port=port)
    bad = review(
        title='<script>alert("t")</script>',
        author='<img src="http://127.0.0.1:%d/author.png">' % port,
        text=hostile,
        url="javascript:alert(1)",
        reply_text='<iframe src="file:///etc/passwd"></iframe>',
        reply_at=NOW,
    )
    data = sample_data(
        client_name='</title><link rel=stylesheet href="http://127.0.0.1:%d/client.css">' % port,
        negatives=[bad],
        new_reviews=[bad],
    )
    fetcher = AssetFetcher()
    out = render_pdf(data, tmp_path / "hostile.pdf", fetcher=fetcher)

    assert hits == []
    assert OPENED == []
    assert fetcher.refused == []
    assert fetcher.served == []
    text = "\n".join(pdf_pages(out))
    assert squash(hostile) in squash(text)
    assert squash('<script>alert("t")</script>') in squash(text)
    assert squash('<iframe src="file:///etc/passwd"></iframe>') in squash(text)

    html = render_html(data)
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<script" not in html
    assert "<style>@import" not in html
    assert 'href="javascript' not in html
    assert "&lt;img src=&#34;file://" in html
    assert html.count("<link") == 0


def test_fetcher_blocks_what_weasyprint_would_otherwise_read(tmp_path, canary, http_server):
    port, hits = http_server
    trusted = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">'
        f'<img src="{canary.as_uri()}"><p>hello</p>'
    )
    # control: WeasyPrint's own fetcher does read both, so the counters can see a leak
    weasyprint.HTML(string=trusted).write_pdf(tmp_path / "open.pdf")
    assert hits and OPENED
    hits.clear()
    OPENED.clear()

    fetcher = AssetFetcher()
    weasyprint.HTML(string=trusted, url_fetcher=fetcher).write_pdf(tmp_path / "guarded.pdf")
    assert hits == []
    assert OPENED == []
    assert f"http://127.0.0.1:{port}/evil.css" in fetcher.refused
    assert canary.as_uri() in fetcher.refused


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/logo.png",
        "data:text/css,body{color:red}",
        "ftp://example.com/x",
        "file://otherhost/etc/passwd",
        "TEMPLATES/../pyproject.toml",
        "TEMPLATES/assets/missing.svg",
        "TEMPLATES/assets",
        # paths of real template files behind another scheme or host
        "http://127.0.0.1:9PATH/report.css",
        "file://otherhostPATH/report.css",
    ],
)
def test_fetcher_refuses(url):
    url = url.replace("TEMPLATES", templates_dir().resolve().as_uri())
    url = url.replace("PATH", templates_dir().resolve().as_posix())
    fetcher = AssetFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_fetcher_serves_templates_and_the_logo_only(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG fake")
    (tmp_path / "other.png").write_bytes(b"other")
    fetcher = AssetFetcher(files=[logo])

    css = fetcher.fetch((templates_dir() / "report.css").as_uri())
    assert css.read() == (templates_dir() / "report.css").read_bytes()
    assert css.content_type == "text/css"
    svg = fetcher.fetch((templates_dir() / "assets" / "quiet.svg").as_uri() + "?v=1#x")
    assert svg.read().lstrip().startswith(b"<svg")
    assert svg.content_type == "image/svg+xml"
    assert fetcher.fetch(logo.as_uri()).read() == b"\x89PNG fake"
    with pytest.raises(RefusedURL):
        fetcher.fetch((tmp_path / "other.png").as_uri())
    assert len(fetcher.served) == 3
    assert fetcher.refused == [(tmp_path / "other.png").as_uri()]


def test_fetcher_does_not_follow_symlinks_out_of_its_root(tmp_path, canary):
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.css").write_text("p{}")
    (root / "link.css").symlink_to(canary)
    fetcher = AssetFetcher(roots=[root])
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p{}"
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "link.css").as_uri())
    assert OPENED == []


def _pdffonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) not installed")
def test_fonts_for_every_script_are_embedded(tmp_path, data, quiet):
    fonts = _pdffonts(render_pdf(data, tmp_path / "scripts.pdf"))
    assert "CJK" in fonts
    assert "Emoji" in fonts
    assert "Noto-Sans" in fonts
    # no CJK or emoji text, no such font; in particular digits must not come from the
    # emoji font (it happens when an emoji font is named in font-family)
    latin = sample_data(
        summary=Summary(2, 0, 4.0, 4.0, 0, 12),
        negatives=[],
        new_reviews=[review(text=f"Rechnung 1234567890 ș ț Ґ {i}", negative=False, rating=4.0) for i in range(2)],
    )
    plain = _pdffonts(render_pdf(latin, tmp_path / "latin.pdf"))
    assert "Emoji" not in plain
    assert "CJK" not in plain
    assert "Emoji" not in _pdffonts(render_pdf(quiet, tmp_path / "quiet.pdf"))


def test_every_figure_names_the_period_it_is_compared_with(tmp_path, data):
    previous = Summary(4, 1, 3.9, None, 2, 180, new_mentions=3, negative_mentions=1, negatives_replied=1)
    compared = dataclasses.replace(data, summary=dataclasses.replace(data.summary, previous=previous),
                                   compared_with="24 Feb 2025 – 3 Mar 2025")
    text = " ".join(" ".join(pdf_pages(render_pdf(compared, tmp_path / "vs.pdf"))).split())
    assert "compared with the previous period, 24 Feb 2025 – 3 Mar 2025" in text
    for label, now, before in [("New reviews", "5", "4"), ("Average rating", "3.6", "3.9"),
                               ("Negatives answered", "0 of 3 (0%)", "1 of 1 (100%)"), ("New mentions", "0", "3")]:
        assert re.search(rf"{label} {re.escape(now)} .*?vs 24 Feb 2025 – 3 Mar 2025: {re.escape(before)}", text), label
    assert "First report" not in text


@pytest.mark.parametrize("judges", ["model", "word lists", "model and word lists"])
def test_the_judge_line_is_the_same_sentence_in_the_report_and_the_plain_text_email(data, judges):
    judged = dataclasses.replace(data, text_judge=judges)
    line = judge_line(judges)
    assert line.startswith("Text without stars judged by: ") and line.count(".") == 1
    assert f'<p class="judge">{line}</p>' in render_html(judged)
    assert line in render_template("email.txt", judged).splitlines()
