"""The Secretariat group and exactly the permissions it needs.

Called by the data migration that sets the group up and by tests that flush the database.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

SECRETARIAT = "Secretariat"
PORTAL_APPS = [
    "memberstates",
    "taskforces",
    "meetings",
    "actionplans",
    "consultations",
    "knowledge",
    "partners",
    "linkages",
    "indicators",
]
# Progress updates are history, reminders the record of what was sent, deadline extensions
# the record of who moved a deadline and why: the Secretariat reads and adds them, never
# rewrites or removes them.
READ_AND_ADD_ONLY = ["progressupdate", "reminder", "deadlineextension"]
# A state's answer to a consultation is given by its focal points, and the e-mails about
# consultations and progress posted are recorded by the portal: the Secretariat reads them.
# Expressions of interest and their threads are between member states, and the e-mails about
# them (and about agreements) are recorded by the portal: the Secretariat reads them.
READ_ONLY = [
    "consultationanswer",
    "consultationnotice",
    "linkagenotice",
    "interestexpression",
    "interestmessage",
    "agreementnotice",
    "datacallnotice",
    "datacallsubmission",
    "progressnotice",
]
# The states' comments: the Secretariat records its response to each (a change), but neither
# writes nor removes a state's comment.
CHANGE_ONLY = ["consultationcomment"]
# Exchange requests are between member states: the Secretariat follows and closes them, it
# neither makes nor removes one. Nominations are made by the states; the Secretariat decides them.
FOLLOW_ONLY = ["exchangerequest", "nomination"]
# Records the portal keeps for itself (stored report files): nobody edits them by hand.
MACHINE_KEPT = ["meetingreport", "meetingreportfingerprint"]
# Staff read the accounts behind focal points and history entries; they do not manage them.
VIEW_ONLY = [("auth", "view_user")]
# The daily reminder sweep's schedule: the Secretariat sees and changes it (its hour, its
# crontab); it does not create other periodic work.
SCHEDULE = [
    ("django_celery_beat", "view_periodictask"),
    ("django_celery_beat", "change_periodictask"),
    ("django_celery_beat", "view_crontabschedule"),
    ("django_celery_beat", "change_crontabschedule"),
    ("django_celery_beat", "add_crontabschedule"),
]


def secretariat_permissions(apps=global_apps):
    """The permissions of the Secretariat group, as a queryset of `auth.Permission`."""
    Permission = apps.get_model("auth", "Permission")
    # History is shown with the permissions of the record itself, so historical models
    # need none of their own.
    portal = (
        Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
        .exclude(content_type__model__startswith="historical")
        .exclude(content_type__model__in=MACHINE_KEPT)
        .exclude(content_type__model__in=READ_AND_ADD_ONLY, codename__regex=r"^(change|delete)_")
        .exclude(content_type__model__in=READ_ONLY, codename__regex=r"^(add|change|delete)_")
        .exclude(content_type__model__in=CHANGE_ONLY, codename__regex=r"^(add|delete)_")
        .exclude(content_type__model__in=FOLLOW_ONLY, codename__regex=r"^(add|delete)_")
    )
    view_only = Permission.objects.none()
    for app_label, codename in VIEW_ONLY + SCHEDULE:
        view_only |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return portal | view_only


def _create_permissions(apps):
    # Outside a full migrate run (in a migration, after a flush) permissions may not exist yet.
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = had_models


def secretariat_group_grant(apps, app_label):
    """Give the Secretariat group (created if missing) its permissions on a new app's models,
    leaving the permissions it already has, as the Secretariat may have changed them."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.add(*secretariat_permissions(apps).filter(content_type__app_label=app_label))
    return group


def ensure_secretariat_group(apps=global_apps):
    """Create the Secretariat group if missing and give it exactly its permissions."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    group.permissions.set(secretariat_permissions(apps))
    return group
