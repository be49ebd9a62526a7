"""Fixtures for the report tests (the data itself lives in report_samples.py)."""

import pytest
from report_samples import quiet_data, sample_data

from repscan.reports.model import ReportData


@pytest.fixture
def data() -> ReportData:
    return sample_data()


@pytest.fixture
def quiet() -> ReportData:
    return quiet_data()
