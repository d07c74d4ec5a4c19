"""Every admin page opens for the Secretariat, in a constant number of queries."""

import datetime
import itertools

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_countries import countries

from actionplans.models import ActionItem, ProgressNotice, ProgressUpdate, Reminder
from consultations.models import ConsultationNotice
from core.clock import secretariat_today
from d8portal.permissions import SECRETARIAT
from linkages.models import LinkageNotice
from meetings.models import Meeting
from memberstates.models import MemberState
from partners.models import AgreementNotice, PartnerMeeting
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ActivityFactory,
    AgendaItemFactory,
    AgreementFactory,
    AttendanceFactory,
    BestPracticeFactory,
    ConsultationAnswerFactory,
    ConsultationFactory,
    DocumentFactory,
    EventFactory,
    ExchangeRequestFactory,
    FocalPointFactory,
    InterestExpressionFactory,
    MeetingFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    NominationFactory,
    OpportunityFactory,
    OutcomeFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    SMEBodyFactory,
    TaskForceFactory,
    ThemeFactory,
    UserFactory,
)

_codes = itertools.cycle(code for code, _ in countries)


def _state():
    return MemberStateFactory(iso_code=next(_codes))


def _nomination():
    return NominationFactory(state=_state(), event=EventFactory(host_state=_state()))


def _states(n):
    return [_state() for _ in range(n)]


def _item(**kwargs):
    item = ActionItemFactory(plan=ActionPlanFactory(proposed_by=_state()), lead_state=_state())
    item.supporting_states.set(_states(2))
    return item


def _meeting():
    return MeetingFactory(host_state=_state(), task_force=TaskForceFactory())


def _reminder():
    item = ActionItemFactory(lead_state=_state())
    return Reminder.objects.create(
        item=item,
        recipient="focal@example.org",
        kind=Reminder.Kind.BEFORE_DUE,
        due_date=item.due_date,
    )


def _progress_notice():
    update = ProgressUpdateFactory(
        item=ActionItemFactory(lead_state=_state()), author=UserFactory()
    )
    return ProgressNotice.objects.create(update=update, recipient="secretariat@example.org")


def _consultation():
    consultation = ConsultationFactory(plan=ActionPlanFactory(proposed_by=_state(), status="draft"))
    consultation.states.set(_states(2))
    ConsultationAnswerFactory(consultation=consultation, state=consultation.states.first())
    return consultation


def _consultation_notice():
    consultation = ConsultationFactory(states=_states(1))
    return ConsultationNotice.objects.create(
        consultation=consultation,
        state=consultation.states.get(),
        recipient="focal@example.org",
        kind=ConsultationNotice.Kind.CIRCULATION,
        deadline=datetime.date(2026, 6, 1),
    )


def _practice():
    state = _state()
    practice = BestPracticeFactory(
        state=state, contact=FocalPointFactory(body=SMEBodyFactory(state=state))
    )
    practice.themes.set([ThemeFactory()])
    return practice


def _task_force():
    task_force = TaskForceFactory()
    task_force.coordinators.set(_states(2))
    return task_force


# One row of each model, each with related records of its own, so a missing
# select_related or prefetch shows up as one more query per row.
ROW_MAKERS = {
    "memberstates.memberstate": lambda: SMEBodyFactory(state=_state()).state,
    "memberstates.smebody": lambda: SMEBodyFactory(state=_state()),
    "memberstates.focalpoint": lambda: FocalPointFactory(body=SMEBodyFactory(state=_state())),
    "memberstates.mou": lambda: MoUAccessionFactory(state=_state()).mou,
    "memberstates.mouaccession": lambda: MoUAccessionFactory(state=_state(), mou=MoUFactory()),
    "taskforces.taskforce": _task_force,
    "meetings.meeting": _meeting,
    "meetings.agendaitem": lambda: AgendaItemFactory(meeting=_meeting()),
    "meetings.attendance": lambda: AttendanceFactory(meeting=_meeting(), state=_state()),
    "meetings.outcome": lambda: OutcomeFactory(meeting=_meeting()),
    "meetings.document": lambda: DocumentFactory(meeting=_meeting()),
    "actionplans.actionplan": lambda: (
        ActionItemFactory(
            plan=ActionPlanFactory(proposed_by=_state(), adopted_at=_meeting()), lead_state=_state()
        ).plan
    ),
    "actionplans.actionitem": _item,
    "actionplans.progressupdate": lambda: ProgressUpdateFactory(
        item=ActionItemFactory(lead_state=_state()), author=UserFactory()
    ),
    "actionplans.reminder": _reminder,
    "actionplans.progressnotice": _progress_notice,
    "consultations.consultation": _consultation,
    "consultations.consultationnotice": _consultation_notice,
    "knowledge.theme": ThemeFactory,
    "knowledge.bestpractice": _practice,
    "knowledge.exchangerequest": lambda: ExchangeRequestFactory(
        practice=_practice(), requesting_state=_state()
    ),
    "linkages.opportunity": lambda: OpportunityFactory(state=_state()),
    "linkages.event": lambda: EventFactory(host_state=_state()),
    "linkages.nomination": lambda: _nomination(),
    "linkages.interestexpression": lambda: InterestExpressionFactory(
        opportunity=OpportunityFactory(state=_state()), state=_state()
    ),
    "linkages.linkagenotice": lambda: LinkageNotice.objects.create(
        recipient="participant@example.org", kind="confirmed", nomination=_nomination()
    ),
    "partners.partner": PartnerFactory,
    "partners.agreement": lambda: AgreementFactory(body=SMEBodyFactory(state=_state())),
    "partners.activity": lambda: ActivityFactory(agreement__body=SMEBodyFactory(state=_state())),
    "partners.partnermeeting": lambda: PartnerMeeting.objects.create(
        meeting=_meeting(), partner=PartnerFactory()
    ),
    "partners.agreementnotice": lambda: AgreementNotice.objects.create(
        agreement=AgreementFactory(body=SMEBodyFactory(state=_state())),
        recipient="focal@example.org",
        step=90,
        valid_until=datetime.date(2028, 12, 31),
    ),
}
READ_ONLY = {
    "linkages.nomination",
    "linkages.interestexpression",
    "linkages.linkagenotice",
    "actionplans.progressupdate",
    "actionplans.reminder",
    "actionplans.progressnotice",
    "consultations.consultationnotice",
    "knowledge.exchangerequest",
    "partners.agreementnotice",
}


