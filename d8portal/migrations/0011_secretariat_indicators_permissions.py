"""The Secretariat group gets the statistics' permissions, added to what it has."""

from django.db import migrations

from d8portal.permissions import secretariat_group_grant


def give_indicators_permissions(apps, schema_editor):
    secretariat_group_grant(apps, "indicators")


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0010_secretariat_partners_permissions"),
        ("indicators", "0002_daily_data_call_sweep"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_indicators_permissions, migrations.RunPython.noop)]
