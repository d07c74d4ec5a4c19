"""The outbox under overlapping sweeps (issue 21, item 11): a sweep that outlives its claim
lease, a second sweep that takes its stale rows over, and a database failure while marking
an e-mail sent. Each e-mail goes once, and no failure stops the rest of a sweep."""

import datetime
import threading
import time
import uuid
from collections import Counter
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError, connection
from django.db.models.query import QuerySet
from django.utils import timezone

from actionplans.models import Reminder
from actionplans.services import _deliveries, reminders_send
from core import outbox
from core.clock import secretariat_today
from tests.factories import ActionItemFactory
from tests.recording_server import silent_server

RECIPIENTS = [f"focal{n}@example.org" for n in range(4)]


def record_manual_reminders(state):
    item = ActionItemFactory(lead_state=state, due_date=secretariat_today())
    outbox.record(
        Reminder,
        [
            Reminder(
                item=item, recipient=r, kind=Reminder.Kind.MANUAL, step=1, due_date=item.due_date
            )
            for r in RECIPIENTS
        ],
    )


def sweep():
    return reminders_send(kinds=Reminder.DIGEST_KINDS, today=secretariat_today())


def sent_to():
    return Counter(to for message in mail.outbox for to in message.to)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_overlapping_past_the_lease_send_each_digest_once(nigeria, settings):
    settings.EMAIL_BACKEND = "tests.slow_mail.SlowLocmemBackend"  # 0.5 s a message
    settings.REMINDER_CLAIM_LEASE_MINUTES = 1 / 60  # one second: the first sweep outlives it
    mail.outbox = []
    record_manual_reminders(nigeria)

    def second_sweep():
        try:
            sweep()
        finally:
            connection.close()

    first = threading.Thread(target=second_sweep)
    first.start()
    time.sleep(1.3)  # past the lease, while the first sweep is still sending
    second = threading.Thread(target=second_sweep)
    second.start()
    first.join(30)
    second.join(30)

    assert sent_to() == Counter(RECIPIENTS)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_sweep_whose_rows_were_taken_over_does_not_send_them(nigeria, mailoutbox):
    record_manual_reminders(nigeria)

    taken_over = []

    def deliveries_after_a_takeover(rows):
        if not taken_over:
            # The first sweep has claimed its rows, then stalls past the lease: another
            # sweep takes them over and sends them all before the first goes on.
            taken_over.append(True)
            Reminder.objects.update(claimed_at=timezone.now() - datetime.timedelta(days=1))
            sweep()
        return _deliveries(rows)

    with mock.patch("actionplans.services._deliveries", deliveries_after_a_takeover):
        stalled = sweep()

    assert stalled == []
    assert sent_to() == Counter(RECIPIENTS)


@pytest.mark.django_db
def test_a_failure_to_mark_one_digest_sent_does_not_stop_the_others(nigeria, mailoutbox):
    record_manual_reminders(nigeria)
    update = QuerySet.update
    failed = []

    def update_failing_once(queryset, **values):
        if "sent_at" in values and not failed:
            failed.append(True)
            raise OperationalError("deadlock detected")
        return update(queryset, **values)

    with mock.patch.object(QuerySet, "update", update_failing_once):
        sweep()

    assert sent_to() == Counter(RECIPIENTS)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(RECIPIENTS) - 1


def test_an_smtp_operation_gives_up_well_within_the_claim_lease():
    assert 0 < settings.EMAIL_TIMEOUT * 10 <= settings.REMINDER_CLAIM_LEASE_MINUTES * 60


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_does_not_hold_the_sweep(nigeria, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 1
    record_manual_reminders(nigeria)

    with silent_server() as port:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        started = time.monotonic()
        sent = sweep()
        took = time.monotonic() - started

    assert sent == []
    assert took < 4 * len(RECIPIENTS)
    # Released for the next sweep.
    assert not Reminder.objects.filter(claimed_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_digest_lists_only_the_items_whose_reminders_its_sender_still_holds(nigeria, mailoutbox):
    kept = ActionItemFactory(reference="NG-KEPT", lead_state=nigeria, due_date=secretariat_today())
    lost = ActionItemFactory(reference="NG-LOST", lead_state=nigeria, due_date=secretariat_today())
    outbox.record(
        Reminder,
        [
            Reminder(
                item=i,
                recipient=RECIPIENTS[0],
                kind=Reminder.Kind.MANUAL,
                step=1,
                due_date=i.due_date,
            )
            for i in (kept, lost)
        ],
    )
    taken_over = []

    def deliveries_after_a_partial_takeover(rows):
        made = _deliveries(rows)
        if not taken_over:
            # Between making the digest and sending it, another sender (past the lease) takes
            # over the reminder of one of its items.
            taken_over.append(True)
            Reminder.objects.filter(item=lost).update(claim_token=uuid.uuid4())
        return made

    with mock.patch("actionplans.services._deliveries", deliveries_after_a_partial_takeover):
        sent = sweep()

    assert [d.total for d in sent] == [1]
    [digest] = mailoutbox
    assert "NG-KEPT" in digest.body
    assert "NG-LOST" not in digest.body
    assert Reminder.objects.get(item=kept).sent_at is not None
    assert Reminder.objects.get(item=lost).sent_at is None
