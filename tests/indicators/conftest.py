import datetime

import pytest

from indicators.models import Indicator

from ..factories import DataCallFactory, IndicatorFactory

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def share(db):
    return IndicatorFactory(
        code="sme-employment-share",
        name="SME share of employment",
        unit=Indicator.Unit.PERCENT,
        position=1,
    )


@pytest.fixture
def count(db):
    return IndicatorFactory(
        code="sme-count", name="Number of SMEs", unit=Indicator.Unit.COUNT, decimals=0, position=2
    )


@pytest.fixture
def data_call(share, count, secretariat_clock):
    secretariat_clock.set(TODAY)
    return DataCallFactory(
        reference_year=2025, deadline=TODAY + datetime.timedelta(days=30), indicators=[share, count]
    )
