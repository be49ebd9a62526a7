"""Fixtures shared by every test folder (helpers live in helpers.py)."""

import pytest

from helpers import Site


@pytest.fixture
def site():
    s = Site()
    with s.server:
        yield s


def pytest_report_header(config):
    from helpers import REAL, REAL_MISSING

    return f"real pages: {REAL}" if REAL else f"{REAL_MISSING} (tests that read them are skipped)"
