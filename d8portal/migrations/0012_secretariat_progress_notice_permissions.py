from django.contrib.auth.management import create_permissions
from django.db import migrations

from d8portal.permissions import SECRETARIAT, secretariat_permissions


def give_progress_notice_permissions(apps, schema_editor):
    """Add the progress notices' permissions to the Secretariat group, leaving its others as
    they are."""
    app_config = apps.get_app_config("actionplans")
    had_models = getattr(app_config, "models_module", None)
    app_config.models_module = had_models or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = had_models
    group = apps.get_model("auth", "Group").objects.filter(name=SECRETARIAT).first()
    if group is not None:
        group.permissions.add(
            *secretariat_permissions(apps).filter(content_type__model="progressnotice")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0011_secretariat_indicators_permissions"),
        ("actionplans", "0011_progress_notices"),
    ]

    # Going back leaves the permissions as they are: 0001 removes the group itself.
    operations = [migrations.RunPython(give_progress_notice_permissions, migrations.RunPython.noop)]
