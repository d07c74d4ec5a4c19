"""The daily reminder sweep in django-celery-beat's schedule, which the Secretariat may change.

Idempotent: it creates the schedule only when no task of that name exists, so a schedule the
Secretariat has edited is never reset.
"""

from django.conf import settings
from django.db import migrations

from d8portal.permissions import ensure_secretariat_group

TASK_NAME = "Daily deadline reminders"
TASK = "actionplans.tasks.send_reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=TASK_NAME).exists():
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=str(settings.REMINDER_SWEEP_HOUR),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.CELERY_TIMEZONE,
        )
        PeriodicTask.objects.create(
            name=TASK_NAME,
            task=TASK,
            crontab=schedule,
            description="E-mail focal points about due and overdue action items; "
            "escalate overdue items to the Secretariat.",
        )
    ensure_secretariat_group(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0002_secretariat_group_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
