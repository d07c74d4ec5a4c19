import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ActionItem, Reminder
from core.clock import secretariat_today
from meetings.models import Outcome
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
)

CHANGELIST = "admin:actionplans_actionitem_changelist"
HEADER = (
    "reference,plan,title,description,lead_state,supporting_states,"
    "due_date,status,percent_complete,weight\n"
)


def _import(client, csv_text):
    return client.post(
        reverse("admin:actionplans_actionitem_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("items.csv", csv_text.encode(), "text/csv"),
        },
    )


@pytest.mark.django_db
def test_action_item_list_shows_the_lead_state_first_and_marks_overdue_items(
    client, secretariat, nigeria, turkiye
):
    item = ActionItemFactory(
        lead_state=turkiye, due_date=secretariat_today() - datetime.timedelta(days=1)
    )
    item.supporting_states.add(nigeria)
    client.force_login(secretariat)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "<strong>Türkiye</strong>, Nigeria" in page
    assert "overdue</span>" in page


@pytest.mark.django_db
def test_overdue_filter_lists_only_open_items_past_their_due_date(client, secretariat):
    yesterday = secretariat_today() - datetime.timedelta(days=1)
    late = ActionItemFactory(due_date=yesterday)
    ActionItemFactory(due_date=yesterday, status="completed", percent_complete=100)
    ActionItemFactory(due_date=secretariat_today() + datetime.timedelta(days=5))
    client.force_login(secretariat)
    response = client.get(reverse(CHANGELIST), {"deadline": "overdue"})
    assert list(response.context["cl"].result_list) == [late]


@pytest.mark.django_db
def test_due_soon_filter_lists_items_due_in_the_next_30_days(client, secretariat):
    soon = ActionItemFactory(due_date=secretariat_today() + datetime.timedelta(days=30))
    ActionItemFactory(due_date=secretariat_today() + datetime.timedelta(days=31))
    client.force_login(secretariat)
    response = client.get(reverse(CHANGELIST), {"deadline": "next_30_days"})
    assert list(response.context["cl"].result_list) == [soon]


@pytest.mark.django_db
def test_state_filter_includes_items_the_state_supports(client, secretariat, nigeria, turkiye):
    led = ActionItemFactory(lead_state=nigeria)
    supported = ActionItemFactory(lead_state=turkiye)
    supported.supporting_states.add(nigeria)
    ActionItemFactory(lead_state=turkiye)
    client.force_login(secretariat)
    response = client.get(reverse(CHANGELIST), {"state": nigeria.pk})
    assert set(response.context["cl"].result_list) == {led, supported}


@pytest.mark.django_db
def test_mark_completed_action_completes_open_items_at_100_percent(client, secretariat):
    item = ActionItemFactory(status="in_progress", percent_complete=40)
    cancelled = ActionItemFactory(status="cancelled", percent_complete=10)
    client.force_login(secretariat)
    client.post(
        reverse(CHANGELIST),
        {"action": "mark_completed", "_selected_action": [item.pk, cancelled.pk]},
    )
    item.refresh_from_db()
    cancelled.refresh_from_db()
    assert (item.status, item.percent_complete) == ("completed", 100)
    assert cancelled.status == "cancelled"
    assert item.history.first().history_user == secretariat


@pytest.mark.django_db
def test_outcomes_become_action_items_with_the_chosen_plan_lead_and_due_date(
    client, secretariat, nigeria
):
    plan = ActionPlanFactory()
    first = OutcomeFactory(number=1, status=Outcome.Status.FINAL)
    third = OutcomeFactory(meeting=first.meeting, number=3, status=Outcome.Status.FINAL)
    client.force_login(secretariat)
    client.post(
        reverse("admin:meetings_outcome_changelist"),
        {
            "action": "create_action_items",
            "_selected_action": [first.pk, third.pk],
            "apply": "1",
            "plan": plan.pk,
            "lead_state": nigeria.pk,
            "due_date": "2027-04-27",
            "reference_prefix": "SME9-",
        },
    )
    items = ActionItem.objects.order_by("reference")
    assert [(i.reference, i.outcome, i.lead_state, i.plan) for i in items] == [
        ("SME9-1", first, nigeria, plan),
        ("SME9-3", third, nigeria, plan),
    ]


