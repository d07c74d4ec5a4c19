"""Written consultations as a story on a controlled calendar: circulating a draft, states
answering and revising until the deadline, extensions, closing under the silence and the
explicit procedure, closing twice, and an answer racing the closing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from actionplans.models import ActionPlan
from consultations.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotOpen,
    DeadlineExtension,
    one_month_after,
)
from consultations.services import (
    consultation_answer,
    consultation_circulate,
    consultation_close,
    consultation_extend,
    consultation_sweep,
    consultations_close_due,
)
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationFactory,
    DocumentFactory,
    FocalPointFactory,
    MemberStateFactory,
    SMEBodyFactory,
    UserFactory,
)

CIRCULATED = datetime.date(2026, 5, 4)
DEADLINE = datetime.date(2026, 6, 4)
DAY = datetime.timedelta(days=1)
Position = ConsultationAnswer.Position


@pytest.fixture
def pakistan(db):
    state = MemberStateFactory(name="Pakistan", slug="pakistan", iso_code="PK")
    FocalPointFactory(body=SMEBodyFactory(state=state, acronym="SMEDA"), email="pk@example.org")
    return state


@pytest.fixture
def plan(nigeria):
    plan = ActionPlanFactory(
        title="Action Plan for the D-8 SME Centre in Abuja",
        proposed_by=nigeria,
        status=ActionPlan.Status.UNDER_REFINEMENT,
    )
    ActionItemFactory(plan=plan, reference="NG-CTR-1", lead_state=nigeria)
    ActionItemFactory(plan=plan, reference="NG-CTR-2", lead_state=nigeria)
    return plan


@pytest.fixture
def consultation(plan, nigeria, turkiye, pakistan, secretariat, nigeria_focal, turkiye_focal):
    draft = ConsultationFactory(title="Draft plan for the SME Centre", plan=plan)
    draft.states.set([nigeria, turkiye, pakistan])
    return consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)


def item(reference):
    from actionplans.models import ActionItem

    return ActionItem.objects.get(reference=reference)


def answer(consultation, user, state, position=Position.ACCEPT, today=CIRCULATED, **kwargs):
    return consultation_answer(
        consultation=consultation, user=user, state=state, position=position, today=today, **kwargs
    )


# Circulating


def test_circulating_opens_the_draft_with_a_deadline_one_month_later(consultation, secretariat):
    assert consultation.status == Consultation.Status.OPEN
    assert consultation.circulated_on == CIRCULATED
    assert consultation.deadline == DEADLINE
    assert consultation.circulated_by == secretariat


@pytest.mark.parametrize(
    "circulated, deadline",
    [
        (datetime.date(2015, 1, 28), datetime.date(2015, 2, 28)),
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 15), datetime.date(2027, 1, 15)),
    ],
)
def test_one_month_after_keeps_the_day_or_takes_the_last_of_a_shorter_month(circulated, deadline):
    assert one_month_after(circulated) == deadline


def test_a_deadline_set_on_the_draft_is_kept(plan, nigeria, secretariat):
    draft = ConsultationFactory(plan=plan, deadline=CIRCULATED + 10 * DAY, states=[nigeria])
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    draft.refresh_from_db()
    assert draft.deadline == CIRCULATED + 10 * DAY


def test_a_deadline_before_circulation_is_refused_and_nothing_changes(plan, nigeria, secretariat):
    draft = ConsultationFactory(plan=plan, deadline=CIRCULATED - DAY, states=[nigeria])
    with pytest.raises(ValidationError) as error:
        consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    assert "deadline" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.DRAFT
    assert draft.circulated_on is None


def test_a_draft_without_states_is_not_circulated(plan, secretariat):
    draft = ConsultationFactory(plan=plan)
    with pytest.raises(ValidationError) as error:
        consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    assert "states" in error.value.message_dict


def test_an_adopted_plan_is_not_circulated_for_comments(nigeria, secretariat):
    adopted = ActionPlanFactory(status=ActionPlan.Status.ADOPTED)
    draft = ConsultationFactory(plan=adopted, states=[nigeria])
    with pytest.raises(ValidationError) as error:
        consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    assert "plan" in error.value.message_dict


def test_circulating_twice_is_refused(consultation, secretariat):
    with pytest.raises(ConsultationNotOpen):
        consultation_circulate(consultation=consultation, user=secretariat, today=CIRCULATED)


@pytest.mark.parametrize("persona", ["nigeria_focal", "delegate"])
def test_only_the_secretariat_circulates(request, plan, nigeria, persona):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    with pytest.raises(PermissionDenied):
        consultation_circulate(
            consultation=draft, user=request.getfixturevalue(persona), today=CIRCULATED
        )
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.DRAFT


# Answering


def test_focal_point_accepts_with_comments_on_an_item_and_a_section(
    consultation, nigeria_focal, nigeria
):
    result = answer(
        consultation,
        nigeria_focal,
        nigeria,
        Position.ACCEPT_WITH_COMMENTS,
        comments=[
            {"item": item("NG-CTR-2"), "section": "", "text": "Add a staffing table."},
            {"item": None, "section": "Section 3.2", "text": "Name the host agency."},
        ],
    )
    assert result.position == Position.ACCEPT_WITH_COMMENTS
    assert result.answered_by == nigeria_focal
    assert [(c.reference, c.text) for c in result.comments.order_by("pk")] == [
        ("NG-CTR-2", "Add a staffing table."),
        ("Section 3.2", "Name the host agency."),
    ]
    assert {c.consultation_id for c in ConsultationComment.objects.all()} == {consultation.pk}


def test_focal_point_objects_with_reasons(consultation, turkiye_focal, turkiye):
    result = answer(
        consultation, turkiye_focal, turkiye, Position.OBJECT, reasons="The budget is missing."
    )
    assert result.is_objection
    assert result.reasons == "The budget is missing."


@pytest.mark.parametrize("reasons", ["", "   "])
def test_an_objection_without_reasons_is_refused_and_nothing_is_recorded(
    consultation, turkiye_focal, turkiye, reasons
):
    with pytest.raises(ValidationError) as error:
        answer(consultation, turkiye_focal, turkiye, Position.OBJECT, reasons=reasons)
    assert "reasons" in error.value.message_dict
    assert not ConsultationAnswer.objects.exists()


def test_accepting_with_comments_needs_a_comment(consultation, nigeria_focal, nigeria):
    with pytest.raises(ValidationError) as error:
        answer(consultation, nigeria_focal, nigeria, Position.ACCEPT_WITH_COMMENTS)
    assert "comments" in error.value.message_dict


def test_a_comment_on_an_item_of_another_plan_is_refused_and_nothing_is_recorded(
    consultation, nigeria_focal, nigeria
):
    other = ActionItemFactory(reference="AZ-MOU-1", lead_state=nigeria)
    with pytest.raises(ValidationError) as error:
        answer(
            consultation,
            nigeria_focal,
            nigeria,
            Position.ACCEPT_WITH_COMMENTS,
            comments=[{"item": other, "section": "", "text": "Misplaced."}],
        )
    assert error.value.message_dict["comments"] == [
        "Comment 1: AZ-MOU-1 is not an item of the circulated plan."
    ]
    assert not ConsultationAnswer.objects.exists()
    assert not ConsultationComment.objects.exists()


@pytest.mark.parametrize(
    "comment, message",
    [
        ({"item": None, "section": "", "text": "About what?"}, "Say which action item or section"),
        ({"item": "NG-CTR-1", "section": "3.2", "text": "Both."}, "not both"),
        ({"item": "NG-CTR-1", "section": "", "text": "  "}, "Write the comment."),
    ],
)
def test_a_comment_without_one_clear_reference_or_text_is_refused(
    consultation, nigeria_focal, nigeria, comment, message
):
    if comment["item"]:
        comment = {**comment, "item": item(comment["item"])}
    with pytest.raises(ValidationError) as error:
        answer(
            consultation, nigeria_focal, nigeria, Position.ACCEPT_WITH_COMMENTS, comments=[comment]
        )
    assert message in error.value.message_dict["comments"][0]


def test_a_state_revises_its_answer_and_keeps_one_answer(consultation, nigeria_focal, nigeria):
    answer(consultation, nigeria_focal, nigeria, Position.OBJECT, reasons="Too early.")
    answer(consultation, nigeria_focal, nigeria, Position.ACCEPT, today=DEADLINE)
    assert ConsultationAnswer.objects.get().position == Position.ACCEPT
    assert ConsultationAnswer.objects.count() == 1


def test_a_revision_keeps_the_comments_it_repeats_with_their_response(
    consultation, nigeria_focal, nigeria
):
    kept = {"item": item("NG-CTR-1"), "section": "", "text": "Keep the session."}
    dropped = {"item": None, "section": "Annex", "text": "Drop the annex."}
    first = answer(
        consultation,
        nigeria_focal,
        nigeria,
        Position.ACCEPT_WITH_COMMENTS,
        comments=[kept, dropped],
    )
    response = first.comments.get(section="")
    response.response = ConsultationComment.Response.ACCEPTED
    response.save()

    added = {"item": None, "section": "Section 1", "text": "New point."}
    answer(
        consultation, nigeria_focal, nigeria, Position.ACCEPT_WITH_COMMENTS, comments=[kept, added]
    )

    comments = list(ConsultationComment.objects.order_by("pk"))
    assert [(c.reference, c.response) for c in comments] == [
        ("NG-CTR-1", "accepted"),
        ("Section 1", ""),
    ]


def test_a_focal_point_cannot_answer_for_another_state(consultation, turkiye_focal, nigeria):
    with pytest.raises(PermissionDenied):
        answer(consultation, turkiye_focal, nigeria)
    assert not ConsultationAnswer.objects.exists()


def test_a_focal_point_cannot_change_another_states_answer(
    consultation, nigeria_focal, turkiye_focal, nigeria
):
    answer(consultation, nigeria_focal, nigeria, Position.ACCEPT)
    with pytest.raises(PermissionDenied):
        answer(consultation, turkiye_focal, nigeria, Position.OBJECT, reasons="Overruled.")
    assert ConsultationAnswer.objects.get().position == Position.ACCEPT


@pytest.mark.parametrize("persona", ["secretariat", "delegate"])
def test_only_a_focal_point_answers_for_a_state(request, consultation, nigeria, persona):
    with pytest.raises(PermissionDenied):
        answer(consultation, request.getfixturevalue(persona), nigeria)
    assert not ConsultationAnswer.objects.exists()


def test_a_state_not_consulted_cannot_answer(plan, nigeria, turkiye, secretariat, turkiye_focal):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    with pytest.raises(PermissionDenied):
        answer(draft, turkiye_focal, turkiye)


def test_a_former_focal_point_cannot_answer(consultation, nigeria_focal, nigeria):
    nigeria_focal.focal_point.is_active = False
    nigeria_focal.focal_point.save()
    with pytest.raises(PermissionDenied):
        answer(consultation, nigeria_focal, nigeria)


def test_a_draft_takes_no_answers(plan, nigeria, nigeria_focal):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    with pytest.raises(ConsultationNotOpen):
        answer(draft, nigeria_focal, nigeria)


def test_a_consultation_on_a_document_takes_section_references_only(
    nigeria, nigeria_focal, secretariat
):
    draft = ConsultationFactory(plan=None, document=DocumentFactory(kind="draft"), states=[nigeria])
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    with pytest.raises(ValidationError):
        answer(
            draft,
            nigeria_focal,
            nigeria,
            Position.ACCEPT_WITH_COMMENTS,
            comments=[{"item": ActionItemFactory(), "section": "", "text": "An item?"}],
        )
    answer(
        draft,
        nigeria_focal,
        nigeria,
        Position.ACCEPT_WITH_COMMENTS,
        comments=[{"item": None, "section": "Part II", "text": "Shorter, please."}],
    )
    assert ConsultationComment.objects.get().reference == "Part II"


# The deadline lock


def test_the_last_day_still_takes_answers(consultation, nigeria_focal, nigeria):
    answer(consultation, nigeria_focal, nigeria, today=DEADLINE)
    assert ConsultationAnswer.objects.filter(state=nigeria).exists()


def test_after_the_deadline_no_answer_is_created(consultation, nigeria_focal, nigeria):
    with pytest.raises(ConsultationNotOpen, match="deadline .* has passed"):
        answer(consultation, nigeria_focal, nigeria, today=DEADLINE + DAY)
    assert not ConsultationAnswer.objects.exists()


def test_after_the_deadline_no_answer_is_changed_even_before_the_sweep(
    consultation, turkiye_focal, turkiye
):
    answer(consultation, turkiye_focal, turkiye, Position.OBJECT, reasons="No budget.")
    with pytest.raises(ConsultationNotOpen):
        answer(consultation, turkiye_focal, turkiye, Position.ACCEPT, today=DEADLINE + DAY)
    assert ConsultationAnswer.objects.get().position == Position.OBJECT


def test_the_deadline_follows_the_secretariats_calendar(
    consultation, nigeria_focal, nigeria, secretariat_clock
):
    secretariat_clock.set(DEADLINE + DAY)
    with pytest.raises(ConsultationNotOpen):
        consultation_answer(
            consultation=consultation, user=nigeria_focal, state=nigeria, position=Position.ACCEPT
        )
    secretariat_clock.set(DEADLINE)
    consultation_answer(
        consultation=consultation, user=nigeria_focal, state=nigeria, position=Position.ACCEPT
    )


def test_a_closed_consultation_takes_no_answer_before_its_deadline(
    consultation, secretariat, nigeria_focal, nigeria
):
    consultation_close(consultation=consultation, user=secretariat)
    with pytest.raises(ConsultationNotOpen, match="closed"):
        answer(consultation, nigeria_focal, nigeria, Position.OBJECT, reasons="Late.")
    assert ConsultationAnswer.objects.get(state=nigeria).position == Position.ACCEPTED_BY_SILENCE


def test_the_database_holds_one_answer_per_state_and_consultation(consultation, nigeria):
    ConsultationAnswer.objects.create(consultation=consultation, state=nigeria, position="accept")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationAnswer.objects.create(
            consultation=consultation, state=nigeria, position="object", reasons="Twice."
        )


def test_the_database_refuses_an_objection_without_reasons(consultation, nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationAnswer.objects.create(
            consultation=consultation, state=nigeria, position="object"
        )


def test_the_database_refuses_a_deadline_before_circulation(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(
            plan=plan,
            status=Consultation.Status.OPEN,
            circulated_on=CIRCULATED,
            deadline=CIRCULATED - DAY,
        )


def test_the_database_refuses_a_consultation_on_both_a_plan_and_a_document(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(plan=plan, document=DocumentFactory())


# Extending the deadline


def test_an_extension_moves_the_deadline_and_records_who_when_and_why(
    consultation, secretariat, nigeria_focal, nigeria
):
    extension = consultation_extend(
        consultation=consultation,
        user=secretariat,
        deadline=DEADLINE + 14 * DAY,
        reason="The technical session asked for two more weeks.",
        today=DEADLINE,
    )
    consultation.refresh_from_db()
    assert consultation.deadline == DEADLINE + 14 * DAY
    assert (extension.previous_deadline, extension.new_deadline) == (DEADLINE, DEADLINE + 14 * DAY)
    assert extension.extended_by == secretariat
    assert extension.extended_at is not None
    assert extension.reason == "The technical session asked for two more weeks."
    answer(consultation, nigeria_focal, nigeria, today=DEADLINE + 14 * DAY)


@pytest.mark.parametrize(
    "deadline, reason, field",
    [
        (DEADLINE, "Same day.", "deadline"),
        (DEADLINE - DAY, "Earlier.", "deadline"),
        (DEADLINE + DAY, " ", "reason"),
    ],
)
def test_a_bad_extension_is_refused_and_nothing_changes(
    consultation, secretariat, deadline, reason, field
):
    with pytest.raises(ValidationError) as error:
        consultation_extend(
            consultation=consultation,
            user=secretariat,
            deadline=deadline,
            reason=reason,
            today=CIRCULATED,
        )
    assert field in error.value.message_dict
    consultation.refresh_from_db()
    assert consultation.deadline == DEADLINE
    assert not DeadlineExtension.objects.exists()


def test_a_passed_deadline_cannot_be_extended(consultation, secretariat):
    with pytest.raises(ConsultationNotOpen):
        consultation_extend(
            consultation=consultation,
            user=secretariat,
            deadline=DEADLINE + 7 * DAY,
            reason="Too late.",
            today=DEADLINE + DAY,
        )
    assert not DeadlineExtension.objects.exists()


def test_a_focal_point_cannot_extend_the_deadline(consultation, nigeria_focal):
    with pytest.raises(PermissionDenied):
        consultation_extend(
            consultation=consultation,
            user=nigeria_focal,
            deadline=DEADLINE + 7 * DAY,
            reason="We need time.",
            today=CIRCULATED,
        )
    consultation.refresh_from_db()
    assert consultation.deadline == DEADLINE


def test_the_sweep_does_not_close_a_consultation_whose_deadline_was_extended(
    consultation, secretariat
):
    consultation_extend(
        consultation=consultation,
        user=secretariat,
        deadline=DEADLINE + 7 * DAY,
        reason="More time.",
        today=DEADLINE,
    )
    assert consultations_close_due(today=DEADLINE + DAY) == []
    consultation.refresh_from_db()
    assert consultation.is_open


# Closing


def test_the_sweep_closes_after_the_deadline_recording_silent_states_as_accepting(
    consultation, nigeria_focal, turkiye_focal, nigeria, turkiye, pakistan
):
    answer(
        consultation,
        nigeria_focal,
        nigeria,
        Position.ACCEPT_WITH_COMMENTS,
        comments=[{"item": item("NG-CTR-2"), "section": "", "text": "Add a staffing table."}],
    )
    answer(consultation, turkiye_focal, turkiye, Position.OBJECT, reasons="No budget.")

    assert consultations_close_due(today=DEADLINE) == []  # the last day is not over
    closed = consultations_close_due(today=DEADLINE + DAY)

    assert closed == [consultation]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.result == Consultation.Result.NOT_ADOPTED
    assert consultation.closed_by is None
    positions = dict(consultation.answers.values_list("state__name", "position"))
    assert positions == {
        "Nigeria": Position.ACCEPT_WITH_COMMENTS,
        "Türkiye": Position.OBJECT,
        "Pakistan": Position.ACCEPTED_BY_SILENCE,
    }


def test_without_objection_the_draft_is_adopted_by_silence(consultation, nigeria_focal, nigeria):
    answer(consultation, nigeria_focal, nigeria, Position.ACCEPT)
    consultations_close_due(today=DEADLINE + DAY)
    consultation.refresh_from_db()
    assert consultation.result == Consultation.Result.ADOPTED
    assert consultation.answers.filter(position=Position.ACCEPTED_BY_SILENCE).count() == 2


def test_under_the_explicit_procedure_a_silent_state_means_not_adopted(
    plan, nigeria, turkiye, pakistan, secretariat, nigeria_focal, turkiye_focal
):
    draft = ConsultationFactory(
        plan=plan, procedure=Consultation.Procedure.EXPLICIT, states=[nigeria, turkiye, pakistan]
    )
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    answer(draft, nigeria_focal, nigeria, Position.ACCEPT)
    answer(draft, turkiye_focal, turkiye, Position.ACCEPT)

    consultations_close_due(today=DEADLINE + DAY)

    draft.refresh_from_db()
    assert draft.result == Consultation.Result.NOT_ADOPTED
    assert draft.answers.get(state=pakistan).position == Position.NO_ANSWER
    assert not draft.answers.filter(position=Position.ACCEPTED_BY_SILENCE).exists()


def test_under_the_explicit_procedure_all_accepting_adopts(
    plan, nigeria, turkiye, secretariat, nigeria_focal, turkiye_focal
):
    draft = ConsultationFactory(
        plan=plan, procedure=Consultation.Procedure.EXPLICIT, states=[nigeria, turkiye]
    )
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    answer(draft, nigeria_focal, nigeria, Position.ACCEPT)
    answer(draft, turkiye_focal, turkiye, Position.ACCEPT)
    consultations_close_due(today=DEADLINE + DAY)
    draft.refresh_from_db()
    assert draft.result == Consultation.Result.ADOPTED


def test_the_secretariat_closes_early_and_is_recorded(consultation, secretariat):
    assert consultation_close(consultation=consultation, user=secretariat) is True
    consultation.refresh_from_db()
    assert consultation.is_closed
    assert consultation.closed_by == secretariat
    assert consultation.result == Consultation.Result.ADOPTED


def test_closing_twice_records_nothing_twice(consultation, secretariat, turkiye_focal, turkiye):
    answer(consultation, turkiye_focal, turkiye, Position.OBJECT, reasons="No budget.")
    assert consultation_close(consultation=consultation, user=secretariat) is True
    consultation.refresh_from_db()
    closed_at = consultation.closed_at
    answers = list(consultation.answers.order_by("pk").values_list("pk", "state", "position"))
    notices = consultation.notices.count()

    assert consultation_close(consultation=consultation, user=secretariat) is False
    assert consultations_close_due(today=DEADLINE + 30 * DAY) == []
    consultation_sweep(today=DEADLINE + 30 * DAY)

    consultation.refresh_from_db()
    assert consultation.closed_at == closed_at
    assert consultation.closed_by == secretariat
    assert (
        list(consultation.answers.order_by("pk").values_list("pk", "state", "position")) == answers
    )
    assert consultation.notices.count() == notices


def test_a_draft_cannot_be_closed(plan, nigeria, secretariat):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    with pytest.raises(ConsultationNotOpen):
        consultation_close(consultation=draft, user=secretariat)


def test_a_focal_point_cannot_close(consultation, nigeria_focal):
    with pytest.raises(PermissionDenied):
        consultation_close(consultation=consultation, user=nigeria_focal)
    consultation.refresh_from_db()
    assert consultation.is_open


def test_silent_states_keep_a_history_of_being_recorded(consultation, secretariat, pakistan):
    consultation_close(consultation=consultation, user=secretariat)
    silent = consultation.answers.get(state=pakistan)
    assert silent.history.count() == 1
    assert silent.history.get().history_user == secretariat


# Querysets


def test_open_consultations_are_visible_to_the_focal_points_of_consulted_states_only(
    consultation, plan, nigeria, nigeria_focal, turkiye_focal, delegate, secretariat
):
    other = ConsultationFactory(plan=plan, states=[nigeria])
    consultation_circulate(consultation=other, user=secretariat, today=CIRCULATED)
    draft = ConsultationFactory(plan=plan, states=[nigeria])

    assert set(Consultation.objects.visible_to(nigeria_focal)) == {consultation, other}
    assert set(Consultation.objects.visible_to(turkiye_focal)) == {consultation}
    assert set(Consultation.objects.visible_to(delegate)) == set()
    assert set(Consultation.objects.visible_to(secretariat)) == {consultation, other, draft}


def test_closed_consultations_are_visible_to_everyone(consultation, secretariat, delegate):
    from django.contrib.auth.models import AnonymousUser

    consultation_close(consultation=consultation, user=secretariat)
    assert list(Consultation.objects.visible_to(AnonymousUser())) == [consultation]
    assert list(Consultation.objects.visible_to(delegate)) == [consultation]


def test_answers_are_visible_to_the_secretariat_at_once_and_to_others_when_closed(
    consultation, nigeria_focal, turkiye_focal, nigeria, turkiye, secretariat, delegate
):
    answer(consultation, nigeria_focal, nigeria, Position.ACCEPT)
    answer(consultation, turkiye_focal, turkiye, Position.OBJECT, reasons="No budget.")

    def states_seen(user):
        return sorted(
            ConsultationAnswer.objects.visible_to(user).values_list("state__name", flat=True)
        )

    assert states_seen(secretariat) == ["Nigeria", "Türkiye"]
    assert states_seen(nigeria_focal) == ["Nigeria"]
    assert states_seen(turkiye_focal) == ["Türkiye"]
    assert states_seen(delegate) == []

    consultation_close(consultation=consultation, user=secretariat)
    assert states_seen(turkiye_focal) == ["Nigeria", "Pakistan", "Türkiye"]
    assert states_seen(delegate) == ["Nigeria", "Pakistan", "Türkiye"]


def test_with_counts_counts_states_and_their_own_answers(consultation, nigeria_focal, nigeria):
    answer(consultation, nigeria_focal, nigeria)
    counted = Consultation.objects.with_counts().get(pk=consultation.pk)
    assert (counted.state_count, counted.answer_count) == (3, 1)


# Racing the closing


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_the_closing_waits_for_it_and_is_refused(
    monkeypatch, plan, nigeria, turkiye, pakistan, secretariat, nigeria_focal, turkiye_focal
):
    draft = ConsultationFactory(plan=plan, states=[nigeria, turkiye, pakistan])
    consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    closing_holds_the_lock = threading.Event()
    let_closing_finish = threading.Event()
    record_closing = Consultation.record_closing

    def slow_record_closing(self, **kwargs):
        closing_holds_the_lock.set()
        assert let_closing_finish.wait(10)
        return record_closing(self, **kwargs)

    monkeypatch.setattr(Consultation, "record_closing", slow_record_closing)
    outcome = {}

    def close():
        try:
            consultation_close(consultation=draft, user=secretariat)
        finally:
            connection.close()

    def answer_late():
        try:
            answer(draft, nigeria_focal, nigeria, Position.OBJECT, reasons="Racing.")
            outcome["answer"] = "recorded"
        except ConsultationNotOpen as error:
            outcome["answer"] = error
        finally:
            connection.close()

    closer = threading.Thread(target=close)
    closer.start()
    assert closing_holds_the_lock.wait(10)
    answerer = threading.Thread(target=answer_late)
    answerer.start()
    answerer.join(0.5)
    assert answerer.is_alive(), "the answer should wait for the closing's lock"
    let_closing_finish.set()
    closer.join(10)
    answerer.join(10)

    assert isinstance(outcome["answer"], ConsultationNotOpen)
    assert ConsultationAnswer.objects.get(consultation=draft, state=nigeria).position == (
        Position.ACCEPTED_BY_SILENCE
    )
    assert ConsultationAnswer.objects.filter(consultation=draft).count() == 3


def test_a_staff_member_outside_the_secretariat_group_cannot_circulate(plan, nigeria):
    draft = ConsultationFactory(plan=plan, states=[nigeria])
    with pytest.raises(PermissionDenied):
        consultation_circulate(
            consultation=draft, user=UserFactory(username="intern", is_staff=True), today=CIRCULATED
        )
