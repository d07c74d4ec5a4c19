from celery import shared_task

from core.clock import secretariat_today


@shared_task
def send_linkage_notices():
    """Send the business-linkage e-mails owed (interest, answers, confirmations), each once."""
    from . import services  # it enqueues this module's tasks: import late

    services.linkage_notices_send()


@shared_task
def linkage_sweep():
    """The linkages' daily work, run by beat: expire opportunities past their date and send
    the e-mails owed."""
    from . import services

    services.daily_linkages_run(secretariat_today())
