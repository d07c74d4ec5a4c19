from celery import shared_task
from django.conf import settings

from d8portal.mail import render_email

from .models import ProgressUpdate


@shared_task
def notify_progress_posted(update_id):
    """Tell the Secretariat that a focal point posted progress on an item."""
    update = (
        ProgressUpdate.objects.select_related("item__plan", "item__lead_state", "author")
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        return
    render_email(
        "progress-posted",
        {"update": update, "item": update.item},
        to=[settings.SECRETARIAT_EMAIL],
    ).send()
