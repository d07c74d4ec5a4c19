from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator

from ..factories import IndicatorFactory, TargetFactory


def test_required_rate_to_reach_500_bn_from_157_bn_is_about_21_percent_a_year(db):
    target = TargetFactory()
    assert round(target.required_rate(), 3) == 0.213


def test_required_path_starts_at_the_baseline_and_ends_at_the_target(db):
    path = TargetFactory().path()
    assert path[0] == (2024, 157.0)
    assert path[-1][0] == 2030
    assert path[-1][1] == pytest.approx(500.0)


def test_a_figure_on_or_above_the_path_is_on_track(db):
    target = TargetFactory()
    assert target.is_on_track(2026, 157 * 1.214**2)
    assert not target.is_on_track(2026, 180)


def test_a_figure_below_the_path_is_on_track_when_lower_is_better(db):
    target = TargetFactory(
        indicator=IndicatorFactory(direction=Indicator.Direction.LOWER),
        baseline_value=10,
        target_value=5,
        target_year=2029,
    )
    assert target.is_on_track(2025, 8)
    assert not target.is_on_track(2025, 9.9)


def test_a_share_over_100_is_refused(db):
    share = IndicatorFactory(unit=Indicator.Unit.PERCENT)
    assert share.check_value(Decimal(140)) == ["A share must be between 0 and 100 %."]


def test_a_negative_count_is_refused(db):
    count = IndicatorFactory(unit=Indicator.Unit.COUNT)
    assert count.check_value(Decimal(-1)) == ["A count cannot be negative."]


def test_a_change_of_more_than_half_from_last_year_asks_for_a_note(db):
    count = IndicatorFactory(unit=Indicator.Unit.COUNT)
    assert count.check_value(Decimal(160), previous=Decimal(100))
    assert count.check_value(Decimal(160), previous=Decimal(100), note="New census") == []
    assert count.check_value(Decimal(140), previous=Decimal(100)) == []


def test_text_is_not_a_number(db):
    with pytest.raises(ValidationError):
        IndicatorFactory().parse("twelve")


def test_thousands_separators_are_read(db):
    assert IndicatorFactory().parse("3,651,000") == Decimal("3651000")


def test_one_d8_figure_per_indicator_and_year(db):
    from django.db import IntegrityError, transaction

    from ..factories import IndicatorValueFactory

    trade = IndicatorFactory(level=Indicator.Level.D8, unit=Indicator.Unit.USD_BILLION)
    IndicatorValueFactory(indicator=trade, state=None, year=2024, value=157)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(indicator=trade, state=None, year=2024, value=160)


def test_a_d8_indicator_takes_no_state(db, nigeria):
    from indicators.models import IndicatorValue

    trade = IndicatorFactory(level=Indicator.Level.D8, unit=Indicator.Unit.USD_BILLION)
    with pytest.raises(ValidationError):
        IndicatorValue(indicator=trade, state=nigeria, year=2024, value=1).full_clean()
