from celery import shared_task

from core.clock import secretariat_today


@shared_task
def data_call_sweep():
    """The data calls' daily work, run by beat: remind the states that have not submitted
    their figures 7 and 1 days before the deadline."""
    from . import services

    services.data_call_sweep(today=secretariat_today())
