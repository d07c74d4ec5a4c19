"""Best practices: the status flow, who reads and edits what, the database's rules."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knowledge.models import BestPractice, InvalidTransition, pillar_label
from tests.factories import (
    BestPracticeFactory,
    FocalPointFactory,
    MemberStateFactory,
    SMEBodyFactory,
)

Status = BestPractice.Status


@pytest.fixture
def draft(nigerian_draft):
    return nigerian_draft


def test_submitting_a_draft_records_when(draft, nigeria_focal):
    draft.submit(by=nigeria_focal)
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at is not None


def test_publishing_records_who_published_and_when(draft, nigeria_focal, secretariat):
    draft.submit(by=nigeria_focal)
    draft.publish(by=secretariat)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_by == secretariat
    assert draft.published_at is not None


def test_a_draft_cannot_be_published_before_it_is_submitted(draft, secretariat):
    with pytest.raises(InvalidTransition, match="draft"):
        draft.publish(by=secretariat)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.published_at is None


def test_returning_needs_a_comment(draft, nigeria_focal, secretariat):
    draft.submit(by=nigeria_focal)
    with pytest.raises(ValidationError):
        draft.return_to_state(by=secretariat, comment="   ")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_returned_practice_carries_the_comment_and_can_be_submitted_again(
    draft, nigeria_focal, secretariat
):
    draft.submit(by=nigeria_focal)
    draft.return_to_state(by=secretariat, comment="Give the results with figures.")
    assert draft.status == Status.RETURNED
    assert draft.return_comment == "Give the results with figures."
    draft.submit(by=nigeria_focal)
    draft.publish(by=secretariat)
    assert draft.status == Status.PUBLISHED
    assert draft.return_comment == ""


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED])
def test_only_a_published_practice_can_be_archived(nigeria, status, secretariat):
    practice = BestPracticeFactory(state=nigeria, status=status)
    with pytest.raises(InvalidTransition):
        practice.archive(by=secretariat)
    practice.refresh_from_db()
    assert practice.status == status


def test_archiving_takes_a_published_practice_out(nigerian_practice, secretariat):
    nigerian_practice.archive(by=secretariat)
    assert nigerian_practice.status == Status.ARCHIVED
    assert not BestPractice.objects.published().exists()


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED, Status.SUBMITTED])
def test_a_practice_out_of_its_states_hands_cannot_be_submitted(nigeria, status, nigeria_focal):
    practice = BestPracticeFactory(state=nigeria, status=status)
    with pytest.raises(InvalidTransition):
        practice.submit(by=nigeria_focal)


def test_each_step_is_in_the_history_with_who_and_why(draft, nigeria_focal, secretariat):
    draft.submit(by=nigeria_focal)
    draft.return_to_state(by=secretariat, comment="Add figures.")
    draft.submit(by=nigeria_focal)
    draft.publish(by=secretariat)
    steps = [
        (h.status, h.history_user, h.history_change_reason)
        for h in draft.history.order_by("history_date", "history_id")
    ][1:]
    assert steps == [
        (Status.SUBMITTED, nigeria_focal, "Submitted"),
        (Status.RETURNED, secretariat, "Returned: Add figures."),
        (Status.SUBMITTED, nigeria_focal, "Submitted"),
        (Status.PUBLISHED, secretariat, "Published"),
    ]


def test_database_refuses_a_published_practice_without_publication_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        BestPracticeFactory(state=nigeria, status=Status.PUBLISHED, published_at=None)


def test_database_refuses_a_returned_practice_without_comment(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        BestPracticeFactory(state=nigeria, status=Status.RETURNED, return_comment="")


@pytest.mark.parametrize("year", [1949, 2101])
def test_database_refuses_an_implausible_start_year(nigeria, year):
    with pytest.raises(IntegrityError), transaction.atomic():
        BestPracticeFactory(state=nigeria, start_year=year)


def test_the_body_must_be_one_of_the_practices_state(nigeria, kosgeb):
    practice = BestPracticeFactory.build(state=nigeria, body=kosgeb)
    with pytest.raises(ValidationError) as raised:
        practice.full_clean()
    assert "body" in raised.value.message_dict


def test_the_contact_must_be_a_focal_point_of_the_practices_state(nigeria, smedan, kosgeb):
    turkish = FocalPointFactory(body=kosgeb)
    practice = BestPracticeFactory.build(state=nigeria, body=smedan, contact=turkish)
    with pytest.raises(ValidationError) as raised:
        practice.full_clean()
    assert "contact" in raised.value.message_dict


def test_a_practice_under_no_pillar_is_labelled_as_such(nigerian_practice):
    assert pillar_label("") == "Other SME policy areas"
    assert nigerian_practice.pillar_label == "Access to finance"


# Who reads what


@pytest.fixture
def every_practice(nigerian_practice, nigerian_draft, turkish_practice, unpublished_turkish):
    return {
        "nigerian published": nigerian_practice,
        "nigerian draft": nigerian_draft,
        "turkish published": turkish_practice,
        **{f"turkish {status}": p for status, p in unpublished_turkish.items()},
    }


def _titles(practices):
    return set(practices.values_list("title", flat=True))


def test_anonymous_visitors_and_delegates_see_only_published_practices(every_practice, delegate):
    published = {"Micro-finance for SMEs", "SME financing model"}
    assert _titles(BestPractice.objects.visible_to(AnonymousUser())) == published
    assert _titles(BestPractice.objects.visible_to(delegate)) == published


def test_a_focal_point_sees_published_practices_and_every_one_of_their_state(
    every_practice, nigeria_focal
):
    assert _titles(BestPractice.objects.visible_to(nigeria_focal)) == {
        "Micro-finance for SMEs",
        "Recycling of waste by small enterprises",
        "SME financing model",
    }


def test_the_secretariat_sees_every_practice(every_practice, secretariat):
    assert BestPractice.objects.visible_to(secretariat).count() == len(every_practice)


def test_a_focal_point_edits_only_their_states_drafts_and_returned_practices(
    every_practice, turkiye_focal
):
    assert _titles(BestPractice.objects.editable_by(turkiye_focal)) == {
        "Turkish draft practice",
        "Turkish returned practice",
    }


def test_an_inactive_focal_point_sees_nothing_unpublished(every_practice, nigeria_focal):
    nigeria_focal.focal_point.is_active = False
    nigeria_focal.focal_point.save()
    assert "Recycling of waste by small enterprises" not in _titles(
        BestPractice.objects.visible_to(nigeria_focal)
    )
    assert not BestPractice.objects.editable_by(nigeria_focal).exists()


def test_pillar_order_follows_the_call_to_action_and_puts_no_pillar_last(db):
    state = MemberStateFactory(iso_code="MY")
    body = SMEBodyFactory(state=state)
    for pillar in ["", "green_transition", "access_to_finance", "digital_transformation"]:
        BestPracticeFactory(state=state, body=body, pillar=pillar, title=f"P {pillar}")
    ordered = [p.pillar for p in BestPractice.objects.in_pillar_order()]
    assert ordered == ["digital_transformation", "access_to_finance", "green_transition", ""]
