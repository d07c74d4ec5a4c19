"""The Secretariat runs consultations in the admin: drafting, circulating, extending the
deadline with a reason, closing, and responding to comments; answers are only read there."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from consultations.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    DeadlineExtension,
)
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationAnswerFactory,
    ConsultationFactory,
    DocumentFactory,
    OpenConsultationFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 5, 20)
DEADLINE = datetime.date(2026, 5, 31)
DAY = datetime.timedelta(days=1)
ADD = reverse("admin:consultations_consultation_add")
CHANGELIST = reverse("admin:consultations_consultation_changelist")


def change_url(consultation):
    return reverse("admin:consultations_consultation_change", args=[consultation.pk])


def extend_url(consultation):
    return reverse("admin:consultations_consultation_extend", args=[consultation.pk])


@pytest.fixture(autouse=True)
def today(secretariat_clock):
    secretariat_clock.set(TODAY)
    return secretariat_clock


@pytest.fixture
def plan(nigeria):
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre", status="under_refinement")
    ActionItemFactory(plan=plan, reference="NG-CTR-2", lead_state=nigeria)
    return plan


@pytest.fixture
def admin_client(client, secretariat):
    client.force_login(secretariat)
    return client


def add_form(plan=None, document=None, states=(), deadline="", procedure="silence"):
    data = {
        "title": "Draft plan for the SME Centre",
        "plan": plan.pk if plan else "",
        "document": document.pk if document else "",
        "summary": "Comments on the consolidated draft.",
        "states": [state.pk for state in states],
        "procedure": procedure,
        "deadline": deadline,
        "_save": "Save",
    }
    for prefix in ("extensions", "answers", "comments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def action(client, name, *consultations):
    return client.post(
        CHANGELIST,
        {"action": name, "_selected_action": [c.pk for c in consultations]},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# Drafting


def test_the_add_form_consults_every_member_state_unless_told_otherwise(
    admin_client, nigeria, turkiye
):
    form = admin_client.get(ADD).context["adminform"].form
    assert set(form.initial["states"]) == {nigeria.pk, turkiye.pk}


def test_the_secretariat_drafts_a_consultation_on_a_plan(admin_client, plan, nigeria, turkiye):
    response = admin_client.post(ADD, add_form(plan=plan, states=[nigeria, turkiye]))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.status == Consultation.Status.DRAFT
    assert set(consultation.states.all()) == {nigeria, turkiye}
    assert consultation.deadline is None


def test_a_deadline_in_the_past_is_a_field_error_and_nothing_is_saved(admin_client, plan, nigeria):
    response = admin_client.post(
        ADD, add_form(plan=plan, states=[nigeria], deadline=(TODAY - DAY).isoformat())
    )
    assert response.status_code == 200
    assert "deadline" in response.context["adminform"].form.errors
    assert not Consultation.objects.exists()


def test_a_draft_on_both_a_plan_and_a_document_is_refused(admin_client, plan, nigeria):
    response = admin_client.post(
        ADD, add_form(plan=plan, document=DocumentFactory(kind="draft"), states=[nigeria])
    )
    assert response.status_code == 200
    assert "Circulate either an action plan or a document." in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_adopted_plan_is_not_offered(admin_client, nigeria):
    adopted = ActionPlanFactory(status="adopted")
    response = admin_client.post(ADD, add_form(plan=adopted, states=[nigeria]))
    assert "plan" in response.context["adminform"].form.errors
    assert not Consultation.objects.exists()


# Circulating and closing


def test_circulate_action_opens_the_draft_with_a_month_to_answer(admin_client, plan, nigeria):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    response = action(admin_client, "circulate", draft)
    draft.refresh_from_db()
    assert (draft.status, draft.circulated_on, draft.deadline) == (
        Consultation.Status.OPEN,
        TODAY,
        datetime.date(2026, 6, 20),
    )
    assert "answers are due by 20 June 2026" in messages_of(response)[0]


def test_circulating_an_open_consultation_again_changes_nothing(admin_client, plan, nigeria):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    response = action(admin_client, "circulate", consultation)
    assert "was not circulated" in messages_of(response)[0]
    consultation.refresh_from_db()
    assert consultation.circulated_on == datetime.date(2026, 5, 1)


def test_circulating_a_draft_with_a_passed_deadline_is_refused(admin_client, plan, nigeria, today):
    draft = ConsultationFactory(plan=plan, states=[nigeria], deadline=TODAY + DAY)
    today.set(TODAY + 2 * DAY)
    response = action(admin_client, "circulate", draft)
    assert "cannot be before the circulation" in messages_of(response)[0]
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.DRAFT


def test_close_action_closes_once(admin_client, plan, nigeria, secretariat):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    first = action(admin_client, "close_now", consultation)
    second = action(admin_client, "close_now", consultation)
    consultation.refresh_from_db()
    assert consultation.closed_by == secretariat
    assert "is closed: adopted" in messages_of(first)[0]
    assert "was closed already" in messages_of(second)[0]
    assert ConsultationAnswer.objects.count() == 1


def test_once_circulated_the_states_and_the_deadline_are_read_only(
    admin_client, plan, nigeria, turkiye
):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    data = add_form(plan=plan, states=[nigeria, turkiye], deadline="2026-12-31")
    data["title"] = "Renamed draft"
    response = admin_client.post(change_url(consultation), data)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Renamed draft"
    assert consultation.deadline == DEADLINE
    assert list(consultation.states.all()) == [nigeria]


# Extending


def test_the_secretariat_extends_the_deadline_with_a_reason(
    admin_client, plan, nigeria, secretariat
):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    assert "Extend the deadline" in admin_client.get(change_url(consultation)).content.decode()
    response = admin_client.post(
        extend_url(consultation),
        {"deadline": "2026-06-14", "reason": "The technical session needs two more weeks."},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.deadline == datetime.date(2026, 6, 14)
    extension = DeadlineExtension.objects.get()
    assert extension.extended_by == secretariat
    assert extension.previous_deadline == DEADLINE
    page = admin_client.get(change_url(consultation)).content.decode()
    assert "The technical session needs two more weeks." in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"deadline": "2026-05-30", "reason": "Earlier?"}, "deadline"),
        ({"deadline": "2026-06-14", "reason": ""}, "reason"),
        ({"deadline": "next week", "reason": "Typed wrong."}, "deadline"),
    ],
)
def test_a_bad_extension_is_a_field_error_and_nothing_changes(
    admin_client, plan, nigeria, data, field
):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    response = admin_client.post(extend_url(consultation), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    consultation.refresh_from_db()
    assert consultation.deadline == DEADLINE
    assert not DeadlineExtension.objects.exists()


def test_extending_after_the_deadline_is_refused(admin_client, plan, nigeria, today):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    today.set(DEADLINE + DAY)
    response = admin_client.post(
        extend_url(consultation), {"deadline": "2026-06-14", "reason": "Too late."}
    )
    assert "whose deadline has not passed" in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_staff_outside_the_secretariat_group_cannot_extend(client, plan, nigeria):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    client.force_login(UserFactory(username="intern", is_staff=True))
    response = client.post(
        extend_url(consultation), {"deadline": "2026-06-14", "reason": "Why not."}
    )
    assert response.status_code == 403
    assert not DeadlineExtension.objects.exists()


def test_a_focal_point_is_sent_to_the_admin_login_from_the_extension_page(
    client, nigeria_focal, plan, nigeria
):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    client.force_login(nigeria_focal)
    response = client.post(
        extend_url(consultation), {"deadline": "2026-06-14", "reason": "Please."}
    )
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    assert not DeadlineExtension.objects.exists()


# Answers and comments


@pytest.fixture
def answered(plan, nigeria, turkiye):
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria, turkiye])
    answer = ConsultationAnswerFactory(
        consultation=consultation, state=nigeria, position="accept_with_comments"
    )
    comment = ConsultationComment.objects.create(
        answer=answer, item=plan.items.get(), text="Add a staffing table."
    )
    return consultation, answer, comment


def change_data(consultation, comment, response="", reason=""):
    data = add_form(plan=consultation.plan, states=consultation.states.all())
    data["title"] = consultation.title
    data.update(
        {
            "extensions-TOTAL_FORMS": "0",
            "extensions-INITIAL_FORMS": "0",
            "answers-TOTAL_FORMS": "1",
            "answers-INITIAL_FORMS": "1",
            "answers-0-id": comment.answer_id,
            "answers-0-consultation": consultation.pk,
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "1",
            "comments-0-id": comment.pk,
            "comments-0-consultation": consultation.pk,
            "comments-0-response": response,
            "comments-0-response_reason": reason,
        }
    )
    return data


def test_the_secretariat_responds_to_a_comment(admin_client, answered, secretariat):
    consultation, _, comment = answered
    response = admin_client.post(
        change_url(consultation),
        change_data(consultation, comment, "partly_accepted", "A table of posts only."),
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.response, comment.response_reason) == (
        "partly_accepted",
        "A table of posts only.",
    )
    assert comment.responded_by == secretariat
    assert comment.responded_at is not None
    assert comment.text == "Add a staffing table."


def test_not_accepting_a_comment_without_a_reason_is_a_field_error(admin_client, answered):
    consultation, _, comment = answered
    response = admin_client.post(
        change_url(consultation), change_data(consultation, comment, "not_accepted", "")
    )
    assert response.status_code == 200
    assert "Give the reason when a comment is not fully accepted." in response.content.decode()
    comment.refresh_from_db()
    assert comment.response == ""


def test_the_states_answers_cannot_be_changed_in_the_admin(admin_client, answered):
    consultation, answer, comment = answered
    data = change_data(consultation, comment)
    data.update({"answers-0-position": "object", "answers-0-reasons": "Forged."})
    admin_client.post(change_url(consultation), data)
    answer.refresh_from_db()
    assert (answer.position, answer.reasons) == ("accept_with_comments", "")


def test_the_change_page_shows_answers_comments_and_the_compilation_links(admin_client, answered):
    consultation, _, _ = answered
    page = admin_client.get(change_url(consultation)).content.decode()
    assert "Accept with comments" in page
    assert "Add a staffing table." in page
    assert f"/consultations/{consultation.pk}/compilation.pdf" in page
    assert f"/consultations/{consultation.pk}/compilation.xlsx" in page


def test_the_changelist_shows_how_many_states_answered(admin_client, answered):
    page = admin_client.get(CHANGELIST).content.decode()
    assert "1 of 2" in page


def test_secretariat_group_reads_answers_and_responds_to_comments_only(secretariat_group):
    codenames = set(
        secretariat_group.permissions.filter(content_type__app_label="consultations").values_list(
            "codename", flat=True
        )
    )
    assert {"add_consultation", "change_consultation", "view_consultation"} <= codenames
    assert "view_consultationanswer" in codenames
    assert not {"add_consultationanswer", "change_consultationanswer"} & codenames
    assert not {"delete_consultationanswer"} & codenames
    assert {"view_consultationcomment", "change_consultationcomment"} <= codenames
    assert not {"add_consultationcomment", "delete_consultationcomment"} & codenames
    assert {"view_deadlineextension", "add_deadlineextension"} <= codenames
    assert not {"change_deadlineextension", "delete_deadlineextension"} & codenames
    assert "view_consultationnotice" in codenames
    assert not {"add_consultationnotice", "change_consultationnotice"} & codenames
    assert Permission.objects.filter(codename="view_historicalconsultationanswer").exists()


def test_a_draft_can_be_deleted_but_a_circulated_consultation_cannot(admin_client, plan, nigeria):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    consultation = OpenConsultationFactory(plan=plan, deadline=DEADLINE, states=[nigeria])
    delete = "admin:consultations_consultation_delete"
    assert (
        admin_client.post(reverse(delete, args=[consultation.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.post(reverse(delete, args=[draft.pk]), {"post": "yes"}).status_code == 302
    assert list(Consultation.objects.all()) == [consultation]
    actions = admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]


def test_the_dashboard_lists_open_consultations_with_their_answers(admin_client, answered):
    consultation, _, _ = answered
    response = admin_client.get(reverse("admin:index"))
    assert response.context["dashboard"]["open_consultations"] == [consultation]
    assert "1 of 2 states answered" in response.content.decode()


def test_the_dashboard_runs_the_same_queries_for_3_and_30_open_consultations(
    admin_client, plan, nigeria, turkiye
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(n):
        for _ in range(n):
            consultation = OpenConsultationFactory(
                plan=plan, deadline=DEADLINE, states=[nigeria, turkiye]
            )
            ConsultationAnswerFactory(consultation=consultation, state=nigeria)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse("admin:index")).status_code == 200
        return len(queries)

    admin_client.get(reverse("admin:index"))
    assert queries_with(3) == queries_with(27)
