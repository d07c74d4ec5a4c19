"""Exactly-once e-mail, shared by deadline reminders and consultation notices.

A row per e-mail owed is first recorded under a unique key, then claimed by one sender with a
conditional UPDATE, sent, and marked sent. A second sweep finds the rows already there; a
concurrent sender finds them claimed; a sender that died leaves claims that expire after the
lease (REMINDER_CLAIM_LEASE_MINUTES), and the next sweep sends them.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def claimable(now):
    """Unclaimed rows, or rows whose claim is older than the lease (a dead sender's)."""
    stale = now - datetime.timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES)
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)


def claim(eligible, *, now):
    """Claim every claimable unsent row of the queryset `eligible` for one sender; return its
    token, or None when there was nothing to claim.

    The conditions on the row itself stay in the UPDATE's own WHERE clause (the others go in
    a subquery), so that PostgreSQL re-checks them against a row another sender has just
    claimed, and two senders never both claim it.
    """
    token = uuid.uuid4()
    claimed = (
        eligible.model.objects.filter(pk__in=eligible.values("pk"), sent_at__isnull=True)
        .filter(claimable(now))
        .update(claimed_at=now, claim_token=token)
    )
    return token if claimed else None


def send_each(deliveries, *, rows, message):
    """Send each delivery's message and mark its rows (`rows(delivery)`, a queryset) sent.

    A failed e-mail releases its rows' claim so that the next sweep sends them. Returns the
    deliveries sent.
    """
    sent = []
    for delivery in deliveries:
        mine = rows(delivery)
        try:
            message(delivery).send()
        except Exception:
            logger.exception("e-mail to %s failed; it goes again", delivery.recipient)
            mine.update(claimed_at=None, claim_token=None)
            continue
        mine.update(sent_at=timezone.now())
        sent.append(delivery)
    return sent
