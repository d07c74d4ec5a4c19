"""The linkages' daily work in beat's schedule, at the time of the reminder sweep."""

from django.db import migrations

from core.schedule import daily_task_ensure

TASK_NAME = "Daily business-linkages sweep"


def create_schedule(apps, schema_editor):
    daily_task_ensure(
        apps,
        name=TASK_NAME,
        task="linkages.tasks.linkage_sweep",
        description="Expire the investment opportunities past their date and send the "
        "business-linkage e-mails owed.",
        same_time_as="Daily deadline reminders",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("linkages", "0002_search_vector_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
