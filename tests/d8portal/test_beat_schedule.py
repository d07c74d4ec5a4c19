"""The daily sweep is in django-celery-beat's schedule, where the Secretariat can change it."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from d8portal.celery import app

schedule_migration = importlib.import_module(
    "d8portal.migrations.0003_daily_reminder_sweep_schedule"
)


@pytest.mark.django_db
def test_daily_sweep_runs_at_seven_in_the_secretariats_time_zone():
    if not PeriodicTask.objects.filter(name=schedule_migration.TASK_NAME).exists():
        # transaction=True tests elsewhere flush rows that data migrations created.
        schedule_migration.create_schedule(apps, None)
    task = PeriodicTask.objects.get(name="Daily deadline reminders")
    assert task.task == "actionplans.tasks.send_reminders"
    assert task.task in app.tasks
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "7", "*")
    assert str(crontab.timezone) == "Europe/Istanbul"


@pytest.mark.django_db
def test_creating_the_schedule_again_keeps_the_secretariats_changes():
    schedule_migration.create_schedule(apps, None)
    task = PeriodicTask.objects.get(name="Daily deadline reminders")
    task.crontab.hour = "6"
    task.crontab.save()
    schedule_migration.create_schedule(apps, None)
    assert PeriodicTask.objects.filter(name="Daily deadline reminders").count() == 1
    assert PeriodicTask.objects.get(name="Daily deadline reminders").crontab.hour == "6"


@pytest.mark.django_db
def test_secretariat_group_may_change_the_schedule():
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="Secretariat")
    schedule_migration.create_schedule(apps, None)
    codenames = set(
        Group.objects.get(name="Secretariat").permissions.values_list("codename", flat=True)
    )
    assert {"view_periodictask", "change_periodictask", "change_crontabschedule"} <= codenames


consultation_migration = importlib.import_module(
    "d8portal.migrations.0004_secretariat_consultation_permissions"
)


@pytest.mark.django_db
def test_the_one_daily_sweep_says_it_also_closes_consultations_unless_edited():
    PeriodicTask.objects.filter(name=schedule_migration.TASK_NAME).delete()
    schedule_migration.create_schedule(apps, None)
    consultation_migration.grant_and_describe(apps, None)
    task = PeriodicTask.objects.get(name="Daily deadline reminders")
    assert "close consultations past their deadline" in task.description
    assert PeriodicTask.objects.filter(task="actionplans.tasks.send_reminders").count() == 1

    task.description = "Our own words."
    task.save()
    consultation_migration.grant_and_describe(apps, None)
    task.refresh_from_db()
    assert task.description == "Our own words."
