from celery import shared_task

from core.clock import secretariat_today
from core.queue import SWEEP_TASK, again_later_if

from .models import Reminder


@shared_task
def notify_progress_posted(update_id):
    """Tell the Secretariat that a focal point posted progress on an item (the notice
    recorded with the update, once)."""
    from . import services  # it enqueues this module's tasks: import late

    services.progress_notices_send(update_ids=[update_id])


@shared_task(**SWEEP_TASK)
def send_pending_notices(self):
    """Run by beat every few minutes: send the progress notices no worker sent after their
    commit (the broker was down, the e-mail failed)."""
    from . import services

    services.progress_notices_send()


@shared_task(**SWEEP_TASK)
def deadline_reminder_sweep(self):
    """The action items' daily work, run by beat: record the deadline reminders owed on the
    Secretariat's today and send every unsent one; run again later while some are left."""
    from . import services

    services.reminder_sweep(today=secretariat_today())
    again_later_if(self, services.reminders_pending())


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
