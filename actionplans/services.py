from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import ActionItem, ProgressUpdate
from .tasks import notify_progress_posted


@transaction.atomic
def progress_update_post(*, item, user, status, narrative, percent_complete=None, evidence=None):
    """Record a progress update and bring the item's status and percent to it, atomically.

    Only the Secretariat and focal points of a responsible state may post. A missing percent
    takes the status's default; a completed item is 100%. The Secretariat is told by e-mail.
    """
    item = ActionItem.objects.visible_to(user).select_for_update().filter(pk=item.pk).first()
    if item is None:
        raise PermissionDenied("Only focal points of a responsible state can post progress.")
    if percent_complete is None:
        percent_complete = item.percent_for_status(status)
    update = ProgressUpdate(
        item=item,
        author=user,
        status=status,
        percent_complete=percent_complete,
        narrative=narrative,
    )
    if evidence:
        update.evidence = evidence
        update.evidence_name = evidence.name[:200]
    update.full_clean(exclude=["item", "author", "evidence"])
    update.save()
    item.status = status
    item.percent_complete = percent_complete
    item.full_clean(exclude=["plan", "lead_state", "outcome"])
    item.save(update_fields=["status", "percent_complete", "updated_at"])

    notify_progress_posted.delay_on_commit(update.pk)
    return update
