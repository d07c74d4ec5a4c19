"""Each app runs its own daily work: the reminder sweep's beat entry now runs only the action
items' reminders (consultations have a beat entry of their own, see consultations 0002)."""

from django.db import migrations

TASK_NAME = "Daily deadline reminders"
OLD_TASK = "actionplans.tasks.send_reminders"
NEW_TASK = "actionplans.tasks.deadline_reminder_sweep"
OLD_DESCRIPTION = (
    "E-mail focal points about due and overdue action items; escalate overdue items to the "
    "Secretariat; close consultations past their deadline and remind states yet to answer."
)
NEW_DESCRIPTION = (
    "E-mail focal points about due and overdue action items; "
    "escalate overdue items to the Secretariat."
)


def rename(old_task, new_task, old_description, new_description):
    def run(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        PeriodicTask.objects.filter(task=old_task).update(task=new_task)
        PeriodicTask.objects.filter(name=TASK_NAME, description=old_description).update(
            description=new_description
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0007_api_tokens_moved_to_accounts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(
            rename(OLD_TASK, NEW_TASK, OLD_DESCRIPTION, NEW_DESCRIPTION),
            rename(NEW_TASK, OLD_TASK, NEW_DESCRIPTION, OLD_DESCRIPTION),
        )
    ]
