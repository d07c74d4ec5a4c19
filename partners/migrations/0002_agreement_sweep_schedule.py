"""The agreements' daily work in beat's schedule, at the time of the reminder sweep."""

from django.db import migrations

from core.schedule import daily_task_ensure

TASK_NAME = "Daily agreement expiry reminders"


def create_schedule(apps, schema_editor):
    daily_task_ensure(
        apps,
        name=TASK_NAME,
        task="partners.tasks.agreement_sweep",
        description="Remind the focal points and the Secretariat of agreements ending in 90 "
        "and 30 days.",
        same_time_as="Daily deadline reminders",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
