"""A broken source in the report a client gets (the real pipeline, the PDF's text and the email): named with its
reason in the sources table and on page one, apart from blocked and error, and never "All quiet"."""

from __future__ import annotations

from scenario_site import ClientWeb, crawl_and_send, review
from repscan.core.items import utcnow


def test_a_broken_source_is_shown_with_its_reason_and_the_report_is_not_all_quiet(tmp_path):
    with ClientWeb([review("fine", 5, 30 * 24, utcnow())], mentions=False, search=False) as web:
        quiet = crawl_and_send(tmp_path, web)
        web.broken = True
        broken = crawl_and_send(tmp_path, web)
    assert "All quiet" in quiet.pages[0]
    assert "All quiet" not in broken.all and "All quiet" not in broken.text
    reason = f"layout changed: expected a review count of 128, found none at {web.url}{web.HOTEL}"
    flat = broken.all.replace(" ", "")
    assert "1 source could not be read" in broken.pages[0] and "Tripadvisor: broken since" in broken.pages[0]
    sources = broken.all[broken.all.rindex("Sources"):]
    assert "Tripadvisor" in sources and "Broken" in sources and "Blocked" not in sources and "Error" not in sources
    assert reason.replace(" ", "") in flat[flat.rindex("Sources"):]
    assert "Tripadvisor: broken since" in broken.text and reason in broken.text
