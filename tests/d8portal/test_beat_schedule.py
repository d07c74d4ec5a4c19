"""Each app's daily work is in django-celery-beat's schedule, where the Secretariat changes it."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from d8portal.celery import app

schedule_migration = importlib.import_module(
    "d8portal.migrations.0003_daily_reminder_sweep_schedule"
)
per_app_migration = importlib.import_module("d8portal.migrations.0008_daily_work_per_app")
consultation_migration = importlib.import_module(
    "consultations.migrations.0002_daily_sweep_schedule"
)


def ensure_schedules():
    # transaction=True tests elsewhere flush rows that data migrations created.
    schedule_migration.create_schedule(apps, None)
    per_app_migration.Migration.operations[0].code(apps, None)
    consultation_migration.create_schedule(apps, None)


@pytest.mark.django_db
def test_daily_reminder_sweep_runs_at_seven_in_the_secretariats_time_zone():
    ensure_schedules()
    task = PeriodicTask.objects.get(name="Daily deadline reminders")
    assert task.task == "actionplans.tasks.deadline_reminder_sweep"
    assert task.task in app.tasks
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "7", "*")
    assert str(crontab.timezone) == "Europe/Istanbul"


@pytest.mark.django_db
def test_consultation_sweep_is_its_own_task_at_the_same_time():
    ensure_schedules()
    task = PeriodicTask.objects.get(name="Daily consultation sweep")
    assert task.task == "consultations.tasks.consultation_sweep"
    assert task.task in app.tasks
    reminders = PeriodicTask.objects.get(name="Daily deadline reminders")
    assert task.crontab_id == reminders.crontab_id
    assert "close consultations" not in reminders.description.lower()


@pytest.mark.django_db
def test_creating_the_schedule_again_keeps_the_secretariats_changes():
    ensure_schedules()
    task = PeriodicTask.objects.get(name="Daily deadline reminders")
    task.crontab.hour = "6"
    task.crontab.save()
    ensure_schedules()
    assert PeriodicTask.objects.filter(name="Daily deadline reminders").count() == 1
    assert PeriodicTask.objects.filter(name="Daily consultation sweep").count() == 1
    assert PeriodicTask.objects.get(name="Daily deadline reminders").crontab.hour == "6"


@pytest.mark.django_db
def test_a_new_consultation_sweep_follows_the_edited_reminder_time():
    ensure_schedules()
    PeriodicTask.objects.filter(name="Daily consultation sweep").delete()
    reminders = PeriodicTask.objects.get(name="Daily deadline reminders")
    reminders.crontab.hour = "5"
    reminders.crontab.save()
    consultation_migration.create_schedule(apps, None)
    assert PeriodicTask.objects.get(name="Daily consultation sweep").crontab.hour == "5"


@pytest.mark.django_db
def test_secretariat_group_may_change_the_schedule():
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="Secretariat")
    schedule_migration.create_schedule(apps, None)
    codenames = set(
        Group.objects.get(name="Secretariat").permissions.values_list("codename", flat=True)
    )
    assert {"view_periodictask", "change_periodictask", "change_crontabschedule"} <= codenames
