"""The meeting reports' daily work in beat's schedule, at the time of the reminder sweep."""

from django.db import migrations

from core.schedule import daily_task_ensure

TASK_NAME = "Daily meeting report refresh"


def create_schedule(apps, schema_editor):
    daily_task_ensure(
        apps,
        name=TASK_NAME,
        task="meetings.tasks.refresh_meeting_reports",
        description="Render again the outcome reports that an action item falling overdue has "
        "made stale, so that readers are served a stored report.",
        same_time_as="Daily deadline reminders",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_report_fingerprint_and_audience"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
