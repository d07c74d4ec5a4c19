"""The set-based sweep: rows recorded by one statement under the same rule, e-mails capped, a
number of queries that does not grow with the items, and claims planned for the rows there."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import ActionItem, Reminder
from actionplans.services import DIGEST_LIMIT, reminder_sweep, reminders_record
from core import outbox
from core.db import BULK_WRITE_ROWS, statistics_refreshed
from tests.factories import ActionItemFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)
SECRETARIAT = "secretariat@d8sme.example.org"


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_OFFSETS_DAYS = [14, 7, 1]
    settings.SECRETARIAT_EMAIL = SECRETARIAT


def expected_point(days_left):
    """The rule as the README states it: the latest point reached by today."""
    if days_left <= -7:
        return ("overdue", -days_left // 7)
    if days_left <= 0:
        return ("on_due", 0)
    reached = [offset for offset in (1, 7, 14) if offset >= days_left]
    return ("before_due", min(reached)) if reached else None


def test_each_item_gets_the_latest_reminder_point_reached_and_escalations_after_a_week(
    nigeria, nigeria_focal
):
    email = nigeria_focal.focal_point.email.lower()
    items = {
        days: ActionItemFactory(lead_state=nigeria, due_date=TODAY + datetime.timedelta(days))
        for days in range(-30, 20)
    }

    reminders_record(today=TODAY)

    for days, item in items.items():
        recorded = set(
            Reminder.objects.filter(item=item, recipient=email).values_list("kind", "step")
        )
        point = expected_point(days)
        assert recorded == ({point} if point else set()), days
        escalated = Reminder.objects.filter(item=item, kind="escalation").values_list("step")
        assert list(escalated) == ([(-days // 7,)] if days <= -7 else []), days
        assert (
            Reminder.objects.filter(item=item).exclude(recipient__in=[email, SECRETARIAT]).count()
            == 0
        )


def test_supporting_states_focal_points_are_reminded_and_closed_items_are_not(
    nigeria, turkiye, nigeria_focal, turkiye_focal
):
    shared = ActionItemFactory(lead_state=nigeria, due_date=TODAY)
    shared.supporting_states.add(turkiye)
    ActionItemFactory(lead_state=nigeria, due_date=TODAY, status="completed", percent_complete=100)

    reminders_record(today=TODAY)

    assert sorted(Reminder.objects.values_list("item_id", "recipient")) == sorted(
        [
            (shared.pk, nigeria_focal.focal_point.email.lower()),
            (shared.pk, turkiye_focal.focal_point.email.lower()),
        ]
    )


def test_recording_again_the_same_day_adds_nothing(nigeria, nigeria_focal):
    ActionItemFactory(lead_state=nigeria, due_date=TODAY - datetime.timedelta(10))

    first = reminders_record(today=TODAY)
    second = reminders_record(today=TODAY)

    assert (first, second) == (2, 0)  # the focal point's reminder and the escalation


def test_a_digest_lists_the_most_urgent_items_and_counts_the_rest(
    nigeria, nigeria_focal, mailoutbox
):
    for days in range(DIGEST_LIMIT + 10):
        ActionItemFactory(
            reference=f"NG-{days:03d}",
            lead_state=nigeria,
            due_date=TODAY - datetime.timedelta(days=days),
        )

    reminder_sweep(today=TODAY)

    digest = next(m for m in mailoutbox if m.to == [nigeria_focal.focal_point.email])
    assert f"These {DIGEST_LIMIT + 10} action items" in digest.body
    assert digest.body.count("\n- NG-") == DIGEST_LIMIT
    assert "NG-059" in digest.body and "NG-009" not in digest.body  # the oldest first
    assert "… and 10 more" in digest.body
    assert "/action-items/" in digest.body.split("… and 10 more")[1]
    assert len(digest.message().as_bytes()) < 200_000
    escalation = next(m for m in mailoutbox if m.to == [SECRETARIAT])
    assert "/action-items/?overdue=on" in escalation.body
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def _sweep_queries(today):
    with CaptureQueriesContext(connection) as queries:
        reminder_sweep(today=today)
    return len(queries)


def test_the_sweep_runs_the_same_number_of_queries_for_5_and_80_items(nigeria, nigeria_focal):
    # Both sweeps send one digest and one escalation (every item overdue a week or more).
    for days in range(10, 15):
        ActionItemFactory(lead_state=nigeria, due_date=TODAY - datetime.timedelta(days=days))
    few = _sweep_queries(TODAY)
    for days in range(75):
        ActionItemFactory(lead_state=nigeria, due_date=TODAY - datetime.timedelta(days=days))
    many = _sweep_queries(TODAY + datetime.timedelta(days=7))

    assert few == many


def _reltuples(model):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_recording_a_thousand_rows_or_more_refreshes_the_planners_statistics(
    nigeria, nigeria_focal
):
    # 520 items a week overdue: a reminder to the focal point and an escalation each.
    plan = ActionPlanFactory()
    ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            reference=f"NG-{n:04d}",
            title=f"Item {n}",
            lead_state=nigeria,
            due_date=TODAY - datetime.timedelta(days=10),
        )
        for n in range(520)
    )

    assert reminders_record(today=TODAY) == 1040
    assert _reltuples(Reminder) >= 1000


def test_a_small_recording_leaves_the_statistics_to_autovacuum():
    assert not statistics_refreshed(Reminder, rows_written=BULK_WRITE_ROWS - 1)


def test_a_claim_locks_the_rows_without_sorting_them(nigeria, nigeria_focal):
    ActionItemFactory(lead_state=nigeria, due_date=TODAY - datetime.timedelta(days=10))
    reminders_record(today=TODAY)

    with CaptureQueriesContext(connection) as queries:
        token = outbox.claim(Reminder.objects.all(), now=timezone.now())

    [claim] = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert token is not None
    assert "FOR UPDATE SKIP LOCKED" in claim
    assert "ORDER BY" not in claim
