import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# The layout before the house moved: consultations inside actionplans, API tokens in d8portal.
BEFORE_THE_HOUSE = [
    ("memberstates", "0002_history"),
    ("taskforces", "0002_history"),
    ("meetings", "0004_meeting_report"),
    ("actionplans", "0007_consultations"),
    ("knowledge", "0003_themes_of_the_record"),
    ("d8portal", "0006_secretariat_knowledge_permissions"),
]
THE_HOUSE = ("d8portal", "0008_daily_work_per_app")
# Feature apps built on the house, whose migrations come after it.
ABOVE_THE_HOUSE = {"indicators"}


def _the_house(executor):
    """Every app's migrations as the house left them."""
    leaves = executor.loader.graph.leaf_nodes()
    return [node for node in leaves if node[0] not in ABOVE_THE_HOUSE | {THE_HOUSE[0]}] + [
        THE_HOUSE
    ]


MOVED = {
    # old label -> new label
    "actionplans.Consultation": "consultations.Consultation",
    "actionplans.ConsultationAnswer": "consultations.ConsultationAnswer",
    "actionplans.ConsultationComment": "consultations.ConsultationComment",
    "actionplans.DeadlineExtension": "consultations.DeadlineExtension",
    "actionplans.ConsultationNotice": "consultations.ConsultationNotice",
    "actionplans.HistoricalConsultation": "consultations.HistoricalConsultation",
    "actionplans.HistoricalConsultationAnswer": "consultations.HistoricalConsultationAnswer",
    "d8portal.ApiToken": "accounts.ApiToken",
    "actionplans.Reminder": "actionplans.Reminder",
}


def _populate_before_the_house(old):
    """One of each record that moves, in the old layout; returns the Secretariat group's
    permission ids."""
    today = datetime.date(2026, 11, 20)
    user = old.get_model("auth", "User").objects.create(username="focal.nigeria")
    State = old.get_model("memberstates", "MemberState")
    nigeria = State.objects.create(name="Nigeria", slug="nigeria", iso_code="NG", joined_on=today)
    turkiye = State.objects.create(name="Türkiye", slug="turkiye", iso_code="TR", joined_on=today)
    plan = old.get_model("actionplans", "ActionPlan").objects.create(title="Plan", slug="plan")
    item = old.get_model("actionplans", "ActionItem").objects.create(
        plan=plan, reference="NG-1", title="Centre", lead_state=nigeria, due_date=today
    )
    old.get_model("actionplans", "Reminder").objects.create(
        item=item, recipient="a@example.org", kind="before_due", step=7, due_date=today
    )
    consultation = old.get_model("actionplans", "Consultation").objects.create(
        title="Draft plan", plan=plan, status="open", deadline=today, circulated_on=today
    )
    consultation.states.set([nigeria, turkiye])
    old.get_model("actionplans", "HistoricalConsultation").objects.create(
        id=consultation.pk,
        title=consultation.title,
        plan=plan,
        status="open",
        deadline=today,
        created_at=consultation.created_at,
        history_date=consultation.created_at,
        history_type="+",
        history_user=user,
    )
    answer = old.get_model("actionplans", "ConsultationAnswer").objects.create(
        consultation=consultation, state=nigeria, position="accept_with_comments", answered_by=user
    )
    old.get_model("actionplans", "HistoricalConsultationAnswer").objects.create(
        id=answer.pk,
        consultation=consultation,
        state=nigeria,
        position="accept_with_comments",
        reasons="",
        created_at=answer.created_at,
        updated_at=answer.updated_at,
        history_date=answer.created_at,
        history_type="+",
        history_user=user,
    )
    old.get_model("actionplans", "ConsultationComment").objects.create(
        consultation=consultation, answer=answer, section="Section 3.2", text="Add a table."
    )
    old.get_model("actionplans", "DeadlineExtension").objects.create(
        consultation=consultation,
        previous_deadline=today,
        new_deadline=today + datetime.timedelta(days=7),
        reason="Holidays.",
    )
    old.get_model("actionplans", "ConsultationNotice").objects.create(
        consultation=consultation,
        state=nigeria,
        recipient="a@example.org",
        kind="circulation",
        deadline=today,
    )
    old.get_model("d8portal", "ApiToken").objects.create(
        user=user, name="Script", digest="f" * 64, hint="d8p_abcd"
    )
    Permission = old.get_model("auth", "Permission")
    ContentType = old.get_model("contenttypes", "ContentType")
    group, _ = old.get_model("auth", "Group").objects.get_or_create(name="Secretariat")
    group.permissions.clear()
    for model in ("consultation", "consultationcomment", "consultationanswer"):
        content_type, _ = ContentType.objects.get_or_create(app_label="actionplans", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"view_{model}",
            defaults={"name": f"Can view {model}"},
        )
        group.permissions.add(permission)
    return set(group.permissions.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_house_migrates_with_every_row_token_and_permission():
    from django.apps import apps
    from django.contrib.auth.models import Group

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([*BEFORE_THE_HOUSE, ("consultations", None), ("accounts", None)])
        old = executor.loader.project_state(BEFORE_THE_HOUSE).apps
        permission_ids = _populate_before_the_house(old)
        before = {label: old.get_model(label).objects.count() for label in MOVED}
        # Up to the house itself: later data migrations give the group the permissions of
        # the feature apps built on it.
        executor = MigrationExecutor(connection)
        executor.migrate(_the_house(executor))
        after = {label: apps.get_model(MOVED[label]).objects.count() for label in MOVED}
        group_permissions = list(
            Group.objects.get(name="Secretariat").permissions.select_related("content_type")
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert after == before
    assert all(count >= 1 for count in after.values())
    token = apps.get_model("accounts", "ApiToken").objects.get()
    assert (token.name, token.digest, token.user.username) == ("Script", "f" * 64, "focal.nigeria")
    comment = apps.get_model("consultations", "ConsultationComment").objects.get()
    assert (comment.answer.state.name, comment.text) == ("Nigeria", "Add a table.")
    assert comment.consultation.states.count() == 2
    assert {p.pk for p in group_permissions} == permission_ids
    assert {p.content_type.app_label for p in group_permissions} == {"consultations"}


def test_the_embedded_database_keeps_every_trigger_that_refuses_rewriting_history(tmp_path):
    """SQLite drops a table's triggers when a migration rebuilds the table (as `make run`'s
    embedded database would show): after every migration, each is still there."""
    database = tmp_path / "portal.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
        check=True,
        timeout=300,
    )
    with sqlite3.connect(database) as db:
        triggers = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert triggers >= {
        "meetings_outcome_forbid_update",
        "actionplans_progressupdate_forbid_update",
    }
