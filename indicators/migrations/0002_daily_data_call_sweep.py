"""The data calls' daily work in beat's schedule, at the time of the reminder sweep."""

from django.db import migrations

from core.schedule import daily_task_ensure

TASK_NAME = "Daily data-call reminders"


def create_schedule(apps, schema_editor):
    daily_task_ensure(
        apps,
        name=TASK_NAME,
        task="indicators.tasks.data_call_sweep",
        description="Remind the states that have not submitted their SME figures 7 and 1 days "
        "before a data call's deadline.",
        same_time_as="Daily deadline reminders",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
