from django.db import migrations

from d8portal.permissions import ensure_secretariat_group


def refine_secretariat_group(apps, schema_editor):
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0001_secretariat_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("memberstates", "0002_history"),
        ("taskforces", "0002_history"),
        ("meetings", "0003_history"),
        ("actionplans", "0004_history"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(refine_secretariat_group, migrations.RunPython.noop)]
