"""Consultations: the Secretariat circulates, extends and closes them and responds to comments;
it reads the states' answers and the e-mails sent about them (see d8portal/permissions.py).

The daily sweep (still one beat entry) now also closes consultations past their deadline and
reminds the states that have not answered; its description says so, unless edited since.
"""

from django.db import migrations

from d8portal.permissions import ensure_secretariat_group

TASK_NAME = "Daily deadline reminders"
OLD_DESCRIPTION = (
    "E-mail focal points about due and overdue action items; "
    "escalate overdue items to the Secretariat."
)
NEW_DESCRIPTION = (
    "E-mail focal points about due and overdue action items; escalate overdue items to the "
    "Secretariat; close consultations past their deadline and remind states yet to answer."
)


def grant_and_describe(apps, schema_editor):
    ensure_secretariat_group(apps)
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME, description=OLD_DESCRIPTION).update(
        description=NEW_DESCRIPTION
    )


def undescribe(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME, description=NEW_DESCRIPTION).update(
        description=OLD_DESCRIPTION
    )


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0003_daily_reminder_sweep_schedule"),
        ("actionplans", "0007_consultations"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(grant_and_describe, undescribe)]
