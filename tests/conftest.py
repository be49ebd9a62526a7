"""Fixtures shared by every test folder (helpers live in helpers.py)."""

import os

import pytest

from helpers import Site

# The suite judges unrated text by the word lists (fast, and the figures other tests expect); the model's own
# tests (tests/core/test_text_model.py) and its report scenario switch it on.
os.environ["REPSCAN_TEXT_MODEL"] = "off"


@pytest.fixture
def site():
    s = Site()
    with s.server:
        yield s


def pytest_report_header(config):
    from helpers import REAL, REAL_MISSING

    return f"real pages: {REAL}" if REAL else f"{REAL_MISSING} (tests that read them are skipped)"
