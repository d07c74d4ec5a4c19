from django.db import migrations

from d8portal.permissions import ensure_secretariat_group


def give_knowledge_permissions(apps, schema_editor):
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0005_api_tokens"),
        ("knowledge", "0003_themes_of_the_record"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_knowledge_permissions, migrations.RunPython.noop)]
