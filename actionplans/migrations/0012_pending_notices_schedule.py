"""The notices no worker sent after their commit, sent by beat every few minutes."""

from django.conf import settings
from django.db import migrations

from core.schedule import interval_task_ensure

TASK_NAME = "Pending progress notices"


def create_schedule(apps, schema_editor):
    interval_task_ensure(
        apps,
        name=TASK_NAME,
        task="actionplans.tasks.send_pending_notices",
        description="Send the e-mails about progress posted that no worker sent after their commit (the broker was down).",
        minutes=settings.PENDING_NOTICES_EVERY_MINUTES,
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0011_progress_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