@pytest.mark.django_db
def test_outcomes_to_action_items_with_a_taken_reference_creates_none(client, secretariat, nigeria):
    plan = ActionPlanFactory()
    ActionItemFactory(reference="SME9-3", plan=plan)
    first = OutcomeFactory(number=1, status=Outcome.Status.FINAL)
    third = OutcomeFactory(meeting=first.meeting, number=3, status=Outcome.Status.FINAL)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:meetings_outcome_changelist"),
        {
            "action": "create_action_items",
            "_selected_action": [first.pk, third.pk],
            "apply": "1",
            "plan": plan.pk,
            "lead_state": nigeria.pk,
            "due_date": "2027-04-27",
            "reference_prefix": "SME9-",
        },
    )
    assert "SME9-3: Action item with this Reference code already exists." in (
        response.content.decode()
    )
    assert ActionItem.objects.count() == 1


@pytest.mark.django_db
def test_import_with_one_bad_row_changes_nothing_and_names_the_row_and_field(
    client, secretariat, nigeria, turkiye
):
    plan = ActionPlanFactory(slug="abuja-centre")
    existing = ActionItemFactory(reference="NG-CTR-1", plan=plan, lead_state=nigeria, title="Old")
    client.force_login(secretariat)
    response = _import(
        client,
        HEADER
        + "NG-CTR-1,abuja-centre,Renamed,,NG,TR,2026-12-31,in_progress,50,1\n"
        + "NG-CTR-2,abuja-centre,Good row,,NG,,2026-12-31,not_started,0,1\n"
        + "NG-CTR-3,abuja-centre,Bad row,,NG,XX,2026-12-31,in_progress,150,1\n",
    )
    page = response.content.decode()
    assert "confirm_form" not in response.context
    bad_rows = response.context["result"].invalid_rows
    assert [(row.number, sorted(row.field_specific_errors)) for row in bad_rows] == [
        (3, ["percent_complete", "supporting_states"])
    ]
    assert "No member states with ISO 3166 code XX." in page
    assert "Ensure this value is less than or equal to 100." in page
    existing.refresh_from_db()
    assert existing.title == "Old"
    assert list(ActionItem.objects.values_list("reference", flat=True)) == ["NG-CTR-1"]


@pytest.mark.django_db
def test_valid_import_is_previewed_then_saved_when_confirmed(client, secretariat, nigeria, turkiye):
    ActionPlanFactory(slug="abuja-centre")
    client.force_login(secretariat)
    response = _import(
        client,
        HEADER + "NG-CTR-2,abuja-centre,Governance model,,NG,TR,2026-12-04,in_progress,40,1\n",
    )
    assert ActionItem.objects.count() == 0
    confirm = response.context["confirm_form"]
    client.post(reverse("admin:actionplans_actionitem_process_import"), confirm.initial)
    item = ActionItem.objects.get()
    assert (item.reference, item.lead_state, list(item.supporting_states.all())) == (
        "NG-CTR-2",
        nigeria,
        [turkiye],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("file_format, content_type", [("0", "text/csv"), ("1", "spreadsheetml")])
def test_action_items_export_to_csv_and_xlsx(
    client, secretariat, nigeria, file_format, content_type
):
    ActionItemFactory(reference="SME9-1", lead_state=nigeria)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:actionplans_actionitem_export"),
        {
            "format": file_format,
            "resource": "0",
            "actionitemresource_reference": "on",
            "actionitemresource_lead_state": "on",
        },
    )
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    if file_format == "0":
        assert response.content.decode().splitlines()[1] == "SME9-1,NG"


@pytest.mark.django_db
def test_progress_update_page_is_read_only(client, secretariat):
    update = ProgressUpdateFactory()
    client.force_login(secretariat)
    url = reverse("admin:actionplans_progressupdate_change", args=[update.pk])
    page = client.get(url).content.decode()
    assert 'name="narrative"' not in page
    assert client.post(url, {"narrative": "Rewritten"}).status_code == 403


