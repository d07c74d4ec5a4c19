"""The Secretariat group gets the business-linkages permissions of d8portal.permissions, added
to what it has: the group's other permissions are left as they are."""

from django.db import migrations

from d8portal.permissions import SECRETARIAT, ensure_secretariat_group, secretariat_permissions


def give_linkages_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=SECRETARIAT).exists():
        ensure_secretariat_group(apps)
        return
    # Creates the linkages' permissions if this run has not yet.
    kept = set(Group.objects.get(name=SECRETARIAT).permissions.values_list("pk", flat=True))
    ensure_secretariat_group(apps)
    group = Group.objects.get(name=SECRETARIAT)
    linkages = secretariat_permissions(apps).filter(content_type__app_label="linkages")
    group.permissions.set([*kept, *linkages.values_list("pk", flat=True)])


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0008_daily_work_per_app"),
        ("linkages", "0003_daily_sweep_schedule"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_linkages_permissions, migrations.RunPython.noop)]
