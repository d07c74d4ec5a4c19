import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import DataCallSubmission, IndicatorValue
from indicators.services import (
    CellInput,
    data_call_submit,
    value_publish,
    value_return,
    value_validate,
    values_save,
)

from ..factories import IndicatorFactory, IndicatorValueFactory


def cell(indicator, value, **kwargs):
    return CellInput(key=indicator.code, indicator=indicator.code, value=value, **kwargs)


def test_focal_point_saves_drafts_of_their_state(data_call, share, count, nigeria, nigeria_focal):
    values_save(
        data_call=data_call,
        state=nigeria,
        user=nigeria_focal,
        cells=[cell(share, "41.5"), cell(count, "3,651,000")],
    )
    stored = {v.indicator.code: v for v in IndicatorValue.objects.filter(state=nigeria)}
    assert stored["sme-employment-share"].value == 41.5
    assert stored["sme-count"].value == 3651000
    assert {v.status for v in stored.values()} == {IndicatorValue.Status.DRAFT}
    assert {v.year for v in stored.values()} == {2025}


def test_one_bad_cell_saves_nothing_and_names_every_bad_cell(
    data_call, share, count, nigeria, nigeria_focal
):
    with pytest.raises(ValidationError) as raised:
        values_save(
            data_call=data_call,
            state=nigeria,
            user=nigeria_focal,
            cells=[cell(share, "140"), cell(count, "-3")],
        )
    assert raised.value.message_dict == {
        "sme-employment-share": ["A share must be between 0 and 100 %."],
        "sme-count": ["A count cannot be negative."],
    }
    assert not IndicatorValue.objects.exists()


def test_a_duplicate_row_is_refused(data_call, share, nigeria, nigeria_focal):
    with pytest.raises(ValidationError) as raised:
        values_save(
            data_call=data_call,
            state=nigeria,
            user=nigeria_focal,
            cells=[cell(share, "40"), CellInput(key="Row 3", indicator=share.code, value="41")],
        )
    assert "Row 3" in raised.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_an_indicator_outside_the_call_is_refused(data_call, nigeria, nigeria_focal):
    other = IndicatorFactory(code="online-sales")
    with pytest.raises(ValidationError):
        values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(other, 5)])
    assert not IndicatorValue.objects.exists()


def test_focal_point_cannot_save_figures_of_another_state(data_call, share, turkiye, nigeria_focal):
    with pytest.raises(PermissionDenied):
        values_save(data_call=data_call, state=turkiye, user=nigeria_focal, cells=[cell(share, 5)])
    assert not IndicatorValue.objects.exists()


def test_a_large_change_from_last_year_needs_a_note(data_call, count, nigeria, nigeria_focal):
    IndicatorValueFactory(indicator=count, state=nigeria, year=2024, value=100)
    with pytest.raises(ValidationError):
        values_save(
            data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(count, 200)]
        )
    values_save(
        data_call=data_call,
        state=nigeria,
        user=nigeria_focal,
        cells=[cell(count, 200, note="New business register")],
    )
    assert IndicatorValue.objects.get(year=2025).value == 200


def test_after_the_deadline_a_state_cannot_change_its_figures(
    data_call, share, nigeria, nigeria_focal, secretariat_clock
):
    secretariat_clock.set(data_call.deadline + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as raised:
        values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    assert "deadline" in raised.value.messages[0]
    assert not IndicatorValue.objects.exists()


def test_on_the_deadline_day_a_state_still_enters_figures(
    data_call, share, nigeria, nigeria_focal, secretariat_clock
):
    secretariat_clock.set(data_call.deadline)
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    assert IndicatorValue.objects.count() == 1


def test_after_the_deadline_a_state_cannot_submit(
    data_call, share, nigeria, nigeria_focal, secretariat_clock
):
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    secretariat_clock.set(data_call.deadline + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        data_call_submit(data_call=data_call, state=nigeria, user=nigeria_focal)
    assert IndicatorValue.objects.get().status == IndicatorValue.Status.DRAFT


def test_submitting_hands_the_drafts_to_the_secretariat(data_call, share, nigeria, nigeria_focal):
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    assert data_call_submit(data_call=data_call, state=nigeria, user=nigeria_focal) == 1
    value = IndicatorValue.objects.get()
    assert value.status == IndicatorValue.Status.SUBMITTED
    assert value.submitted_by == nigeria_focal
    assert DataCallSubmission.objects.filter(data_call=data_call, state=nigeria).exists()


def test_a_submitted_figure_cannot_be_changed_by_the_state(
    data_call, share, nigeria, nigeria_focal
):
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    data_call_submit(data_call=data_call, state=nigeria, user=nigeria_focal)
    with pytest.raises(ValidationError):
        values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 41)])
    assert IndicatorValue.objects.get().value == 40


def test_a_returned_figure_reopens_even_after_the_deadline(
    data_call, share, nigeria, nigeria_focal, secretariat, secretariat_clock
):
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 40)])
    data_call_submit(data_call=data_call, state=nigeria, user=nigeria_focal)
    secretariat_clock.set(data_call.deadline + datetime.timedelta(days=3))
    value_return(value=IndicatorValue.objects.get(), user=secretariat, comment="Check the base")
    values_save(data_call=data_call, state=nigeria, user=nigeria_focal, cells=[cell(share, 38)])
    assert data_call_submit(data_call=data_call, state=nigeria, user=nigeria_focal) == 1
    value = IndicatorValue.objects.get()
    assert (value.value, value.status) == (38, IndicatorValue.Status.SUBMITTED)


def test_a_return_needs_a_comment(data_call, share, nigeria, secretariat):
    value = IndicatorValueFactory(
        indicator=share, state=nigeria, year=2025, status=IndicatorValue.Status.SUBMITTED
    )
    with pytest.raises(ValidationError):
        value_return(value=value, user=secretariat, comment=" ")
    value.refresh_from_db()
    assert value.status == IndicatorValue.Status.SUBMITTED


def test_the_secretariat_validates_then_publishes(data_call, share, nigeria, secretariat):
    value = IndicatorValueFactory(
        indicator=share, state=nigeria, year=2025, status=IndicatorValue.Status.SUBMITTED
    )
    value_validate(value=value, user=secretariat)
    value_publish(value=value, user=secretariat)
    value.refresh_from_db()
    assert value.status == IndicatorValue.Status.PUBLISHED
    assert value.validated_by == secretariat


def test_a_draft_cannot_be_published(data_call, share, nigeria, secretariat):
    value = IndicatorValueFactory(
        indicator=share, state=nigeria, year=2025, status=IndicatorValue.Status.DRAFT
    )
    with pytest.raises(ValidationError):
        value_publish(value=value, user=secretariat)


def test_a_focal_point_cannot_validate(data_call, share, nigeria, nigeria_focal):
    value = IndicatorValueFactory(
        indicator=share, state=nigeria, year=2025, status=IndicatorValue.Status.SUBMITTED
    )
    with pytest.raises(PermissionDenied):
        value_validate(value=value, user=nigeria_focal)