def _item_change_page(client, item):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:actionplans_actionitem_change", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_an_items_change_page_shows_its_20_latest_updates_and_links_its_history(
    client, secretariat
):
    item = ActionItemFactory()
    for n in range(25):
        ProgressUpdateFactory(item=item, narrative=f"Report number {n}.")
    client.force_login(secretariat)

    page, _ = _item_change_page(client, item)

    assert page.count("Report number") == 20
    assert "Report number 24." in page and "Report number 4." not in page
    assert "The 20 latest of 25 updates" in page
    assert f'<a href="{item.get_absolute_url()}">the item\'s page</a> has every one' in page


def _as_posted(response):
    """The admin change form's fields and inline forms, as a browser posts them back."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    return {
        form.add_prefix(name): form[name].value()
        for form in forms
        for name in form.fields
        if form[name].value() is not None
    }


def test_an_item_with_a_long_history_is_saved_from_its_change_page(client, secretariat):
    item = ActionItemFactory(title="Old title")
    for _ in range(25):
        ProgressUpdateFactory(item=item)
    client.force_login(secretariat)
    url = reverse("admin:actionplans_actionitem_change", args=[item.pk])

    data = {**_as_posted(client.get(url)), "title": "New title"}
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.title == "New title"
    assert item.progress_updates.count() == 25


def test_an_items_change_page_runs_the_same_queries_for_3_and_30_updates(client, secretariat):
    item = ActionItemFactory()
    client.force_login(secretariat)
    _item_change_page(client, item)  # warm the session and content-type caches

    def queries_with(n):
        for _ in range(n - item.progress_updates.count()):
            ProgressUpdateFactory(item=item)
        return _item_change_page(client, item)[1]

    assert queries_with(3) == queries_with(30)


def _plan_with_items(n, nigeria, turkiye):
    plan = ActionPlanFactory()
    for _ in range(n):
        ActionItemFactory(plan=plan, lead_state=nigeria).supporting_states.add(turkiye)
    return plan


def test_a_plans_change_page_names_each_items_states_without_a_query_per_row(
    client, secretariat, nigeria, turkiye
):
    client.force_login(secretariat)

    def queries_with(n):
        plan = _plan_with_items(n, nigeria, turkiye)
        url = reverse("admin:actionplans_actionplan_change", args=[plan.pk])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count(f'<option value="{nigeria.pk}" selected>Nigeria</option>') == n
        assert page.count(f'<option value="{turkiye.pk}" selected>Türkiye</option>') == n
        return len(queries)

    queries_with(1)  # warm the session and content-type caches
    assert queries_with(3) == queries_with(30)


def test_a_plan_and_its_items_are_saved_from_its_change_page(client, secretariat, nigeria, turkiye):
    plan = _plan_with_items(3, nigeria, turkiye)
    client.force_login(secretariat)
    url = reverse("admin:actionplans_actionplan_change", args=[plan.pk])

    data = _as_posted(client.get(url))
    data["items-0-supporting_states"] = []
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    first, *others = plan.items.order_by("pk")
    assert list(first.supporting_states.all()) == []
    assert all(list(item.supporting_states.all()) == [turkiye] for item in others)


@pytest.fixture
def reminders(nigeria):
    due = datetime.date(2026, 12, 31)
    for reference, recipient in [("NG-CTR-1", "amina@example.org"), ("SME9-3", "deniz@ex.org")]:
        Reminder.objects.create(
            item=ActionItemFactory(reference=reference, lead_state=nigeria, due_date=due),
            recipient=recipient,
            kind=Reminder.Kind.ON_DUE,
            due_date=due,
        )


@pytest.mark.parametrize("query", ["NG-CTR", "amina@"])
def test_secretariat_finds_reminders_by_item_reference_or_recipient(
    client, secretariat, reminders, query
):
    client.force_login(secretariat)
    response = client.get("/admin/actionplans/reminder/", {"q": query})
    assert response.status_code == 200
    assert [r.recipient for r in response.context["cl"].result_list] == ["amina@example.org"]


def test_reminder_log_cannot_be_written_by_hand(client, secretariat, reminders):
    client.force_login(secretariat)
    reminder = Reminder.objects.first()
    assert client.get("/admin/actionplans/reminder/add/").status_code == 403
    response = client.post(
        f"/admin/actionplans/reminder/{reminder.pk}/change/", {"recipient": "x@example.org"}
    )
    assert response.status_code == 403
    reminder.refresh_from_db()
    assert reminder.recipient != "x@example.org"


def _send_reminders_now(client, items, captured):
    with captured(execute=True):
        return client.post(
            reverse(CHANGELIST),
            {"action": "send_reminders_now", "_selected_action": [i.pk for i in items]},
            follow=True,
        )


@pytest.mark.django_db
def test_send_reminders_now_mails_each_focal_point_one_digest_of_the_selected_items(
    client,
    secretariat,
    nigeria,
    turkiye,
    nigeria_focal,
    turkiye_focal,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    shared = ActionItemFactory(lead_state=nigeria, reference="NG-1")
    shared.supporting_states.add(turkiye)
    own = ActionItemFactory(lead_state=nigeria, reference="NG-2")
    client.force_login(secretariat)

    response = _send_reminders_now(client, [shared, own], django_capture_on_commit_callbacks)

    assert "on their way to 2 focal point address(es)" in response.content.decode()
    bodies = {m.to[0]: m.body for m in mailoutbox}
    nigeria_mail = nigeria_focal.focal_point.email.lower()
    turkiye_mail = turkiye_focal.focal_point.email.lower()
    assert sorted(bodies) == sorted([nigeria_mail, turkiye_mail])
    assert "NG-1" in bodies[nigeria_mail] and "NG-2" in bodies[nigeria_mail]
    assert "NG-1" in bodies[turkiye_mail] and "NG-2" not in bodies[turkiye_mail]
    assert Reminder.objects.filter(kind="manual", sent_at__isnull=False).count() == 3


@pytest.mark.django_db
def test_send_reminders_now_again_sends_again(
    client, secretariat, nigeria, nigeria_focal, mailoutbox, django_capture_on_commit_callbacks
):
    item = ActionItemFactory(lead_state=nigeria)
    client.force_login(secretariat)

    _send_reminders_now(client, [item], django_capture_on_commit_callbacks)
    _send_reminders_now(client, [item], django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    assert list(Reminder.objects.filter(kind="manual").values_list("step", flat=True)) == [2, 1]


@pytest.mark.django_db
def test_send_reminders_now_skips_closed_items_and_names_items_nobody_can_be_reminded_of(
    client,
    secretariat,
    nigeria,
    turkiye,
    nigeria_focal,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    done = ActionItemFactory(lead_state=nigeria, status="completed", percent_complete=100)
    orphan = ActionItemFactory(lead_state=turkiye, reference="TR-9")  # Türkiye has no focal point
    client.force_login(secretariat)

    response = _send_reminders_now(client, [done, orphan], django_capture_on_commit_callbacks)

    page = response.content.decode()
    assert "on their way to 0 focal point address(es)" in page
    assert "No active focal point with an e-mail address for: TR-9" in page
    assert "1 completed or cancelled item(s)" in page
    assert mailoutbox == []
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_focal_point_cannot_send_reminders_through_the_admin(
    client, nigeria, nigeria_focal, mailoutbox
):
    item = ActionItemFactory(lead_state=nigeria)
    client.force_login(nigeria_focal)
    response = client.post(
        reverse(CHANGELIST), {"action": "send_reminders_now", "_selected_action": [item.pk]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Reminder.objects.exists() and mailoutbox == []


@pytest.mark.django_db
def test_outcomes_to_action_items_refuses_a_draft_outcome_and_creates_none(
    client, secretariat, nigeria
):
    plan = ActionPlanFactory()
    final = OutcomeFactory(number=1, status=Outcome.Status.FINAL)
    draft = OutcomeFactory(meeting=final.meeting, number=2, text="Secret: a fund of USD 1 bn.")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:meetings_outcome_changelist"),
        {
            "action": "create_action_items",
            "_selected_action": [final.pk, draft.pk],
            "apply": "1",
            "plan": plan.pk,
            "lead_state": nigeria.pk,
            "due_date": "2027-04-27",
            "reference_prefix": "SME9-",
        },
    )
    assert "SME9-2: Outcome 2 is a draft" in response.content.decode()
    assert not ActionItem.objects.exists()
