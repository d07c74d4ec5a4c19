"""Exactly-once e-mail through an outbox (core.models.OutboxMessage), for every kind of notice.

A row per e-mail owed is first recorded under a unique key, then claimed by one sender with a
conditional UPDATE, grouped with the sender's other rows into one e-mail per recipient, sent,
and marked sent. A second sweep finds the rows already there; a concurrent sender finds them
claimed; a sender that died leaves claims that expire after the lease
(REMINDER_CLAIM_LEASE_MINUTES), and the next sweep sends them.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .mail import render_email

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """One e-mail: its template, its recipient and the outbox rows it sends."""

    email: str
    recipient: str
    rows: list = field(default_factory=list)

    def selector(self):
        """Which of the sender's claimed rows this e-mail sends."""
        return Q(pk__in=[row.pk for row in self.rows])


def record(model, rows):
    """Record the rows owed; those already recorded (same unique key) are left as they are."""
    model.objects.bulk_create(rows, ignore_conflicts=True)


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


def group(rows, *, email, order, key=None, delivery=Delivery):
    """One delivery per e-mail template (`email(row)`), recipient and `key(row)`, with the rows
    in the order given; deliveries ordered by `order` (template names), then recipient."""
    groups = {}
    for row in rows:
        name = email(row)
        group_key = (name, row.recipient, key(row) if key else None)
        if group_key not in groups:
            groups[group_key] = delivery(name, row.recipient)
        groups[group_key].rows.append(row)
    return sorted(groups.values(), key=lambda d: (order.index(d.email), d.recipient))


def send(eligible, *, deliveries, context):
    """Claim the `eligible` rows, make the claimed ones into deliveries (`deliveries(token)`,
    given the claim's token), and send each as its template rendered with `context(delivery)`.

    Returns the deliveries sent. A failed e-mail releases its rows' claim so that the next
    sweep sends them.
    """
    token = claim(eligible, now=timezone.now())
    if token is None:
        return []
    model = eligible.model
    sent = []
    for delivery in deliveries(token):
        mine = model.objects.filter(delivery.selector(), claim_token=token)
        try:
            message = render_email(delivery.email, context(delivery), to=[delivery.recipient])
            message.send()
        except Exception:
            logger.exception("e-mail to %s failed; it goes again", delivery.recipient)
            mine.update(claimed_at=None, claim_token=None)
            continue
        mine.update(sent_at=timezone.now())
        sent.append(delivery)
    return sent


def planned(owed, *, recorded, keys, waiting):
    """What a sweep would send, without writing or sending anything: the rows `owed` that are
    not yet `recorded` (a queryset, compared on `keys`), and the recorded rows `waiting` to be
    sent that no live sender holds."""
    known = set(recorded.values_list(*keys))
    new = [row for row in owed if tuple(getattr(row, k) for k in keys) not in known]
    return new, list(waiting.filter(claimable(timezone.now())))
