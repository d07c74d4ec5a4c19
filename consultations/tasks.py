from celery import shared_task

from core.clock import secretariat_today
from core.queue import SWEEP_TASK


@shared_task(**SWEEP_TASK)
def consultation_sweep(self):
    """The consultations' daily work, run by beat: close those past their deadline, remind
    the states that have not answered, and send every notice owed."""
    from . import services  # it enqueues this module's tasks: import late

    services.consultation_sweep(today=secretariat_today())


@shared_task
def send_consultation_notices():
    """Send the consultation e-mails owed (circulation, extension, result), each once: after
    the commit that recorded them, and every few minutes by beat for those no worker sent."""
    from . import services

    services.consultation_notices_send(today=secretariat_today())
