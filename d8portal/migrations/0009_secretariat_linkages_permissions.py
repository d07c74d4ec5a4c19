"""The Secretariat group gets the business-linkages permissions of d8portal.permissions, added
to what it has: the group's other permissions are left as they are."""

from django.db import migrations

from d8portal.permissions import secretariat_group_grant


def give_linkages_permissions(apps, schema_editor):
    secretariat_group_grant(apps, "linkages")


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0008_daily_work_per_app"),
        ("linkages", "0003_daily_sweep_schedule"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_linkages_permissions, migrations.RunPython.noop)]
