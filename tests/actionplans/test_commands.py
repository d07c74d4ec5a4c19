import datetime

import pytest
from django.core.management import CommandError, call_command

from actionplans.models import Reminder
from tests.factories import ActionItemFactory


@pytest.fixture
def item(nigeria, nigeria_focal):
    return ActionItemFactory(
        reference="NG-CTR-2", lead_state=nigeria, due_date=datetime.date(2026, 12, 31)
    )


def test_send_reminders_sweeps_as_on_the_given_date(item, nigeria_focal, mailoutbox, capsys):
    call_command("send_reminders", "--date", "2026-12-24")
    address = nigeria_focal.focal_point.email
    assert capsys.readouterr().out == f"sent reminder-digest to {address}: NG-CTR-2\n"
    assert [m.to for m in mailoutbox] == [[address]]


def test_send_reminders_again_says_nothing_is_left(item, mailoutbox, capsys):
    call_command("send_reminders", "--date", "2026-12-24")
    call_command("send_reminders", "--date", "2026-12-24")
    assert capsys.readouterr().out.splitlines()[-1] == "Nothing to send on 2026-12-24."
    assert len(mailoutbox) == 1


def test_send_reminders_dry_run_prints_and_changes_nothing(item, nigeria_focal, mailoutbox, capsys):
    call_command("send_reminders", "--date", "2026-12-24", "--dry-run")
    address = nigeria_focal.focal_point.email
    assert capsys.readouterr().out == f"would send reminder-digest to {address}: NG-CTR-2\n"
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_send_reminders_refuses_a_bad_date(item, mailoutbox):
    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD"):
        call_command("send_reminders", "--date", "24/12/2026")
    assert mailoutbox == []
    assert not Reminder.objects.exists()
