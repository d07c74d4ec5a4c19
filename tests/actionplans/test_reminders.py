"""The daily reminder sweep, on a controlled clock: each reminder point, the digest, the
escalation, the skip rules, a due-date change, and runs repeated or interrupted."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, Reminder
from actionplans.services import (
    publication_notice_send,
    reminder_sweep,
    reminders_planned,
)
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    FocalPointFactory,
    MemberStateFactory,
    OutcomeFactory,
    SMEBodyFactory,
)

DUE = datetime.date(2026, 12, 31)
SECRETARIAT = "secretariat@d8sme.example.org"


def day(offset):
    """The date `offset` days after the due date (negative: before)."""
    return DUE + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_OFFSETS_DAYS = [14, 7, 1]
    settings.SECRETARIAT_EMAIL = SECRETARIAT


@pytest.fixture
def nigerian(nigeria_focal):
    return nigeria_focal.focal_point.email


@pytest.fixture
def turkish(turkiye_focal):
    return turkiye_focal.focal_point.email


@pytest.fixture
def item(nigeria, nigerian):
    return ActionItemFactory(reference="NG-CTR-2", lead_state=nigeria, due_date=DUE)


def recipients(mailoutbox):
    return sorted(to for message in mailoutbox for to in message.to)


def digest_to(mailoutbox, address):
    [message] = [m for m in mailoutbox if m.to == [address]]
    return message


@pytest.mark.parametrize("offset", [14, 7, 1])
def test_focal_point_is_reminded_at_each_offset_before_the_due_date(
    item, nigerian, mailoutbox, offset
):
    reminder_sweep(today=day(-offset))
    assert recipients(mailoutbox) == [nigerian]
    assert f"due in {offset} day" in mailoutbox[0].body
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.step, reminder.sent_at is not None) == (
        "before_due",
        offset,
        True,
    )


def test_focal_point_is_reminded_on_the_due_date(item, nigerian, mailoutbox):
    reminder_sweep(today=DUE)
    assert recipients(mailoutbox) == [nigerian]
    assert "due today" in mailoutbox[0].body
    assert Reminder.objects.get().kind == Reminder.Kind.ON_DUE


@pytest.mark.parametrize("weeks", [1, 2, 5])
def test_focal_point_is_reminded_every_week_while_the_item_is_overdue(
    item, nigerian, mailoutbox, weeks
):
    reminder_sweep(today=day(7 * weeks))
    assert nigerian in recipients(mailoutbox)
    assert f"overdue by {7 * weeks} days" in digest_to(mailoutbox, nigerian).body
    assert Reminder.objects.get(recipient=nigerian).step == weeks


def test_no_reminder_before_the_first_offset(item, mailoutbox):
    reminder_sweep(today=day(-15))
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_between_reminder_points_nothing_more_is_sent(item, mailoutbox):
    reminder_sweep(today=day(-7))
    for offset in range(-6, -1):
        reminder_sweep(today=day(offset))
    assert len(mailoutbox) == 1


def test_a_day_without_sweep_delays_the_reminder_instead_of_losing_it(item, nigerian, mailoutbox):
    reminder_sweep(today=day(-6))
    assert recipients(mailoutbox) == [nigerian]
    assert Reminder.objects.get().step == 7
    assert "due in 6 days" in mailoutbox[0].body


def test_following_a_whole_schedule_sends_each_reminder_point_once(item, mailoutbox):
    for offset in range(-20, 22):
        reminder_sweep(today=day(offset))
    digests = [m for m in mailoutbox if m.to != [SECRETARIAT]]
    # 14, 7 and 1 days before, on the day, then 1, 2 and 3 weeks overdue.
    assert len(digests) == 7
    assert sorted(Reminder.objects.exclude(recipient=SECRETARIAT).values_list("kind", "step")) == [
        ("before_due", 1),
        ("before_due", 7),
        ("before_due", 14),
        ("on_due", 0),
        ("overdue", 1),
        ("overdue", 2),
        ("overdue", 3),
    ]


def test_each_focal_point_gets_one_digest_listing_all_their_items(
    nigeria, turkiye, nigerian, turkish, mailoutbox
):
    ActionItemFactory(reference="NG-1", lead_state=nigeria, due_date=day(0))
    ActionItemFactory(reference="NG-2", lead_state=nigeria, due_date=day(7))
    shared = ActionItemFactory(reference="TR-1", lead_state=turkiye, due_date=day(1))
    shared.supporting_states.add(nigeria)
    ActionItemFactory(reference="NG-FAR", lead_state=nigeria, due_date=day(100))

    reminder_sweep(today=DUE)

    assert recipients(mailoutbox) == sorted([nigerian, turkish])
    nigerian_digest = digest_to(mailoutbox, nigerian)
    assert [ref in nigerian_digest.body for ref in ["NG-1", "NG-2", "TR-1", "NG-FAR"]] == [
        True,
        True,
        True,
        False,
    ]
    turkish_digest = digest_to(mailoutbox, turkish)
    assert "TR-1" in turkish_digest.body
    assert "NG-1" not in turkish_digest.body


def test_every_active_focal_point_of_a_responsible_state_is_reminded(
    nigeria, smedan, nigerian, item, mailoutbox
):
    alternate = FocalPointFactory(body=smedan, email="alt.nigeria@example.org")
    FocalPointFactory(body=smedan, email="former.nigeria@example.org", is_active=False)
    reminder_sweep(today=day(-1))
    assert recipients(mailoutbox) == sorted([nigerian, alternate.email])


def test_a_supporting_state_without_focal_point_changes_nothing(item, mailoutbox):
    item.supporting_states.add(MemberStateFactory(iso_code="PK", name="Pakistan"))
    reminder_sweep(today=day(-1))
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("status", [ActionItem.Status.COMPLETED, ActionItem.Status.CANCELLED])
def test_completed_or_cancelled_items_get_no_reminders(nigeria, nigerian, mailoutbox, status):
    percent = 100 if status == ActionItem.Status.COMPLETED else 0
    ActionItemFactory(lead_state=nigeria, due_date=DUE, status=status, percent_complete=percent)
    for offset in [-14, -7, -1, 0, 7, 14]:
        reminder_sweep(today=day(offset))
    assert mailoutbox == []
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("status", [ActionPlan.Status.COMPLETED, ActionPlan.Status.SUPERSEDED])
def test_items_of_closed_plans_get_no_reminders(nigeria, nigerian, mailoutbox, status):
    ActionItemFactory(lead_state=nigeria, due_date=DUE, plan=ActionPlanFactory(status=status))
    reminder_sweep(today=day(7))
    assert mailoutbox == []


@pytest.mark.parametrize("status", [ActionPlan.Status.DRAFT, ActionPlan.Status.UNDER_REFINEMENT])
def test_items_of_plans_still_in_draft_are_reminded(nigeria, nigerian, mailoutbox, status):
    ActionItemFactory(lead_state=nigeria, due_date=DUE, plan=ActionPlanFactory(status=status))
    reminder_sweep(today=day(-7))
    assert recipients(mailoutbox) == [nigerian]


def test_an_item_completed_after_its_reminder_was_recorded_is_not_sent(item, nigerian, mailoutbox):
    Reminder.objects.create(item=item, recipient=nigerian, kind="before_due", step=7, due_date=DUE)
    item.status, item.percent_complete = ActionItem.Status.COMPLETED, 100
    item.save()
    reminder_sweep(today=day(-7))
    assert mailoutbox == []


def test_a_changed_due_date_gets_reminders_of_its_own(item, nigerian, mailoutbox):
    reminder_sweep(today=day(-7))
    item.due_date = day(7)
    item.save()
    reminder_sweep(today=day(-7))  # same day: the new date is 14 days away
    assert len(mailoutbox) == 2
    assert "due in 14 days" in mailoutbox[1].body
    assert Reminder.objects.filter(due_date=day(7), step=14).exists()


def test_reminders_recorded_for_an_old_due_date_are_not_sent(item, nigerian, mailoutbox):
    Reminder.objects.create(item=item, recipient=nigerian, kind="before_due", step=7, due_date=DUE)
    item.due_date = day(30)
    item.save()
    reminder_sweep(today=day(-7))
    assert mailoutbox == []


def test_running_the_sweep_twice_the_same_day_sends_nothing_the_second_time(
    item, turkiye, turkish, mailoutbox
):
    ActionItemFactory(lead_state=turkiye, due_date=day(-14))
    first = reminder_sweep(today=day(-1))
    second = reminder_sweep(today=day(-1))
    assert len(first) == 3  # two digests and an escalation
    assert second == []
    assert len(mailoutbox) == 3


def test_reminders_claimed_by_another_sender_are_left_to_it(item, nigerian, mailoutbox):
    Reminder.objects.create(
        item=item,
        recipient=nigerian,
        kind="before_due",
        step=7,
        due_date=DUE,
        claimed_at=timezone.now(),
    )
    reminder_sweep(today=day(-7))
    assert mailoutbox == []


def test_reminders_of_a_sender_that_died_go_out_after_the_lease(item, nigerian, mailoutbox):
    Reminder.objects.create(
        item=item,
        recipient=nigerian,
        kind="before_due",
        step=7,
        due_date=DUE,
        claimed_at=timezone.now() - datetime.timedelta(minutes=16),
    )
    reminder_sweep(today=day(-5))
    assert recipients(mailoutbox) == [nigerian]
    assert Reminder.objects.get().sent_at is not None


def test_an_e_mail_that_fails_leaves_its_reminders_for_the_next_sweep(
    item, nigerian, mailoutbox, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise OSError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        reminder_sweep(today=day(-7))
    assert mailoutbox == []
    reminder = Reminder.objects.get()
    assert (reminder.sent_at, reminder.claimed_at) == (None, None)

    reminder_sweep(today=day(-7))
    assert recipients(mailoutbox) == [nigerian]


def test_overdue_items_are_escalated_to_the_secretariat_in_one_summary(
    nigeria, turkiye, nigerian, turkish, mailoutbox
):
    ActionItemFactory(reference="NG-LATE", lead_state=nigeria, due_date=day(-7))
    ActionItemFactory(reference="TR-LATE", lead_state=turkiye, due_date=day(-21))
    ActionItemFactory(reference="NG-FRESH", lead_state=nigeria, due_date=day(-3))

    reminder_sweep(today=DUE)

    summary = digest_to(mailoutbox, SECRETARIAT)
    assert "NG-LATE" in summary.body
    assert "TR-LATE" in summary.body
    assert "NG-FRESH" not in summary.body  # the Secretariat hears after a week
    assert "Secretariat's address for escalations" in summary.body


def test_escalation_repeats_weekly_while_overdue(item, mailoutbox):
    for offset in range(0, 22):
        reminder_sweep(today=day(offset))
    escalations = [m for m in mailoutbox if m.to == [SECRETARIAT]]
    assert len(escalations) == 3
    assert list(
        Reminder.objects.filter(kind="escalation").order_by("step").values_list("step", flat=True)
    ) == [1, 2, 3]


def test_dry_run_plans_the_sweep_without_writing_or_sending(item, nigerian, mailoutbox):
    planned = reminders_planned(today=day(-7))
    assert [(d.email, d.recipient, [i.reference for i in d.items]) for d in planned] == [
        ("reminder-digest", nigerian, ["NG-CTR-2"])
    ]
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_dry_run_leaves_out_what_was_already_sent(item, mailoutbox):
    reminder_sweep(today=day(-7))
    assert reminders_planned(today=day(-7)) == []


def test_sweep_query_count_does_not_grow_with_items(nigeria, turkiye, nigerian, turkish):
    def sweep_queries(count):
        for n in range(count):
            item = ActionItemFactory(lead_state=nigeria, due_date=day(n % 3 - 1))
            item.supporting_states.add(turkiye)
        ActionItemFactory(lead_state=turkiye, due_date=day(-7))
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            reminder_sweep(today=DUE)
        return len(queries)

    assert sweep_queries(3) == sweep_queries(30)


def test_publication_notice_tells_focal_points_of_responsible_states_once(
    nigeria, turkiye, nigerian, turkish, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(status="draft")
    shared = ActionItemFactory(reference="SME9-3", outcome=outcome, lead_state=turkiye)
    shared.supporting_states.add(nigeria)
    ActionItemFactory(reference="OTHER", lead_state=nigeria)

    with django_capture_on_commit_callbacks(execute=True):
        outcome.meeting.publish_outcomes(by=secretariat)
    publication_notice_send(outcome_ids=[outcome.pk])  # delivered a second time

    assert recipients(mailoutbox) == sorted([nigerian, turkish])
    notice = digest_to(mailoutbox, nigerian)
    assert "SME9-3" in notice.body
    assert "31 December 2026" in notice.body
    assert "OTHER" not in notice.body
    assert str(outcome.meeting) in notice.body
    assert f"/action-items/{shared.pk}/" in notice.alternatives[0][0]


def test_publishing_outcomes_without_action_items_sends_nothing(
    nigerian, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        outcome.meeting.publish_outcomes(by=secretariat)
    assert mailoutbox == []


def test_a_focal_point_of_two_states_gets_one_digest(nigeria, turkiye, mailoutbox):
    FocalPointFactory(body=SMEBodyFactory(state=nigeria), email="shared@example.org")
    FocalPointFactory(body=SMEBodyFactory(state=turkiye), email="Shared@Example.org")
    ActionItemFactory(lead_state=nigeria, due_date=DUE)
    ActionItemFactory(lead_state=turkiye, due_date=DUE)
    reminder_sweep(today=DUE)
    assert recipients(mailoutbox) == ["shared@example.org"]
    assert "Nigeria" in mailoutbox[0].subject and "Türkiye" in mailoutbox[0].subject
