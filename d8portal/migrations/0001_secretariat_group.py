from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat"
PORTAL_APPS = ["memberstates", "taskforces", "meetings", "actionplans"]
# Progress updates are history: the Secretariat reads and adds them, never rewrites them.
READ_AND_ADD_ONLY = {"progressupdate"}


def create_secretariat_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    permissions = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS).exclude(
        content_type__model__in=READ_AND_ADD_ONLY, codename__regex=r"^(change|delete)_"
    )
    group.permissions.add(*permissions)


def remove_secretariat_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SECRETARIAT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("memberstates", "0001_initial"),
        ("taskforces", "0001_initial"),
        ("meetings", "0002_final_outcomes_locked"),
        ("actionplans", "0002_progress_updates_never_edited"),
    ]

    operations = [migrations.RunPython(create_secretariat_group, remove_secretariat_group)]
