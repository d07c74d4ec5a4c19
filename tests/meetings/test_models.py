import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Attendance, Meeting, Outcome, OutcomeLocked, outcomes_published
from tests.factories import AttendanceFactory, MeetingFactory, OutcomeFactory, TaskForceFactory

TODAY = datetime.date(2026, 5, 10)
DAY = datetime.timedelta(days=1)


# Dates, numbers, titles, places: rules held by the database


def test_meeting_cannot_end_before_it_starts(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(start_date=TODAY, end_date=TODAY - DAY)


def test_meeting_may_end_on_the_day_it_starts(db):
    meeting = MeetingFactory(start_date=TODAY, end_date=TODAY)

    assert meeting.pk is not None


def test_ordinal_number_is_used_once_per_kind(db):
    MeetingFactory(kind=Meeting.Kind.SME_BODIES, number=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(kind=Meeting.Kind.SME_BODIES, number=9)


def test_same_ordinal_number_may_be_used_by_a_different_kind(db):
    MeetingFactory(kind=Meeting.Kind.SME_BODIES, number=9)
    MeetingFactory(kind=Meeting.Kind.WGIC, number=9)

    assert Meeting.objects.filter(number=9).count() == 2


def test_two_workshops_without_a_number_are_fine(db):
    MeetingFactory(kind=Meeting.Kind.WORKSHOP, number=None, title="Workshop on e-commerce")
    MeetingFactory(kind=Meeting.Kind.WORKSHOP, number=None, title="Workshop on export finance")

    assert Meeting.objects.filter(kind=Meeting.Kind.WORKSHOP).count() == 2


def test_meeting_needs_an_ordinal_number_or_a_title(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(number=None, title="")


def test_meeting_with_a_title_needs_no_ordinal_number(db):
    meeting = MeetingFactory(number=None, title="Technical session on SME finance")

    assert meeting.pk is not None


def test_meeting_held_in_person_needs_a_city(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(format=Meeting.Format.IN_PERSON, city="")


def test_hybrid_meeting_needs_a_city(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(format=Meeting.Format.HYBRID, city="")


def test_virtual_meeting_needs_no_city(db):
    meeting = MeetingFactory(format=Meeting.Format.VIRTUAL, city="")

    assert meeting.pk is not None


# Attendance register


def test_a_state_sends_one_delegation_per_meeting(nigeria):
    attendance = AttendanceFactory(state=nigeria)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(state=nigeria, meeting=attendance.meeting)


def test_a_state_may_send_delegations_to_different_meetings(nigeria):
    AttendanceFactory(state=nigeria)
    AttendanceFactory(state=nigeria)

    assert nigeria.attendances.count() == 2


def test_absent_delegation_cannot_list_delegates(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(
            state=nigeria, status=Attendance.Status.ABSENT, delegates="Amina Bello, Director"
        )


def test_absent_delegation_cannot_name_a_head_of_delegation(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(
            state=nigeria, status=Attendance.Status.ABSENT, head_of_delegation="Amina Bello"
        )


def test_excused_delegation_cannot_list_delegates(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(
            state=nigeria, status=Attendance.Status.EXCUSED, delegates="Amina Bello, Director"
        )


def test_absent_delegation_without_delegates_is_recorded(nigeria):
    attendance = AttendanceFactory(state=nigeria, status=Attendance.Status.ABSENT)

    assert attendance.pk is not None


def test_present_delegation_may_list_delegates(nigeria):
    attendance = AttendanceFactory(
        state=nigeria,
        status=Attendance.Status.PRESENT,
        head_of_delegation="Amina Bello",
        delegates="Amina Bello, Director\nTunde Okafor, Adviser\n",
    )

    assert attendance.delegate_list == ["Amina Bello, Director", "Tunde Okafor, Adviser"]


# Full title and place


def test_full_title_names_the_ordinal_and_the_kind():
    meeting = MeetingFactory.build(kind=Meeting.Kind.SME_BODIES, number=9, title="")

    assert meeting.full_title == "9th Meeting of the D-8 SME Governmental Bodies"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_full_title_uses_the_english_ordinal_suffix(number, expected):
    meeting = MeetingFactory.build(kind=Meeting.Kind.WGIC, number=number, title="")

    assert meeting.full_title == (
        f"{expected} Meeting of the D-8 Working Group on Industrial Cooperation"
    )


def test_full_title_is_the_title_when_one_is_given():
    meeting = MeetingFactory.build(
        kind=Meeting.Kind.WORKSHOP, number=None, title="Workshop on SME export finance"
    )

    assert meeting.full_title == "Workshop on SME export finance"


def test_full_title_of_a_task_force_meeting_names_the_task_force(db):
    task_force = TaskForceFactory(name="Tourism")
    meeting = MeetingFactory(kind=Meeting.Kind.TASK_FORCE, task_force=task_force, number=3)

    assert meeting.full_title == "3rd D-8 Task Force on Tourism meeting"


def test_meeting_reads_as_its_full_title():
    meeting = MeetingFactory.build(kind=Meeting.Kind.SME_BODIES, number=9, title="")

    assert str(meeting) == "9th Meeting of the D-8 SME Governmental Bodies"


def test_place_of_a_virtual_meeting_is_virtual():
    meeting = MeetingFactory.build(format=Meeting.Format.VIRTUAL, city="")

    assert meeting.place == "Virtual"


def test_place_of_a_meeting_in_person_is_the_city_and_host_state(turkiye):
    meeting = MeetingFactory(format=Meeting.Format.IN_PERSON, city="Istanbul", host_state=turkiye)

    assert meeting.place == "Istanbul, Türkiye"


def test_place_of_a_hybrid_meeting_adds_online(turkiye):
    meeting = MeetingFactory(format=Meeting.Format.HYBRID, city="Istanbul", host_state=turkiye)

    assert meeting.place == "Istanbul, Türkiye and online"


def test_place_without_a_host_state_is_the_city():
    meeting = MeetingFactory.build(format=Meeting.Format.IN_PERSON, city="Abuja")

    assert meeting.place == "Abuja"


# Upcoming and recent meetings


def planned(start, end=None):
    return MeetingFactory(status=Meeting.Status.PLANNED, start_date=start, end_date=end or start)


def held(start):
    return MeetingFactory(status=Meeting.Status.HELD, start_date=start, end_date=start)


def test_upcoming_meetings_are_the_planned_ones_soonest_first(db):
    later = planned(TODAY + 30 * DAY)
    sooner = planned(TODAY + 2 * DAY)

    assert list(Meeting.objects.upcoming(today=TODAY)) == [sooner, later]


def test_upcoming_meetings_include_one_under_way(db):
    under_way = planned(TODAY - DAY, TODAY + DAY)

    assert list(Meeting.objects.upcoming(today=TODAY)) == [under_way]


def test_upcoming_meetings_include_one_ending_today(db):
    ending_today = planned(TODAY - DAY, TODAY)

    assert list(Meeting.objects.upcoming(today=TODAY)) == [ending_today]


def test_upcoming_meetings_leave_out_one_that_has_ended(db):
    planned(TODAY - 2 * DAY, TODAY - DAY)

    assert not Meeting.objects.upcoming(today=TODAY).exists()


def test_upcoming_meetings_leave_out_cancelled_ones(db):
    MeetingFactory(status=Meeting.Status.CANCELLED, start_date=TODAY + DAY, end_date=TODAY + DAY)

    assert not Meeting.objects.upcoming(today=TODAY).exists()


def test_recent_meetings_are_the_held_ones_latest_first(db):
    earlier = held(TODAY - 60 * DAY)
    latest = held(TODAY - 3 * DAY)

    assert list(Meeting.objects.recent(today=TODAY)) == [latest, earlier]


def test_recent_meetings_include_one_held_today(db):
    today = held(TODAY)

    assert list(Meeting.objects.recent(today=TODAY)) == [today]


def test_recent_meetings_leave_out_planned_ones(db):
    planned(TODAY - DAY)

    assert not Meeting.objects.recent(today=TODAY).exists()


def test_recent_meetings_leave_out_cancelled_ones(db):
    MeetingFactory(status=Meeting.Status.CANCELLED, start_date=TODAY - DAY, end_date=TODAY - DAY)

    assert not Meeting.objects.recent(today=TODAY).exists()


# Publishing outcomes


@pytest.fixture
def received():
    """The keyword arguments of every outcomes_published signal sent during the test."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    outcomes_published.connect(receiver, weak=False)
    yield calls
    outcomes_published.disconnect(receiver)


def test_publishing_outcomes_makes_the_drafts_final(secretariat):
    meeting = MeetingFactory()
    OutcomeFactory.create_batch(2, meeting=meeting)

    meeting.publish_outcomes(by=secretariat)

    assert set(meeting.outcomes.values_list("status", flat=True)) == {Outcome.Status.FINAL}


def test_publishing_outcomes_records_who_published_them(secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)

    meeting.publish_outcomes(by=secretariat)

    assert Meeting.objects.get(pk=meeting.pk).outcomes_published_by == secretariat


def test_publishing_outcomes_records_when_they_were_published(secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)
    before = timezone.now()

    meeting.publish_outcomes(by=secretariat)

    published_at = Meeting.objects.get(pk=meeting.pk).outcomes_published_at
    assert before <= published_at <= timezone.now()


def test_publishing_outcomes_refreshes_the_meeting_it_was_called_on(secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)

    meeting.publish_outcomes(by=secretariat)

    assert meeting.outcomes_are_published
    assert meeting.outcomes_published_by == secretariat


def test_publishing_outcomes_returns_the_newly_final_ones(secretariat):
    meeting = MeetingFactory()
    already_final = OutcomeFactory(meeting=meeting, status=Outcome.Status.FINAL)
    drafts = OutcomeFactory.create_batch(2, meeting=meeting)

    published = meeting.publish_outcomes(by=secretariat)

    assert {o.pk for o in published} == {o.pk for o in drafts}
    assert already_final.pk not in {o.pk for o in published}


def test_publishing_outcomes_leaves_other_meetings_drafts_alone(secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)
    other_draft = OutcomeFactory()

    meeting.publish_outcomes(by=secretariat)

    assert Outcome.objects.get(pk=other_draft.pk).status == Outcome.Status.DRAFT


def test_outcomes_published_signal_waits_for_the_commit(
    secretariat, received, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting.publish_outcomes(by=secretariat)

    assert received == []
    assert len(callbacks) == 1


def test_outcomes_published_signal_is_sent_after_the_commit(
    secretariat, received, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting, status=Outcome.Status.FINAL)
    drafts = OutcomeFactory.create_batch(2, meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting.publish_outcomes(by=secretariat)

    assert len(received) == 1
    assert received[0]["meeting"].pk == meeting.pk
    assert {o.pk for o in received[0]["outcomes"]} == {o.pk for o in drafts}


def test_outcomes_published_signal_hands_over_the_outcomes_as_final(
    secretariat, received, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting.publish_outcomes(by=secretariat)

    assert [o.status for o in received[0]["outcomes"]] == [Outcome.Status.FINAL]


# Final outcomes are locked


@pytest.fixture
def final_outcome(db):
    return OutcomeFactory(status=Outcome.Status.FINAL, text="The meeting adopted the plan.")


def test_final_outcome_cannot_be_saved_again(final_outcome):
    final_outcome.text = "The meeting rejected the plan."

    with pytest.raises(OutcomeLocked):
        final_outcome.save()


def test_final_outcome_is_unchanged_after_a_refused_save(final_outcome):
    final_outcome.text = "The meeting rejected the plan."
    with pytest.raises(OutcomeLocked):
        final_outcome.save()

    assert Outcome.objects.get(pk=final_outcome.pk).text == "The meeting adopted the plan."


def test_final_outcome_cannot_be_made_draft_again(final_outcome):
    final_outcome.status = Outcome.Status.DRAFT

    with pytest.raises(OutcomeLocked):
        final_outcome.save()


def test_final_outcome_cannot_be_deleted(final_outcome):
    with pytest.raises(OutcomeLocked):
        final_outcome.delete()

    assert Outcome.objects.filter(pk=final_outcome.pk).exists()


def test_final_outcome_fails_validation(final_outcome):
    with pytest.raises(ValidationError, match="final and cannot be changed"):
        final_outcome.full_clean()


def test_database_refuses_to_update_a_final_outcome(final_outcome):
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.filter(pk=final_outcome.pk).update(text="The meeting rejected the plan.")

    assert Outcome.objects.get(pk=final_outcome.pk).text == "The meeting adopted the plan."


def test_outcome_published_by_the_meeting_is_locked_at_the_database(secretariat):
    outcome = OutcomeFactory()
    outcome.meeting.publish_outcomes(by=secretariat)

    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.filter(pk=outcome.pk).update(text="Rewritten.")


def test_correction_may_point_to_a_final_outcome(final_outcome):
    correction = OutcomeFactory(
        meeting=final_outcome.meeting,
        corrects=final_outcome,
        text="Correction: the meeting adopted the plan as amended.",
    )

    correction.full_clean()
    assert list(final_outcome.corrections.all()) == [correction]


def test_draft_outcome_can_be_edited(db):
    draft = OutcomeFactory(text="The meeting noted the report.")

    draft.text = "The meeting welcomed the report."
    draft.save()

    assert Outcome.objects.get(pk=draft.pk).text == "The meeting welcomed the report."


def test_draft_outcome_can_be_updated_in_the_database(db):
    draft = OutcomeFactory(text="The meeting noted the report.")

    Outcome.objects.filter(pk=draft.pk).update(text="The meeting welcomed the report.")

    assert Outcome.objects.get(pk=draft.pk).text == "The meeting welcomed the report."


def test_draft_outcome_can_be_deleted(db):
    draft = OutcomeFactory()

    draft.delete()

    assert not Outcome.objects.filter(pk=draft.pk).exists()


def test_correction_of_a_draft_outcome_fails_validation(db):
    draft = OutcomeFactory()
    correction = OutcomeFactory.build(meeting=draft.meeting, corrects=draft)

    with pytest.raises(ValidationError, match="Only a final outcome can be corrected"):
        correction.full_clean()


# Host


def test_host_body_of_another_state_fails_validation(nigeria, kosgeb):
    meeting = MeetingFactory.build(host_state=nigeria, host_body=kosgeb)

    with pytest.raises(ValidationError, match="host body must belong to the host state"):
        meeting.full_clean()


def test_host_body_of_the_host_state_passes_validation(turkiye, kosgeb):
    meeting = MeetingFactory.build(host_state=turkiye, host_body=kosgeb)

    meeting.full_clean()