def _url(model, view, *args):
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ROW_MAKERS)
def test_secretariat_opens_the_changelist_and_change_page_of_every_model(
    client, secretariat, model
):
    row = ROW_MAKERS[model]()
    client.force_login(secretariat)
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "change", row.pk)).status_code == 200
    assert client.get(_url(model, "history", row.pk)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(set(ROW_MAKERS) - READ_ONLY))
def test_secretariat_opens_the_add_page_of_every_editable_model(client, secretariat, model):
    client.force_login(secretariat)
    assert client.get(_url(model, "add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(READ_ONLY))
def test_records_the_portal_or_the_states_write_cannot_be_added_in_the_admin(
    client, secretariat, model
):
    client.force_login(secretariat)
    assert client.get(_url(model, "add")).status_code == 403


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ROW_MAKERS)
def test_changelist_runs_the_same_number_of_queries_for_5_and_200_rows(client, secretariat, model):
    client.force_login(secretariat)
    url = _url(model, "changelist")
    client.get(url)  # warm the session and content-type caches
    for _ in range(5):
        ROW_MAKERS[model]()
    with_5 = _changelist_queries(client, url)
    for _ in range(195):
        ROW_MAKERS[model]()
    with_200 = _changelist_queries(client, url)
    print(f"{model}: {with_5} queries for 5 rows, {with_200} for 200")
    assert with_5 == with_200


DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_dashboard_runs_the_same_number_of_queries_for_5_and_200_items(client, secretariat):
    client.force_login(secretariat)
    client.get("/admin/")
    overdue = secretariat_today() - datetime.timedelta(days=3)
    due_soon = secretariat_today() + datetime.timedelta(days=3)

    def make(n):
        for _ in range(n):
            ActionItemFactory(lead_state=_state(), due_date=overdue).supporting_states.set(
                _states(1)
            )
            ActionItemFactory(lead_state=_state(), due_date=due_soon)
            ProgressUpdateFactory(item=ActionItemFactory(lead_state=_state()))
            BestPracticeFactory(state=_state(), status="submitted")

    make(5)
    with_5 = _changelist_queries(client, "/admin/")
    make(195)
    with_200 = _changelist_queries(client, "/admin/")
    assert with_5 == with_200


@pytest.mark.django_db
def test_dashboard_lists_an_overdue_item_under_each_responsible_state(
    client, secretariat, nigeria, turkiye
):
    item = ActionItemFactory(
        reference="SME9-7",
        lead_state=nigeria,
        due_date=secretariat_today() - datetime.timedelta(days=1),
    )
    item.supporting_states.add(turkiye)
    client.force_login(secretariat)
    dashboard = client.get("/admin/").context["dashboard"]
    assert dashboard["overdue_by_state"] == [(nigeria, 1, 0), (turkiye, 0, 1)]
    assert dashboard["longest_overdue"] == [item]


@pytest.mark.django_db
def test_dashboard_counts_the_overdue_items_and_names_only_the_ten_longest_overdue(
    client, secretariat, nigeria
):
    today = secretariat_today()
    for days in range(1, 26):
        ActionItemFactory(
            reference=f"LATE-{days:02d}", lead_state=nigeria, due_date=today - days * DAY
        )
    client.force_login(secretariat)

    response = client.get("/admin/")

    dashboard = response.context["dashboard"]
    assert dashboard["overdue_count"] == 25
    assert dashboard["overdue_by_state"] == [(nigeria, 25, 0)]
    assert [i.reference for i in dashboard["longest_overdue"]] == [
        f"LATE-{days:02d}" for days in range(25, 15, -1)
    ]
    page = response.content.decode()
    assert "LATE-25" in page and "LATE-15" not in page
    assert "Overdue action items by responsible state (25)" in page


@pytest.mark.django_db
def test_dashboard_names_twenty_items_due_soon_and_links_to_all_of_them(client, secretariat):
    today = secretariat_today()
    for n in range(23):
        ActionItemFactory(reference=f"SOON-{n:02d}", due_date=today + (n % 30) * DAY)
    client.force_login(secretariat)

    page = client.get("/admin/").content.decode()

    assert "Due in the next 30 days (23)" in page
    assert page.count(">SOON-") == 20
    assert "All 23 items due in the next 30 days" in page


@pytest.mark.django_db
def test_dashboard_shows_items_due_in_the_next_30_days_and_upcoming_meetings(client, secretariat):
    soon = ActionItemFactory(due_date=secretariat_today() + datetime.timedelta(days=30))
    ActionItemFactory(due_date=secretariat_today() + datetime.timedelta(days=31))
    meeting = MeetingFactory(
        status=Meeting.Status.PLANNED, start_date=secretariat_today() + datetime.timedelta(days=60)
    )
    client.force_login(secretariat)
    dashboard = client.get("/admin/").context["dashboard"]
    assert dashboard["due_soon"] == [soon]
    assert dashboard["upcoming_meetings"] == [meeting]


@pytest.mark.django_db
def test_dashboard_shows_mou_adherence_as_n_of_m_states(client, secretariat, nigeria, turkiye):
    mou = MoUFactory(short_name="D-8 SME MoU (2015)")
    MoUAccessionFactory(
        mou=mou, state=nigeria, status="signed", signed_on=datetime.date(2015, 1, 27)
    )
    client.force_login(secretariat)
    page = client.get("/admin/").content.decode()
    assert "1 of 2 states signed or in force" in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["nigeria_focal", "delegate"])
