"""Posting progress never depends on the broker (issue 21, item 12): the Secretariat's notice is
recorded with the update, the post answers 201 with the broker down or hung, and the notice
goes when a worker (or the sweep of pending notices) runs again."""

import importlib
import time

import pytest
from django.apps import apps
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from actionplans.models import ProgressNotice, ProgressUpdate
from actionplans.tasks import notify_progress_posted, send_pending_notices
from tests.celery_broker import broker_at
from tests.factories import ActionItemFactory, OutcomeFactory
from tests.recording_server import silent_server

schedule_migration = importlib.import_module("actionplans.migrations.0012_pending_notices_schedule")

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def nigerias_item(nigeria):
    return ActionItemFactory(reference="AI-NG-01", lead_state=nigeria)


def post_progress(api, item, narrative="Venue booked."):
    return api.post(
        f"/api/v1/action-items/{item.pk}/progress-updates/",
        {"status": "in_progress", "percent_complete": 60, "narrative": narrative},
    )


def test_a_progress_post_with_the_broker_down_answers_201_and_records_the_notice(
    api, nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox
):
    api.force_authenticate(nigeria_focal)

    with broker_at(DOWN), django_capture_on_commit_callbacks(execute=True):
        response = post_progress(api, nigerias_item)

    assert response.status_code == 201, response.content
    notice = ProgressNotice.objects.get()
    assert (notice.update_id, notice.recipient, notice.sent_at) == (
        response.json()["id"],
        settings.SECRETARIAT_EMAIL,
        None,
    )
    assert mailoutbox == []


def test_the_notice_of_a_post_made_with_the_broker_down_goes_once_when_it_returns(
    api, nigeria_focal, nigerias_item, django_capture_on_commit_callbacks, mailoutbox
):
    api.force_authenticate(nigeria_focal)
    with broker_at(DOWN), django_capture_on_commit_callbacks(execute=True):
        post_progress(api, nigerias_item)

    send_pending_notices.delay()  # beat's next run, once the broker answers again
    send_pending_notices.delay()

    assert [message.to for message in mailoutbox] == [[settings.SECRETARIAT_EMAIL]]
    assert "AI-NG-01" in mailoutbox[0].subject
    assert ProgressNotice.objects.get().sent_at is not None


def test_a_progress_post_with_the_broker_hung_answers_201_within_seconds(
    api, nigeria_focal, nigerias_item, django_capture_on_commit_callbacks
):
    api.force_authenticate(nigeria_focal)

    with silent_server() as port, broker_at(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_progress(api, nigerias_item)
        took = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert took < 15
    assert ProgressNotice.objects.filter(sent_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_progress_post_on_an_item_in_a_meeting_report_answers_201_with_the_broker_down(
    api, nigeria, nigeria_focal, caplog
):
    with broker_at(DOWN):  # each change commits, and its report's render cannot be queued
        item = ActionItemFactory(lead_state=nigeria, outcome=OutcomeFactory())
        api.force_authenticate(nigeria_focal)
        caplog.clear()
        response = post_progress(api, item)

    assert response.status_code == 201, response.content
    assert ProgressUpdate.objects.filter(item=item).count() == 1
    assert ProgressNotice.objects.filter(sent_at__isnull=True).count() == 1
    failures = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert failures == [
        f"queueing the render of meeting {item.outcome.meeting_id} failed",
        "queueing actionplans.tasks.notify_progress_posted failed; the sweep of pending work "
        "does it",
    ]


def test_the_worker_sends_the_notice_of_its_update_once(
    nigeria_focal, nigerias_item, mailoutbox, django_capture_on_commit_callbacks
):
    from actionplans.services import progress_update_post

    with django_capture_on_commit_callbacks(execute=True):
        update = progress_update_post(
            item=nigerias_item, user=nigeria_focal, status="in_progress", narrative="Lease."
        )
    notify_progress_posted.delay(update.pk)  # delivered twice

    assert len(mailoutbox) == 1


def test_beat_sends_the_pending_progress_notices_every_few_minutes(db):
    schedule_migration.create_schedule(apps, None)  # transaction=True tests elsewhere flush it
    task = PeriodicTask.objects.select_related("interval").get(name="Pending progress notices")

    assert task.task == "actionplans.tasks.send_pending_notices"
    assert (task.interval.every, task.interval.period) == (
        settings.PENDING_NOTICES_EVERY_MINUTES,
        "minutes",
    )
