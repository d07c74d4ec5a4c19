import datetime

from indicators.models import DataCallNotice
from indicators.services import (
    CellInput,
    daily_data_calls_plan,
    data_call_deadlines,
    data_call_submit,
    data_call_sweep,
    values_save,
)

from ..factories import FocalPointFactory


def _submit(data_call, state, user):
    cell = CellInput(key="x", indicator="sme-count", value="10")
    values_save(data_call=data_call, state=state, user=user, cells=[cell])
    data_call_submit(data_call=data_call, state=state, user=user)


def test_reminders_go_7_days_before_to_states_that_have_not_submitted(
    data_call, nigeria, nigeria_focal, turkiye_focal, mailoutbox, secretariat_clock
):
    _submit(data_call, nigeria, nigeria_focal)
    data_call_sweep(today=data_call.deadline - datetime.timedelta(days=7))
    assert [m.to for m in mailoutbox] == [[turkiye_focal.focal_point.email]]
    assert "SME figures due" in mailoutbox[0].subject


def test_no_reminder_on_other_days(data_call, turkiye_focal, mailoutbox):
    data_call_sweep(today=data_call.deadline - datetime.timedelta(days=5))
    assert mailoutbox == []


def test_a_reminder_goes_once_even_if_the_sweep_runs_twice(data_call, turkiye_focal, mailoutbox):
    day = data_call.deadline - datetime.timedelta(days=1)
    data_call_sweep(today=day)
    data_call_sweep(today=day)
    assert len(mailoutbox) == 1
    assert DataCallNotice.objects.get().sent_at is not None


def test_a_recorded_reminder_is_not_sent_once_the_state_has_submitted(
    data_call, turkiye, turkiye_focal, mailoutbox
):
    day = data_call.deadline - datetime.timedelta(days=1)
    from core import outbox
    from indicators.services import data_call_reminders_owed

    outbox.record(DataCallNotice, data_call_reminders_owed(today=day))
    _submit(data_call, turkiye, turkiye_focal)
    data_call_sweep(today=day)
    assert mailoutbox == []


def test_every_active_focal_point_of_a_silent_state_is_reminded(
    data_call, smedan, nigeria_focal, mailoutbox
):
    FocalPointFactory(body=smedan, email="alt.nigeria@example.org", role="alternate")
    data_call_sweep(today=data_call.deadline - datetime.timedelta(days=7))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["alt.nigeria@example.org", nigeria_focal.focal_point.email]
    )


def test_dry_run_lists_the_reminders_without_sending(data_call, turkiye_focal, mailoutbox):
    lines = daily_data_calls_plan(data_call.deadline - datetime.timedelta(days=7))
    email = turkiye_focal.focal_point.email
    assert lines == [f"would send data-call-reminder to {email}: Data call 2025"]
    assert mailoutbox == []
    assert not DataCallNotice.objects.exists()


def test_the_deadline_is_in_the_calendar_of_a_state_yet_to_submit(
    data_call, nigeria, nigeria_focal, turkiye_focal
):
    assert [d.date for d in data_call_deadlines(turkiye_focal)] == [data_call.deadline]
    _submit(data_call, nigeria, nigeria_focal)
    assert data_call_deadlines(nigeria_focal) == []


def test_the_deadline_is_not_in_a_delegates_calendar(data_call, delegate):
    assert data_call_deadlines(delegate) == []
