"""The consultations' daily work in beat's schedule, at the time of the reminder sweep."""

from django.db import migrations

from core.schedule import daily_task_ensure

TASK_NAME = "Daily consultation sweep"


def create_schedule(apps, schema_editor):
    daily_task_ensure(
        apps,
        name=TASK_NAME,
        task="consultations.tasks.consultation_sweep",
        description="Close consultations past their deadline, remind the states yet to answer "
        "and send the notices owed.",
        same_time_as="Daily deadline reminders",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
