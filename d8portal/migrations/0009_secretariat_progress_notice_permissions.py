from django.db import migrations

from d8portal.permissions import ensure_secretariat_group


def give_progress_notice_permissions(apps, schema_editor):
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0008_daily_work_per_app"),
        ("actionplans", "0010_progress_notices"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_progress_notice_permissions, migrations.RunPython.noop)]
