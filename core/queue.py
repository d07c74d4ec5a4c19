"""Queueing background work after a commit, without making the request depend on the broker.

Work that must follow a commit is recorded in the same transaction (an outbox row); queueing
the task that does it is only a way to do it sooner. So a broker that is down or hung
(bounded by the broker timeouts in settings) never fails the request that committed: the
failure is logged and the periodic sweep of pending work does it instead.
"""

import logging

from django.conf import settings
from django.db import transaction

from . import outbox

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs):
    """Queue `task` with these arguments once the current transaction commits (at once
    outside one); a failure to queue it, or of the task run in-process without a broker, is
    logged, never raised."""

    def enqueue():
        try:
            task.delay(*args, **kwargs)
        except Exception:  # any broker or transport error, or the eager task's own
            logger.exception("queueing %s failed; the sweep of pending work does it", task.name)

    enqueue.__qualname__ = f"enqueue {task.name}"
    transaction.on_commit(enqueue)


# Options of a sweep task: a sweep that fails (a database error, its soft time limit) is run
# again after a claim lease, so that what it left is sent well before the next day.
SWEEP_TASK = {
    "bind": True,
    "autoretry_for": (Exception,),
    "max_retries": 8,
    "retry_backoff": False,
    "soft_time_limit": settings.SWEEP_SOFT_TIME_LIMIT,
}


def again_later_if(task, pending):
    """Run the (bound) sweep `task` again after a claim lease when `pending`: rows another
    sender held, or whose e-mail failed, are then sent or released. In-process (no broker)
    the next sweep does it."""
    if pending and not task.request.is_eager:
        raise task.retry(countdown=outbox.lease().total_seconds())
