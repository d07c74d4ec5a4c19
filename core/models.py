from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """One e-mail owed to one recipient, sent exactly once (see core.outbox).

    A concrete outbox adds its own `kind` choices, what the e-mail is about, and a unique
    constraint over everything that makes two rows the same e-mail: a second sweep then finds
    the rows already recorded, and a sender claims rows before it sends them.
    """

    recipient = models.EmailField()
    kind = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    # A sender claims a row before sending; a claim older than the lease is a dead sender's.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["kind", "claimed_at"],
                condition=Q(sent_at__isnull=True),
                name="%(class)s_unsent",
            ),
            models.Index(fields=["claim_token"], name="%(class)s_claim_token"),
        ]
