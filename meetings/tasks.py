from celery import shared_task
from django.conf import settings

from .models import Meeting
from .reports import meeting_report_current


@shared_task(time_limit=settings.PDF_RENDER_TIMEOUT + 30)
def render_meeting_report(meeting_id):
    """Bring the stored outcome report of a meeting up to date with its records."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return
    meeting_report_current(meeting=meeting)
