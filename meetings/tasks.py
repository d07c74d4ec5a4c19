from celery import shared_task
from django.conf import settings

from core.clock import secretariat_today

from .models import Meeting
from .reports import (
    daily_meeting_reports_run,
    meeting_report_audiences,
    meeting_report_current,
    meeting_report_render,
)


# The render itself is killed at PDF_RENDER_TIMEOUT (core.pdf); the limits bound the rest
# (reading the records, storing the file) and each audience's render in turn.
@shared_task(
    soft_time_limit=2 * settings.PDF_RENDER_TIMEOUT + 30,
    time_limit=2 * settings.PDF_RENDER_TIMEOUT + 60,
)
def render_meeting_report(meeting_id, force=False):
    """Bring the stored outcome reports of a meeting up to date with its records.

    `force` renders them anew even when the records have not changed (new template or fonts,
    a stored file lost).
    """
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return
    for audience in meeting_report_audiences(meeting):
        if force:
            meeting_report_render(meeting=meeting, audience=audience)
        else:
            meeting_report_current(meeting=meeting, audience=audience)


@shared_task(time_limit=60)
def refresh_meeting_reports():
    """Run by beat: queue renders of the reports that items falling overdue have made stale."""
    daily_meeting_reports_run(secretariat_today())