def test_focal_points_and_delegates_are_sent_to_the_admin_login(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["nigeria_focal", "delegate"])
def test_focal_points_and_delegates_cannot_open_an_admin_list(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:actionplans_actionitem_changelist"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_secretariat_group_keeps_every_portal_record_but_never_rewrites_history(
    secretariat_group,
):
    codenames = set(secretariat_group.permissions.values_list("codename", flat=True))
    assert {"add_actionitem", "change_actionitem", "delete_meeting", "change_mou"} <= codenames
    assert {"view_progressupdate", "add_progressupdate", "view_reminder"} <= codenames
    assert not {"change_progressupdate", "delete_progressupdate"} & codenames
    assert not {"change_reminder", "delete_reminder"} & codenames


@pytest.mark.django_db
def test_secretariat_group_may_read_users_but_not_manage_them_or_history(secretariat_group):
    codenames = set(secretariat_group.permissions.values_list("codename", flat=True))
    assert "view_user" in codenames
    assert not {"add_user", "change_user", "delete_user", "change_group"} & codenames
    assert not {c for c in codenames if "historical" in c}


def replay_the_secretariat_data_migrations():
    """Run d8portal's data migrations again from no group at all: a test database kept between
    runs (--reuse-db) has been flushed by the transactional tests of the run before."""
    Group.objects.filter(name=SECRETARIAT).delete()
    loader = MigrationLoader(connection)
    for key in sorted(key for key in loader.disk_migrations if key[0] == "d8portal"):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, migrations.RunPython):
                with connection.schema_editor(atomic=True) as schema_editor:
                    operation.code(global_apps, schema_editor)


@pytest.mark.django_db
def test_data_migration_gave_the_secretariat_group_the_same_permissions_as_the_module():
    from d8portal.permissions import secretariat_permissions

    replay_the_secretariat_data_migrations()
    group = Group.objects.get(name=SECRETARIAT)
    assert set(group.permissions.all()) == set(secretariat_permissions())
    assert Permission.objects.filter(codename="view_historicalactionitem").exists()


@pytest.mark.django_db
def test_staff_member_outside_the_secretariat_group_sees_no_dashboard(client):
    client.force_login(UserFactory(username="newcomer", is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "dashboard" not in response.context


def test_row_makers_cover_every_model_registered_in_the_admin():
    from django.contrib import admin

    registered = {
        model._meta.label_lower
        for model in admin.site._registry
        if model._meta.app_label
        in {
            "memberstates",
            "taskforces",
            "meetings",
            "actionplans",
            "consultations",
            "knowledge",
            "linkages",
            "partners",
        }
    }
    assert registered == set(ROW_MAKERS)
    assert {ActionItem, ProgressUpdate, MemberState} <= set(admin.site._registry)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "app_label, model_name, field_name",
    [
        ("meetings", "attendance", "state"),
        ("actionplans", "actionitem", "plan"),
        ("memberstates", "mouaccession", "mou"),
    ],
)
def test_autocomplete_of_annotated_lists_answers_in_order(
    client, secretariat, app_label, model_name, field_name
):
    ROW_MAKERS["actionplans.actionplan"]()
    ROW_MAKERS["memberstates.mou"]()
    client.force_login(secretariat)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    assert response.json()["results"]
