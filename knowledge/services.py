from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.queue import enqueue_on_commit
from core.uploads import upload_name
from memberstates.models import MemberState

from .models import BestPractice, BestPracticeAttachment, ExchangeRequest, InvalidTransition
from .tasks import notify_exchange_answered, notify_exchange_requested


def _attach(practice, *, user, upload):
    return BestPracticeAttachment.objects.create(
        practice=practice, file=upload, name=upload_name(upload.name), uploaded_by=user
    )


@transaction.atomic
def best_practice_save(*, form, user, submit=False):
    """Save a focal point's practice from its form, new or still editable, with the attachment
    uploaded beside it; submit it to the Secretariat when asked. Returns the practice.

    The practice is re-read under lock, so one the Secretariat has just taken up for review
    (or one of another state, whatever the form says) is never written.
    """
    practice = form.instance
    if practice.pk is not None:
        locked = BestPractice.objects.editable_by(user).select_for_update().filter(pk=practice.pk)
        if not locked.exists():
            raise InvalidTransition("This practice is with the Secretariat and cannot be changed.")
    if not practice.state.has_focal_point(user):
        raise PermissionDenied("Only the state's focal points write its practices.")
    if practice.pk is None:
        practice.created_by = user
    practice._history_user = user
    practice = form.save()
    if upload := form.cleaned_data.get("attachment"):
        _attach(practice, user=user, upload=upload)
    if submit:
        practice.submit(by=user)
    return practice


def best_practice_submit(*, practice, user):
    """A focal point hands their state's draft or returned practice to the Secretariat."""
    if not practice.state.has_focal_point(user):
        raise PermissionDenied("Only the state's focal points submit its practices.")
    practice.submit(by=user)
    return practice


@transaction.atomic
def attachment_remove(*, attachment, user):
    """Remove an attachment of a practice the focal point may still edit, file included."""
    editable = BestPractice.objects.editable_by(user).select_for_update()
    if not editable.filter(pk=attachment.practice_id).exists():
        raise InvalidTransition("Attachments can only be removed while the practice is editable.")
    attachment._history_user = user
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def _requesting_state(practice, user):
    return MemberState.objects.of_focal_point(user).exclude(pk=practice.state_id).first()


def may_ask_for_exchange(practice, user):
    """A signed-in focal point of another state, about a published practice."""
    return (
        practice.status == BestPractice.Status.PUBLISHED
        and _requesting_state(practice, user) is not None
    )


@transaction.atomic
def exchange_request_create(*, practice, user, message):
    """A focal point asks the owners of a published practice for an exchange; the owning
    state's focal points are told by e-mail. Returns the request."""
    practice = BestPractice.objects.published().filter(pk=practice.pk).first()
    if practice is None:
        raise PermissionDenied("Exchanges are asked on published practices.")
    state = _requesting_state(practice, user)
    if state is None:
        raise PermissionDenied("Only focal points of another member state can ask for this.")
    exchange = ExchangeRequest(
        practice=practice, requesting_state=state, requested_by=user, message=message.strip()
    )
    exchange.full_clean()
    try:
        with transaction.atomic():
            exchange.save()
    except IntegrityError as exc:  # a request made at the same moment by a colleague
        raise ValidationError("Your state already has an open request on this practice.") from exc
    enqueue_on_commit(notify_exchange_requested, exchange.pk)
    return exchange


def _locked(exchange):
    return (
        ExchangeRequest.objects.select_for_update().select_related("practice").get(pk=exchange.pk)
    )


@transaction.atomic
def exchange_request_reply(*, exchange, user, reply):
    """A focal point of the owning state answers an open request; the asker is told."""
    exchange = _locked(exchange)
    if not exchange.practice.state.has_focal_point(user):
        raise PermissionDenied("Only the owning state's focal points answer a request.")
    if exchange.status != ExchangeRequest.Status.OPEN:
        raise InvalidTransition("This request has already been answered or closed.")
    exchange.reply = reply.strip()
    exchange.replied_by = user
    exchange.replied_at = timezone.now()
    exchange.status = ExchangeRequest.Status.ANSWERED
    exchange.full_clean()
    exchange._history_user = user
    exchange.save()
    enqueue_on_commit(notify_exchange_answered, exchange.pk)
    return exchange


def may_close_exchange(exchange, user):
    if exchange.status == ExchangeRequest.Status.CLOSED:
        return False
    return ExchangeRequest.objects.visible_to(user).filter(pk=exchange.pk).exists()


@transaction.atomic
def exchange_request_close(*, exchange, user):
    """Either state's focal points, or the Secretariat, close a request."""
    exchange = _locked(exchange)
    if not may_close_exchange(exchange, user):
        raise InvalidTransition("This request is already closed.")
    exchange.status = ExchangeRequest.Status.CLOSED
    exchange.closed_at = timezone.now()
    exchange._history_user = user
    exchange.save(update_fields=["status", "closed_at"])
    return exchange
