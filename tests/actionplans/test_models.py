import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans.models import ActionItem, ActionPlan, ProgressUpdate, ProgressUpdateLocked
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    MemberStateFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
)

TODAY = datetime.date(2026, 5, 10)
DAY = datetime.timedelta(days=1)
Status = ActionItem.Status


# Rules held by the database


@pytest.mark.parametrize("percent", [-1, 101])
def test_item_percent_outside_0_to_100_is_rejected(db, percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItemFactory(status=Status.IN_PROGRESS, percent_complete=percent)


@pytest.mark.parametrize("percent", [0, 100])
def test_item_percent_at_the_bounds_is_accepted(db, percent):
    item = ActionItemFactory(status=Status.IN_PROGRESS, percent_complete=percent)

    assert ActionItem.objects.get(pk=item.pk).percent_complete == percent


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_update_percent_outside_0_to_100_is_rejected(db, percent):
    item = ActionItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(item=item, percent_complete=percent)


def test_completed_item_must_be_100_percent_complete(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItemFactory(status=Status.COMPLETED, percent_complete=90)


def test_completed_item_at_100_percent_is_accepted(db):
    item = ActionItemFactory(status=Status.COMPLETED, percent_complete=100)

    assert item.pk is not None


def test_item_weight_must_be_at_least_1(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItemFactory(weight=0)


def test_item_without_a_lead_state_is_rejected(db):
    plan = ActionPlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(
            plan=plan, reference="AI-NOLEAD", title="Nobody leads", due_date=TODAY
        )


# Progress updates are history


@pytest.fixture
def progress_update(db):
    return ProgressUpdateFactory(narrative="Half of the work is done.")


def test_progress_update_cannot_be_saved_a_second_time(progress_update):
    progress_update.narrative = "All of the work is done."

    with pytest.raises(ProgressUpdateLocked):
        progress_update.save()


def test_database_refuses_to_update_a_progress_update(progress_update):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.filter(pk=progress_update.pk).update(narrative="Rewritten.")

    assert ProgressUpdate.objects.get(pk=progress_update.pk).narrative == (
        "Half of the work is done."
    )


def test_progress_update_cannot_be_deleted(progress_update):
    with pytest.raises(ProgressUpdateLocked):
        progress_update.delete()

    assert ProgressUpdate.objects.filter(pk=progress_update.pk).exists()


def test_item_keeps_several_progress_updates(db):
    item = ActionItemFactory()
    ProgressUpdateFactory(item=item, percent_complete=25)
    ProgressUpdateFactory(item=item, percent_complete=50)

    assert item.progress_updates.count() == 2


# Querysets


def an_item(**kwargs):
    kwargs.setdefault("due_date", TODAY)
    return ActionItemFactory(**kwargs)


def test_overdue_items_are_open_ones_past_their_due_date(db):
    late = an_item(due_date=TODAY - DAY, status=Status.IN_PROGRESS, percent_complete=40)

    assert list(ActionItem.objects.overdue(today=TODAY)) == [late]


def test_item_due_today_is_not_overdue(db):
    an_item(due_date=TODAY)

    assert not ActionItem.objects.overdue(today=TODAY).exists()


@pytest.mark.parametrize(("status", "percent"), [(Status.COMPLETED, 100), (Status.CANCELLED, 10)])
def test_closed_item_past_its_due_date_is_not_overdue(db, status, percent):
    an_item(due_date=TODAY - DAY, status=status, percent_complete=percent)

    assert not ActionItem.objects.overdue(today=TODAY).exists()


def test_item_on_hold_past_its_due_date_is_overdue(db):
    on_hold = an_item(due_date=TODAY - DAY, status=Status.ON_HOLD, percent_complete=30)

    assert list(ActionItem.objects.overdue(today=TODAY)) == [on_hold]


def test_due_within_counts_from_today_to_the_last_day_inclusive(db):
    today = an_item(due_date=TODAY)
    last_day = an_item(due_date=TODAY + 7 * DAY)
    an_item(due_date=TODAY + 8 * DAY)

    assert list(ActionItem.objects.due_within(7, today=TODAY)) == [today, last_day]


def test_due_within_leaves_out_overdue_items(db):
    an_item(due_date=TODAY - DAY)

    assert not ActionItem.objects.due_within(7, today=TODAY).exists()


def test_due_within_leaves_out_closed_items(db):
    an_item(due_date=TODAY + DAY, status=Status.COMPLETED, percent_complete=100)

    assert not ActionItem.objects.due_within(7, today=TODAY).exists()


def test_open_items_are_those_neither_completed_nor_cancelled(db):
    not_started = an_item(status=Status.NOT_STARTED, reference="A-1")
    in_progress = an_item(status=Status.IN_PROGRESS, percent_complete=25, reference="A-2")
    on_hold = an_item(status=Status.ON_HOLD, percent_complete=25, reference="A-3")
    an_item(status=Status.COMPLETED, percent_complete=100, reference="A-4")
    an_item(status=Status.CANCELLED, reference="A-5")

    assert list(ActionItem.objects.open()) == [not_started, in_progress, on_hold]


def test_for_state_gives_items_the_state_leads(nigeria, turkiye):
    led = an_item(lead_state=nigeria)
    an_item(lead_state=turkiye)

    assert list(ActionItem.objects.for_state(nigeria)) == [led]


def test_for_state_gives_items_the_state_supports(nigeria, turkiye):
    supported = an_item(lead_state=turkiye)
    supported.supporting_states.add(nigeria)

    assert list(ActionItem.objects.for_state(nigeria)) == [supported]


def test_for_state_lists_an_item_once_among_several_supporting_states(nigeria, turkiye):
    supported = an_item(lead_state=MemberStateFactory(iso_code="MY"))
    supported.supporting_states.add(nigeria, turkiye, MemberStateFactory(iso_code="ID"))

    assert list(ActionItem.objects.for_state(nigeria)) == [supported]


def test_for_state_lists_an_item_once_when_the_lead_is_also_supporting(nigeria, turkiye):
    led = an_item(lead_state=nigeria)
    led.supporting_states.add(nigeria, turkiye)

    assert list(ActionItem.objects.for_state(nigeria)) == [led]


@pytest.fixture
def items_of_three_states(nigeria, turkiye):
    """Led by Nigeria, led by Türkiye with Nigeria supporting, led by Türkiye alone."""
    nigeria_led = an_item(lead_state=nigeria, reference="A-1")
    nigeria_supports = an_item(lead_state=turkiye, reference="A-2")
    nigeria_supports.supporting_states.add(nigeria)
    turkiye_only = an_item(lead_state=turkiye, reference="A-3")
    return nigeria_led, nigeria_supports, turkiye_only


def test_secretariat_sees_every_item(items_of_three_states, secretariat):
    assert list(ActionItem.objects.visible_to(secretariat)) == list(items_of_three_states)


def test_focal_point_sees_the_items_their_state_leads_or_supports(
    items_of_three_states, nigeria_focal
):
    nigeria_led, nigeria_supports, _ = items_of_three_states

    assert list(ActionItem.objects.visible_to(nigeria_focal)) == [nigeria_led, nigeria_supports]


def test_focal_point_does_not_see_items_of_other_states(items_of_three_states, turkiye_focal):
    nigeria_led, _, _ = items_of_three_states

    assert nigeria_led not in ActionItem.objects.visible_to(turkiye_focal)


def test_inactive_focal_point_sees_no_items(items_of_three_states, nigeria_focal):
    nigeria_focal.focal_point.is_active = False
    nigeria_focal.focal_point.save()

    assert not ActionItem.objects.visible_to(nigeria_focal).exists()


def test_delegate_sees_no_items(items_of_three_states, delegate):
    assert not ActionItem.objects.visible_to(delegate).exists()


def test_anonymous_visitor_sees_no_items(items_of_three_states):
    assert not ActionItem.objects.visible_to(AnonymousUser()).exists()


def test_summary_counts_items_per_status_and_overdue_and_weighs_progress(nigeria):
    an_item(lead_state=nigeria, status=Status.IN_PROGRESS, percent_complete=40, weight=3)
    an_item(lead_state=nigeria, status=Status.COMPLETED, percent_complete=100)
    an_item(lead_state=nigeria, due_date=TODAY - DAY)
    an_item(lead_state=nigeria, status=Status.CANCELLED, due_date=TODAY - DAY, weight=9)

    summary = ActionItem.objects.for_state(nigeria).summary(today=TODAY)

    assert summary == {
        "status_counts": {
            "not_started": 1,
            "in_progress": 1,
            "on_hold": 0,
            "completed": 1,
            "cancelled": 1,
        },
        "total": 4,
        "overdue": 1,
        # (40 × 3 + 100 × 1 + 0 × 1) / 5; the cancelled item does not count.
        "progress": 44,
    }


def test_summary_takes_one_query(nigeria, django_assert_num_queries):
    an_item(lead_state=nigeria)
    supported = an_item(lead_state=MemberStateFactory(iso_code="MY"))
    supported.supporting_states.add(nigeria)

    with django_assert_num_queries(1):
        summary = ActionItem.objects.for_state(nigeria).summary(today=TODAY)

    assert summary["total"] == 2


def test_summary_of_no_items_has_no_progress_and_asks_nothing(
    items_of_three_states, django_assert_num_queries
):
    with django_assert_num_queries(0):
        summary = ActionItem.objects.visible_to(AnonymousUser()).summary(today=TODAY)

    assert (summary["total"], summary["overdue"], summary["progress"]) == (0, 0, None)


# Item rules


def test_open_item_past_its_due_date_is_overdue():
    assert ActionItemFactory.build(due_date=TODAY - DAY).is_overdue(today=TODAY)


def test_open_item_due_today_is_not_overdue():
    assert not ActionItemFactory.build(due_date=TODAY).is_overdue(today=TODAY)


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_closed_item_is_never_overdue(status):
    closed = ActionItemFactory.build(due_date=TODAY - DAY, status=status)

    assert not closed.is_overdue(today=TODAY)


def test_responsible_states_list_the_lead_state_first(nigeria, turkiye):
    malaysia = MemberStateFactory(name="Malaysia", iso_code="MY")
    egypt = MemberStateFactory(name="Egypt", iso_code="EG")
    led = an_item(lead_state=turkiye)
    led.supporting_states.add(nigeria, malaysia, egypt)

    states = led.responsible_states()

    assert states[0] == turkiye
    assert set(states[1:]) == {nigeria, malaysia, egypt}


def test_responsible_states_name_the_lead_state_once(nigeria, turkiye):
    led = an_item(lead_state=nigeria)
    led.supporting_states.add(nigeria, turkiye)

    assert led.responsible_states() == [nigeria, turkiye]


def test_item_is_the_responsibility_of_its_lead_and_supporting_states(nigeria, turkiye):
    led = an_item(lead_state=turkiye)
    led.supporting_states.add(nigeria)

    assert led.is_responsible(turkiye)
    assert led.is_responsible(nigeria)


def test_item_is_not_the_responsibility_of_an_uninvolved_state(nigeria, turkiye):
    led = an_item(lead_state=turkiye)

    assert not led.is_responsible(nigeria)


def test_completed_item_below_100_percent_fails_validation():
    completed = ActionItemFactory.build(status=Status.COMPLETED, percent_complete=90)

    with pytest.raises(ValidationError, match="completed item is 100% complete"):
        completed.clean()


@pytest.mark.parametrize(
    ("status", "current", "expected"),
    [
        (Status.NOT_STARTED, 40, 0),
        (Status.IN_PROGRESS, 40, 25),
        (Status.ON_HOLD, 40, 40),
        (Status.COMPLETED, 40, 100),
        (Status.CANCELLED, 40, 40),
        ("completed", 40, 100),
    ],
)
def test_default_percent_follows_the_new_status(status, current, expected):
    assert ActionItem.default_percent(status, current) == expected


# Plan progress


def test_plan_progress_is_weighted_by_item(db):
    plan = ActionPlanFactory()
    ActionItemFactory(plan=plan, status=Status.COMPLETED, percent_complete=100, weight=1)
    ActionItemFactory(plan=plan, percent_complete=0, weight=3)

    assert plan.progress() == 25


def test_plan_progress_leaves_out_cancelled_items(db):
    plan = ActionPlanFactory()
    ActionItemFactory(plan=plan, status=Status.IN_PROGRESS, percent_complete=60)
    ActionItemFactory(plan=plan, status=Status.CANCELLED, percent_complete=0, weight=5)

    assert plan.progress() == 60


def test_plan_without_items_has_no_progress(db):
    assert ActionPlanFactory().progress() is None


def test_plan_with_only_cancelled_items_has_no_progress(db):
    plan = ActionPlanFactory()
    ActionItemFactory(plan=plan, status=Status.CANCELLED)

    assert plan.progress() is None


def test_plan_progress_copes_with_large_item_weights(db):
    plan = ActionPlanFactory()
    ActionItemFactory(plan=plan, status=Status.COMPLETED, percent_complete=100, weight=1000)

    assert plan.progress() == 100


def test_with_progress_copes_with_large_item_weights(db):
    plan = ActionPlanFactory()
    ActionItemFactory(plan=plan, status=Status.COMPLETED, percent_complete=100, weight=1000)

    assert ActionPlan.objects.with_progress().get(pk=plan.pk).progress() == 100


def test_with_progress_gives_the_same_progress_as_each_plan_alone(db):
    weighted = ActionPlanFactory(title="A weighted")
    ActionItemFactory(plan=weighted, status=Status.COMPLETED, percent_complete=100, weight=1)
    ActionItemFactory(plan=weighted, percent_complete=0, weight=3)
    with_cancelled = ActionPlanFactory(title="B with cancelled")
    ActionItemFactory(plan=with_cancelled, status=Status.IN_PROGRESS, percent_complete=60)
    ActionItemFactory(plan=with_cancelled, status=Status.CANCELLED, weight=5)
    empty = ActionPlanFactory(title="C empty")

    annotated = {plan.pk: plan.progress() for plan in ActionPlan.objects.with_progress()}

    assert annotated == {
        weighted.pk: weighted.progress(),
        with_cancelled.pk: with_cancelled.progress(),
        empty.pk: empty.progress(),
    }
    assert annotated == {weighted.pk: 25, with_cancelled.pk: 60, empty.pk: None}


@pytest.mark.parametrize("plans", [2, 20])
def test_listing_plans_with_progress_takes_one_query(db, django_assert_num_queries, plans):
    for _ in range(plans):
        plan = ActionPlanFactory()
        ActionItemFactory(plan=plan, status=Status.IN_PROGRESS, percent_complete=50)
        ActionItemFactory(plan=plan, status=Status.CANCELLED)

    with django_assert_num_queries(1):
        progress = [plan.progress() for plan in ActionPlan.objects.with_progress()]

    assert progress == [50] * plans


@pytest.mark.django_db
def test_an_item_is_not_created_from_a_draft_outcome(nigeria):
    outcome = OutcomeFactory(number=4, text="Draft text the public must not read.")

    with pytest.raises(ValidationError, match="Outcome 4 is a draft"):
        ActionItem.create_from_outcome(
            outcome,
            plan=ActionPlanFactory(),
            reference="SME9-4",
            lead_state=nigeria,
            due_date=datetime.date(2027, 4, 27),
        )

    assert not ActionItem.objects.exists()


# Reading a state's items among many


def test_a_focal_points_items_are_read_through_the_indexes_of_lead_state_and_id(
    nigeria, turkiye, nigeria_focal
):
    ActionItemFactory(lead_state=nigeria, reference="NG-1")
    supported = ActionItemFactory(lead_state=turkiye, reference="TR-1")
    supported.supporting_states.add(nigeria)
    ActionItemFactory(lead_state=turkiye, reference="TR-2")

    mine = ActionItem.objects.visible_to(nigeria_focal)

    assert set(mine.values_list("reference", flat=True)) == {"NG-1", "TR-1"}
    # Both subqueries run first, as arrays: PostgreSQL combines the two indexes (BitmapOr)
    # where an IN subquery under the OR had it read every item (bench/explain.py).
    assert str(mine.query).count("= ANY(ARRAY(SELECT") == 2
