"""Exactly-once e-mail through an outbox (core.models.OutboxMessage), for every kind of notice.

A row per e-mail owed is first recorded under a unique key, then claimed by one sender with a
conditional UPDATE, grouped with the sender's other rows into one e-mail per recipient, sent,
and marked sent. A second sweep finds the rows already there; a concurrent sender finds them
claimed; a sender that died leaves claims that expire after the lease
(REMINDER_CLAIM_LEASE_MINUTES), and the next sweep sends them.

A sender may outlive its lease (a slow mail server, a paused process), and a second sender
then claims the rows it has not sent yet. So before each e-mail a sender locks that e-mail's
rows, keeps only those its claim still holds, sends, and marks them sent before releasing the
lock; claims skip locked rows. Two senders never both send a row, a claim never waits for
(nor deadlocks with) a sender, and a failure while marking rows sent is logged and the sweep
goes on with the next e-mail. A long sweep renews its claim every half lease.
"""

import datetime
import logging
import uuid
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection, transaction
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

    def row_count(self):
        """How many outbox rows the e-mail was made from."""
        return len(self.rows)


def record(model, rows):
    """Record the rows owed; those already recorded (same unique key) are left as they are."""
    model.objects.bulk_create(rows, ignore_conflicts=True)


def lease():
    """How long a claim holds rows for its sender."""
    return datetime.timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES)


def claimable(now):
    """Unclaimed rows, or rows whose claim is older than the lease (a dead sender's)."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())


def claim(eligible, *, now):
    """Claim every claimable unsent row of the queryset `eligible` for one sender; return its
    token, or None when there was nothing to claim.

    The conditions on the row itself stay in the UPDATE's own WHERE clause (the others go in
    a subquery), so that PostgreSQL re-checks them against a row another sender has just
    claimed, and two senders never both claim it. Rows another sender holds locked (while it
    sends them) are skipped rather than waited for: a claim never takes part in a deadlock, so
    the rows it locks need no order (Django would otherwise keep the model's ordering in the
    locking subquery and sort every claimable row).
    """
    token = uuid.uuid4()
    model = eligible.model
    free = (
        model.objects.filter(pk__in=eligible.values("pk"), sent_at__isnull=True)
        .filter(claimable(now))
        .select_for_update(skip_locked=True)
        .order_by()
        .values("pk")
    )
    with transaction.atomic():
        _claims_one_at_a_time(model)
        claimed = (
            model.objects.filter(pk__in=free, sent_at__isnull=True)
            .filter(claimable(now))
            .update(claimed_at=now, claim_token=token)
        )
    return token if claimed else None


def _claims_one_at_a_time(model):
    """Make concurrent claims on the model's rows wait for each other (until the end of the
    transaction). Claims skip locked rows, so two claims running at once would otherwise each
    take part of the rows, and a recipient would get two e-mails for one sweep."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(model._meta.db_table.encode())]
            )


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


def send(eligible, *, rows, deliveries, context):
    """Claim the `eligible` rows, read the claimed ones through `rows` (a queryset of the same
    model that loads what the e-mails show), make them into e-mails with `deliveries(list of
    rows)`, and send each as its template rendered with `context(delivery)`.

    Returns the deliveries sent. Each e-mail lists only the rows the claim still holds when it
    is sent (none: it is not sent), and is sent while they are locked. A failed e-mail releases
    its rows' claim so that the next sweep sends them; a failure of the database while sending
    one is logged and the sweep goes on with the next.
    """
    claimed_at = timezone.now()
    token = claim(eligible, now=claimed_at)
    if token is None:
        return []
    model = eligible.model
    sent = []
    for delivery in deliveries(list(rows.filter(claim_token=token))):
        try:
            if timezone.now() - claimed_at > lease() / 2:
                # A long sweep keeps the rows it has yet to send rather than leave them to
                # another sender (which would send each once all the same).
                claimed_at = timezone.now()
                model.objects.filter(claim_token=token, sent_at__isnull=True).update(
                    claimed_at=claimed_at
                )
            with transaction.atomic():
                held = _hold(model, token, delivery)
                if len(held) < delivery.row_count():
                    # Another sender took some of the e-mail's rows over: it sends those, and
                    # this e-mail lists only the rest.
                    delivery = _remade(rows, held, deliveries)
                if _send_held(model, held, delivery, context):
                    sent.append(delivery)
        except DatabaseError:
            logger.exception("sending to %s failed in the database; going on", delivery.recipient)
    return sent


def _hold(model, token, delivery):
    """Lock the delivery's rows that `token` still holds until the end of the transaction
    (claims skip locked rows), so that no other sender can take them over meanwhile; return
    their ids."""
    return list(
        model.objects.filter(delivery.selector(), claim_token=token, sent_at__isnull=True)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )


def _remade(rows, held, deliveries):
    remade = deliveries(list(rows.filter(pk__in=held))) if held else []
    return remade[0] if remade else None


def _send_held(model, held, delivery, context):
    """Send the delivery made of the `held` rows and mark them sent; on failure release them."""
    if delivery is None:
        logger.warning("the rows of an e-mail went to another sender")
        return False
    mine = model.objects.filter(pk__in=held)
    try:
        message = render_email(delivery.email, context(delivery), to=[delivery.recipient])
        message.send()
    except Exception:
        logger.exception("e-mail to %s failed; it goes again", delivery.recipient)
        mine.update(claimed_at=None, claim_token=None)
        return False
    mine.update(sent_at=timezone.now())
    return True


def pending(eligible):
    """Whether rows of `eligible` are still unsent (claimed or not): a sweep that leaves some
    is run again later (see the tasks)."""
    return eligible.filter(sent_at__isnull=True).exists()


def planned(owed, *, recorded, keys, waiting):
    """What a sweep would send, without writing or sending anything: the rows `owed` that are
    not yet `recorded` (a queryset, compared on `keys`), and the recorded rows `waiting` to be
    sent that no live sender holds."""
    known = set(recorded.values_list(*keys))
    new = [row for row in owed if tuple(getattr(row, k) for k in keys) not in known]
    return new, list(waiting.filter(claimable(timezone.now())))
