"""A broken source in the report a client gets (the real pipeline, the PDF's text and the email): a plain sentence
in the sources table and on page one (the crawl's raw error is the operator's), apart from blocked and error, and
never "All quiet"."""

from __future__ import annotations

from scenario_site import ClientWeb, crawl_and_send, review
from repscan.core.items import utcnow


def test_a_broken_source_is_shown_in_plain_words_and_the_report_is_not_all_quiet(tmp_path):
    with ClientWeb([review("fine", 5, 30 * 24, utcnow())], mentions=False, search=False) as web:
        quiet = crawl_and_send(tmp_path, web)
        web.broken = True
        broken = crawl_and_send(tmp_path, web)
    assert "All quiet" in quiet.pages[0]
    assert "All quiet" not in broken.all and "All quiet" not in broken.text
    reason = f"layout changed: expected a review count of 128, found none at {web.url}{web.HOTEL}"
    flat, said = broken.all.replace(" ", ""), "We could not read your Tripadvisor page since"
    assert "1 source could not be read" in broken.pages[0] and said in " ".join(broken.pages[0].split())
    sources = broken.all[broken.all.rindex("Sources"):]
    assert "Tripadvisor" in sources and "Broken" in sources and "Blocked" not in sources and "Error" not in sources
    assert "we are fixing it. Reviews there may be missing from this report." in " ".join(sources.split())
    assert "layout" not in broken.all and "expected" not in broken.all and "layout" not in broken.text
    assert reason.replace(" ", "") not in flat and reason not in broken.text
    assert said in broken.text
