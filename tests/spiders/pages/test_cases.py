"""Every extraction case in tests/cases/<site>/<name>/: the items, field by field, and the next page.

A case is a saved response with meta.json (url, status, headers, now, context) and either
expected.jsonl (every item, every field) or expected-error.json (a LayoutError, a block), or both for a page
read in part (NotReadable with the items it gave).
`repscan extract SITE FILE --save-case DIR` writes a new one from what the extractor gives today.
"""

from __future__ import annotations

import re

import pytest

from helpers import CASES
from repscan.app.cases import find_cases
from repscan.spiders.pages import SITES, LayoutChanged, LayoutError, NotAReviewPage, NotReadable, blocked, get

ALL = find_cases(CASES)
ERRORS = {cls.__name__: cls for cls in (LayoutError, LayoutChanged, NotAReviewPage, NotReadable)}


def differences(name: str, items: list[dict], expected: list[dict]) -> list[str]:
    """One line per differing field, naming the case, the item's index and the field."""
    found = []
    if len(items) != len(expected):
        found.append(f"{name}: {len(items)} items, expected {len(expected)}")
    for index, (item, wanted) in enumerate(zip(items, expected)):
        for field in dict.fromkeys([*wanted, *item]):
            got, want = item.get(field, "<missing>"), wanted.get(field, "<missing>")
            if got != want or isinstance(got, bool) != isinstance(want, bool):
                found.append(f"{name}: item {index} ({item.get('kind')} {item.get('source_id', '')}) "
                             f"field {field!r}: got {got!r}, expected {want!r}")
    return found


def test_there_are_cases_for_every_source_with_saved_pages():
    assert len(ALL) >= 100
    assert {c.folder.parent.name for c in ALL} <= set(SITES)


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_case(case):
    meta, error = case.meta, case.error or {}
    assert meta["site"] == case.folder.parent.name, "a case lives in the folder of its site key"
    partly = error.get("error") == "NotReadable" and case.expected is not None  # read in part: items and a note
    assert partly or (case.expected is None) != (case.error is None), "expected.jsonl or expected-error.json, not both"
    response = case.response()
    assert blocked.detect(response) == error.get("blocked")
    if "error" in error:
        with pytest.raises(ERRORS[error["error"]], match=re.escape(error["match"])) as raised:
            case.extract(response)
        if partly:
            problems = differences(case.name, raised.value.items, case.expected)
            assert not problems, "\n".join(problems)
    elif not error:
        problems = differences(case.name, case.extract(response), case.expected)
        assert not problems, "\n".join(problems)
    if "next_page" in meta:
        assert get(case.site).next_page(response) == meta["next_page"], f"{case.name}: next_page"
