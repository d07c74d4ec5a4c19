import datetime
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from actionplans.models import ActionItem, ProgressNotice
from meetings.models import Meeting, Outcome
from memberstates.models import MemberState, MoU

ROOT = Path(__file__).resolve().parents[2]
ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")


def record_counts():
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {"auth", "memberstates", "taskforces", "meetings", "actionplans", "knowledge"}
    ]
    return {m._meta.label: m.objects.count() for m in models}


@pytest.fixture
def debug(settings):
    # pytest-django runs tests with DEBUG off; the demo accounts need it on.
    settings.DEBUG = True


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_counts(debug, capsys):
    call_command("load_demo")
    first = record_counts()
    call_command("load_demo")
    assert record_counts() == first
    assert "nothing changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_demo_loads_the_record_of_the_seeds(debug):
    call_command("load_demo")
    assert MemberState.objects.count() == 9
    assert MemberState.objects.get(iso_code="AZ").joined_on.year == 2024
    ninth = Meeting.objects.get(kind=Meeting.Kind.SME_BODIES, number=9)
    assert ninth.format == Meeting.Format.VIRTUAL
    assert ninth.host_body.acronym == "SMEDAN"
    assert ninth.full_title == "9th Meeting of the D-8 SME Governmental Bodies"
    assert MoU.objects.get().adherence() == (6, 9)
    assert ActionItem.objects.filter(plan__proposed_by__iso_code="AZ").exists()
    assert ActionItem.objects.filter(plan__proposed_by__iso_code="NG").exists()
    assert not Outcome.objects.filter(meeting=ninth, status=Outcome.Status.DRAFT).exists()


def _reported(items):
    """Items whose status or percent says something happened."""
    return items.exclude(status=ActionItem.Status.NOT_STARTED, percent_complete=0)


@pytest.mark.django_db
def test_every_demo_items_status_and_percent_are_its_latest_progress_update(debug):
    call_command("load_demo")
    reported = _reported(ActionItem.objects.all())
    assert reported.count() >= 10
    for item in reported:
        latest = item.progress_updates.first()  # newest first
        assert latest is not None, f"{item.reference} has no history"
        assert (latest.status, latest.percent_complete) == (item.status, item.percent_complete)
    partner_activity = ActionItem.objects.get(title="Expert exchange on SME support programmes")
    assert partner_activity.status == ActionItem.Status.COMPLETED


@pytest.mark.django_db
def test_demo_progress_is_dated_in_the_past_and_told_nobody(debug, mailoutbox):
    from django.utils import timezone

    call_command("load_demo")
    item = ActionItem.objects.get(reference="TF-SME-2015/2")
    history = list(item.progress_updates.order_by("created_at"))
    assert [(u.created_at.year, u.percent_complete) for u in history] == [(2015, 15), (2015, 40)]
    assert all(u.narrative and u.created_at <= timezone.now() for u in history)
    at_the_secretariat = [u.created_at.astimezone(ISTANBUL).time() for u in history]
    assert at_the_secretariat == [datetime.time(11), datetime.time(11)]  # office hours
    assert not ProgressNotice.objects.filter(sent_at__isnull=True).exists()
    assert not [m for m in mailoutbox if m.subject.startswith("Progress on")]


@pytest.mark.django_db
def test_the_demo_items_page_shows_the_history_that_brought_it_to_its_percent(
    debug, client, django_user_model
):
    call_command("load_demo")
    item = ActionItem.objects.get(reference="TF-SME-2015/2")
    client.force_login(django_user_model.objects.get(username="focal.nigeria"))
    page = client.get(item.get_absolute_url()).content.decode()
    assert "No progress has been posted yet" not in page
    assert "A venue in Abuja is reserved" in page
    assert item.percent_complete == 40


@pytest.mark.django_db
def test_demo_items_loaded_without_accounts_are_not_started_until_loaded_with_them(settings):
    settings.DEBUG = False
    call_command("load_demo", no_accounts=True)
    assert not _reported(ActionItem.objects.all()).exists()
    settings.DEBUG = True
    call_command("load_demo")
    assert _reported(ActionItem.objects.all()).count() >= 10
    for item in _reported(ActionItem.objects.all()):
        assert item.progress_updates.first().percent_complete == item.percent_complete


@pytest.mark.django_db
def test_load_demo_loads_the_consultations_of_2015_and_2026(debug):
    from consultations.models import Consultation

    call_command("load_demo")
    network = Consultation.objects.get(document__title="Communication network draft")
    assert (network.circulated_on, network.deadline) == (
        datetime.date(2015, 1, 28),
        datetime.date(2015, 2, 28),
    )
    assert (network.procedure, network.status, network.result) == ("silence", "closed", "adopted")
    assert network.answers.filter(position="silence").count() == 8
    assert not network.states.filter(iso_code="AZ").exists()  # Azerbaijan joined in 2024

    ninth = Meeting.objects.get(kind=Meeting.Kind.SME_BODIES, number=9)
    drafts = Consultation.objects.filter(plan__tabled_at=ninth).order_by("plan__proposed_by__name")
    assert [c.plan.proposed_by.name for c in drafts] == ["Azerbaijan", "Nigeria"]
    for draft in drafts:
        assert draft.status == "open"
        assert draft.states.count() == 9
        extension = draft.extensions.get()
        # One month after the 9th meeting, extended (illustratively) to the plan's own date.
        assert extension.previous_deadline == datetime.date(2026, 5, 29)
        assert draft.deadline == extension.new_deadline == datetime.date(2026, 12, 18)
        assert draft.answers.get().comments.exists()


@pytest.mark.django_db
def test_load_demo_prints_the_demo_logins(debug, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "focal.nigeria" in out and "password" in out


@pytest.mark.django_db
def test_load_demo_refuses_accounts_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing to create demo accounts"):
        call_command("load_demo")
    assert MemberState.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_without_accounts_works_with_debug_off(settings, django_user_model):
    settings.DEBUG = False
    call_command("load_demo", no_accounts=True)
    assert MemberState.objects.count() == 9
    assert django_user_model.objects.count() == 0


def test_embedded_sqlite_default_migrates_and_loads_the_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["VAR_DIR"] = str(tmp_path)
    for command in (["migrate", "--noinput"], ["load_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "db.sqlite3").exists()
    assert "Demo logins" in result.stdout
