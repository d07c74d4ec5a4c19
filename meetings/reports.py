"""The outcome report of a meeting: HTML from a template, PDF by WeasyPrint, kept in storage.

The stored PDF is reused while the HTML it was rendered from is unchanged: rendering the HTML
is cheap, so its SHA-256 is the test. Changes to the meeting's records schedule a background
render (see apps.py) so that a download rarely has to wait for one.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from core.clock import secretariat_today
from core.pdf import render_pdf

from .models import Attendance, Meeting, MeetingReport, Outcome, report_upload_to

TEMPLATE = "reports/meeting_report.html"

logger = logging.getLogger(__name__)


def _meeting_with_records(meeting_id, published):
    outcomes = Outcome.objects.select_related("corrects")
    if published:
        # Corrections drafted after publication stay out until they are published too.
        outcomes = outcomes.filter(status=Outcome.Status.FINAL)
    # Upper records (action items and plans) come through reverse relations only.
    return (
        Meeting.objects.select_related("host_state", "host_body", "task_force")
        .prefetch_related(
            "agenda_items",
            Prefetch("attendances", queryset=Attendance.objects.select_related("state")),
            Prefetch("outcomes", queryset=outcomes),
            "outcomes__action_items__lead_state",
            "outcomes__action_items__supporting_states",
            "outcomes__action_items__plan__items__lead_state",
            "tabled_action_plans__items__lead_state",
            "adopted_action_plans__items__lead_state",
        )
        .get(pk=meeting_id)
    )


def _open_plans(meeting):
    """Open plans tabled or adopted at the meeting, or with items arising from its outcomes."""
    plans = {}
    for plan in [*meeting.tabled_action_plans.all(), *meeting.adopted_action_plans.all()]:
        plans.setdefault(plan.pk, plan)
    for outcome in meeting.outcomes.all():
        for item in outcome.action_items.all():
            plans.setdefault(item.plan_id, item.plan)
    return sorted((p for p in plans.values() if p.is_open), key=lambda p: p.title)


def meeting_report_context(meeting, *, today=None):
    """Everything the report template shows, read in a fixed number of queries."""
    today = today or secretariat_today()
    meeting = _meeting_with_records(meeting.pk, meeting.outcomes_are_published)
    outcomes = list(meeting.outcomes.all())
    annex = [
        {"plan": plan, "progress": plan.progress(), "overdue": plan.overdue_items(today)}
        for plan in _open_plans(meeting)
    ]
    return {
        "meeting": meeting,
        "is_draft": not meeting.outcomes_are_published,
        "report_date": today,
        "agenda": list(meeting.agenda_items.all()),
        "attendances": list(meeting.attendances.all()),
        "outcomes": outcomes,
        "action_items": [item for outcome in outcomes for item in outcome.action_items.all()],
        "annex": annex,
        "today": today,
    }


def meeting_report_html(meeting, *, today=None):
    return render_to_string(TEMPLATE, meeting_report_context(meeting, today=today))


def fingerprint(html):
    return hashlib.sha256(html.encode()).hexdigest()


def meeting_report_render(*, meeting, html=None):
    """Render the meeting's report to PDF and store it, replacing the one stored before."""
    html = html if html is not None else meeting_report_html(meeting)
    rendered = render_pdf(html)
    name = default_storage.save(report_upload_to(None, "report.pdf"), ContentFile(rendered.content))
    with transaction.atomic():
        previous = MeetingReport.objects.select_for_update().filter(meeting=meeting).first()
        report, _ = MeetingReport.objects.update_or_create(
            meeting=meeting,
            defaults={
                "file": name,
                "fingerprint": fingerprint(html),
                "is_draft": not meeting.outcomes_are_published,
                "page_count": rendered.page_count,
                "rendered_at": timezone.now(),
            },
        )
        if previous is not None:
            old_name = previous.file.name
            transaction.on_commit(lambda: default_storage.delete(old_name))
    return report


def meeting_report_current(*, meeting):
    """The stored report if it matches the meeting's records as they are now; else a new one."""
    html = meeting_report_html(meeting)
    report = MeetingReport.objects.filter(meeting=meeting).first()
    if (
        report is not None
        and report.fingerprint == fingerprint(html)
        and default_storage.exists(report.file.name)
    ):
        return report
    return meeting_report_render(meeting=meeting, html=html)


class _RenderAfterCommit:
    """An on-commit callback that knows its meeting, so one is queued per meeting.

    It never fails the change that caused it: with the broker down (or hung, up to the broker
    timeouts) the render is not queued, which is logged; the report is rendered when next
    asked for, since the stored one no longer matches the records.
    """

    def __init__(self, meeting_id):
        self.meeting_id = meeting_id
        self.__qualname__ = f"render the report of meeting {meeting_id}"  # for Django's log

    def __call__(self):
        from .tasks import render_meeting_report

        try:
            render_meeting_report.delay(self.meeting_id)
        except Exception:  # any broker or transport error, or the eager render's own
            logger.exception("queueing the render of meeting %s failed", self.meeting_id)


def meeting_report_schedule(meeting_id):
    """Queue a background render of the report after the current transaction commits.

    Saving a meeting with its outcomes touches many rows; one render per meeting is enough,
    so a meeting already queued in this transaction is not queued again.
    """
    if meeting_id is None:
        return
    pending = connection.run_on_commit if connection.in_atomic_block else []
    if any(getattr(func, "meeting_id", None) == meeting_id for _, func, _ in pending):
        return
    # Robust: a failed render is logged and must not fail the change that caused it.
    transaction.on_commit(_RenderAfterCommit(meeting_id), robust=True)
