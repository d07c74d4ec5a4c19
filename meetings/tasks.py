from celery import shared_task
from django.conf import settings

from .models import Meeting
from .reports import meeting_report_current, meeting_report_render


@shared_task(time_limit=settings.PDF_RENDER_TIMEOUT + 30)
def render_meeting_report(meeting_id, force=False):
    """Bring the stored outcome report of a meeting up to date with its records.

    `force` renders it anew even when the records have not changed (new template or fonts,
    a stored file lost).
    """
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return
    if force:
        meeting_report_render(meeting=meeting)
    else:
        meeting_report_current(meeting=meeting)
