"""The Secretariat circulates, extends and closes consultations and responds to comments; it
reads the states' answers and the e-mails sent about them (see d8portal/permissions.py)."""

from django.db import migrations

from d8portal.permissions import ensure_secretariat_group


def grant_consultation_permissions(apps, schema_editor):
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0003_daily_reminder_sweep_schedule"),
        ("actionplans", "0007_consultations"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(grant_consultation_permissions, migrations.RunPython.noop)]
