"""The Secretariat group gets the partners' permissions, added to what it has."""

from django.db import migrations

from d8portal.permissions import secretariat_group_grant


def give_partners_permissions(apps, schema_editor):
    secretariat_group_grant(apps, "partners")


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0009_secretariat_linkages_permissions"),
        ("partners", "0002_agreement_sweep_schedule"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_partners_permissions, migrations.RunPython.noop)]
