from celery import shared_task

from core.clock import secretariat_today


@shared_task
def agreement_sweep():
    """The agreements' daily work, run by beat: expiry reminders 90 and 30 days before the end."""
    from . import services

    services.agreement_sweep(today=secretariat_today())
