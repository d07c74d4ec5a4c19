from django.db import migrations

from d8portal.permissions import ensure_secretariat_group


def give_linkages_permissions(apps, schema_editor):
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0008_daily_work_per_app"),
        ("linkages", "0003_daily_sweep_schedule"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_linkages_permissions, migrations.RunPython.noop)]
