from celery import shared_task
from django.conf import settings

from core.clock import secretariat_today
from core.mail import render_email

from .models import ProgressUpdate, Reminder


@shared_task
def notify_progress_posted(update_id):
    """Tell the Secretariat that a focal point posted progress on an item."""
    update = (
        ProgressUpdate.objects.select_related("item__plan", "item__lead_state", "author")
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        return
    render_email(
        "progress-posted",
        {"update": update, "item": update.item},
        to=[settings.SECRETARIAT_EMAIL],
    ).send()


@shared_task
def deadline_reminder_sweep():
    """The action items' daily work, run by beat: record the deadline reminders owed on the
    Secretariat's today and send every unsent one."""
    from . import services  # it enqueues this module's tasks: import late

    services.reminder_sweep(today=secretariat_today())


@shared_task
def send_requested_reminders():
    """Send the reminders the Secretariat asked for (with any other digest reminders owed)."""
    from . import services

    services.reminders_send(kinds=Reminder.DIGEST_KINDS, today=secretariat_today())


@shared_task
def send_publication_notices(outcome_ids):
    """Tell focal points about the action items arising from newly published outcomes."""
    from . import services

    services.publication_notice_send(outcome_ids=outcome_ids)
