"""Fixtures shared by every test folder (helpers live in helpers.py)."""

import pytest

from helpers import Site


@pytest.fixture
def site():
    s = Site()
    with s.server:
        yield s
