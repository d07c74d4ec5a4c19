"""The outcome report of a meeting: HTML from a template, PDF by WeasyPrint, kept in storage.

A report shows what the meeting page shows its reader, so there is one per audience
(MeetingReport.Audience): visitors get it without the delegates' names. Every change to
the records a report shows renews the meeting's fingerprint in the same transaction and
queues one background render (see apps.py and actionplans/apps.py); a stored report is
current while it carries the fingerprint and no item it shows has fallen overdue since, so
serving it renders nothing. A report is dated by its data: the last change it shows.
"""

import datetime
import logging
import uuid
import zoneinfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.clock import secretariat_today
from core.mail import absolute_url
from core.pdf import render_pdf

from .models import (
    Attendance,
    Meeting,
    MeetingReport,
    MeetingReportFingerprint,
    Outcome,
    report_upload_to,
)

TEMPLATE = "reports/meeting_report.html"
# The annex names this many of a plan's overdue items, the longest overdue first.
OVERDUE_LISTED_PER_PLAN = 10
Audience = MeetingReport.Audience

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


def _secretariat_date(instant):
    return instant.astimezone(zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE)).date()


def _dates(changed_on, items, today):
    """The report's date and the last day it stays current, from the items it shows.

    An item falling overdue changes the report without any record changing: the report is
    dated by the latest such day that has passed, and is current until the next one.
    """
    report_date, current_through = changed_on, None
    for item in items:
        if item.status in item.CLOSED_STATUSES:
            continue
        if item.due_date < today:
            report_date = max(report_date, item.due_date + datetime.timedelta(days=1))
        elif current_through is None or item.due_date < current_through:
            current_through = item.due_date
    return min(report_date, today), current_through


def meeting_report_context(meeting, *, audience=Audience.SIGNED_IN, changed_at=None, today=None):
    """Everything the report template shows, read in a fixed number of queries."""
    today = today or secretariat_today()
    meeting = _meeting_with_records(meeting.pk, meeting.outcomes_are_published)
    outcomes = list(meeting.outcomes.all())
    plans = _open_plans(meeting)
    action_items = [item for outcome in outcomes for item in outcome.action_items.all()]
    shown = [*action_items, *(item for plan in plans for item in plan.items.all())]
    changed_on = _secretariat_date(changed_at) if changed_at else today
    report_date, current_through = _dates(changed_on, shown, today)
    return {
        "meeting": meeting,
        "is_draft": not meeting.outcomes_are_published,
        "show_delegates": audience == Audience.SIGNED_IN,
        "report_date": report_date,
        "current_through": current_through,
        "agenda": list(meeting.agenda_items.all()),
        "attendances": list(meeting.attendances.all()),
        "outcomes": outcomes,
        "action_items": action_items,
        "annex": [_annex_entry(plan, today) for plan in plans],
        "today": today,
    }


def _annex_entry(plan, today):
    """A plan's line in the annex: its progress, how many items are overdue and the longest
    overdue of them (the plan's page lists them all)."""
    overdue = sorted(plan.overdue_items(today), key=lambda item: (item.due_date, item.reference))
    return {
        "plan": plan,
        "plan_url": absolute_url(plan.get_absolute_url()),
        "progress": plan.progress(),
        "overdue_count": len(overdue),
        "overdue": overdue[:OVERDUE_LISTED_PER_PLAN],
        "not_listed": max(len(overdue) - OVERDUE_LISTED_PER_PLAN, 0),
    }


def meeting_report_html(meeting, *, audience=Audience.SIGNED_IN, changed_at=None, today=None):
    context = meeting_report_context(meeting, audience=audience, changed_at=changed_at, today=today)
    return render_to_string(TEMPLATE, context)


def _new_fingerprint(meeting_id):
    return MeetingReportFingerprint(
        meeting_id=meeting_id, fingerprint=uuid.uuid4().hex, changed_at=timezone.now()
    )


def _fingerprint_renew(meeting_id):
    """The meeting's records changed: one upsert, in the caller's transaction."""
    MeetingReportFingerprint.objects.bulk_create(
        [_new_fingerprint(meeting_id)],
        update_conflicts=True,
        unique_fields=["meeting"],
        update_fields=["fingerprint", "changed_at"],
    )


def _fingerprint_of(meeting):
    """The meeting's fingerprint; a meeting loaded without signals (fixtures) gets one now."""
    found = MeetingReportFingerprint.objects.filter(meeting=meeting).first()
    if found is None:
        MeetingReportFingerprint.objects.bulk_create(
            [_new_fingerprint(meeting.pk)], ignore_conflicts=True
        )
        found = MeetingReportFingerprint.objects.get(meeting=meeting)
    return found


def meeting_report_audiences(meeting):
    """The audiences that may download the meeting's report: before publication, only the
    Secretariat (signed in)."""
    if meeting.outcomes_are_published:
        return [Audience.SIGNED_IN, Audience.PUBLIC]
    return [Audience.SIGNED_IN]


def meeting_report_render(*, meeting, audience=Audience.SIGNED_IN):
    """Render the meeting's report for one audience to PDF and store it, replacing the one
    stored before."""
    # The fingerprint is read before the records: a change made meanwhile renews it, and the
    # report stored here is then stale (and rendered again for that change).
    fingerprint = _fingerprint_of(meeting)
    meeting = Meeting.objects.get(pk=meeting.pk)  # published or not, as of now
    context = meeting_report_context(meeting, audience=audience, changed_at=fingerprint.changed_at)
    rendered = render_pdf(render_to_string(TEMPLATE, context))
    name = default_storage.save(report_upload_to(None, "report.pdf"), ContentFile(rendered.content))
    with transaction.atomic():
        previous = (
            MeetingReport.objects.select_for_update()
            .filter(meeting=meeting, audience=audience)
            .first()
        )
        report, _ = MeetingReport.objects.update_or_create(
            meeting=meeting,
            audience=audience,
            defaults={
                "file": name,
                "fingerprint": fingerprint.fingerprint,
                "is_draft": context["is_draft"],
                "page_count": rendered.page_count,
                "rendered_at": timezone.now(),
                "report_date": context["report_date"],
                "current_through": context["current_through"],
            },
        )
        MeetingReportFingerprint.objects.filter(meeting=meeting).update(render_requested_at=None)
        if previous is not None:
            old_name = previous.file.name
            transaction.on_commit(lambda: default_storage.delete(old_name))
    return report


def meeting_report_stored(*, audience, meeting=None, slug=None, today=None):
    """The stored report of the meeting (or the meeting with the slug) for the audience if it
    is current; else None. One query, with the meeting; renders nothing."""
    today = today or secretariat_today()
    of_meeting = {"meeting": meeting} if meeting is not None else {"meeting__slug": slug}
    report = (
        MeetingReport.objects.select_related("meeting__task_force")
        .filter(
            **of_meeting,
            audience=audience,
            fingerprint=F("meeting__report_fingerprint__fingerprint"),
        )
        .filter(Q(current_through__isnull=True) | Q(current_through__gte=today))
        .first()
    )
    if report is None or not default_storage.exists(report.file.name):
        return None
    return report


def meeting_report_current(*, meeting, audience=Audience.SIGNED_IN):
    """The stored report if it is current; else one rendered now (in a worker or a command)."""
    report = meeting_report_stored(meeting=meeting, audience=audience)
    if report is not None:
        return report
    return meeting_report_render(meeting=meeting, audience=audience)


def meeting_reports_overtaken(today):
    """Meetings with a stored report that an item falling overdue has made stale."""
    stale = MeetingReport.objects.filter(current_through__lt=today).values("meeting")
    return Meeting.objects.filter(pk__in=stale).order_by("start_date", "pk")


def daily_meeting_reports_run(today):
    """Queue a render of each report an item falling overdue has made stale, so that readers
    get a stored one; lines for the sweep command."""
    lines = []
    for meeting in meeting_reports_overtaken(today):
        meeting_report_schedule(meeting.pk, records_changed=False)
        lines.append(f"Queued a render of the outcome report of {meeting}: an item fell overdue")
    return lines


def daily_meeting_reports_plan(today):
    return [
        f"Would queue a render of the outcome report of {meeting}: an item fell overdue"
        for meeting in meeting_reports_overtaken(today)
    ]


def meeting_report_request(*, meeting):
    """A reader found no current report: queue a render, unless one was asked for lately
    and has not finished (many readers waiting queue one render)."""
    now = timezone.now()
    _fingerprint_of(meeting)
    asked = (
        MeetingReportFingerprint.objects.filter(meeting=meeting)
        .filter(
            Q(render_requested_at__isnull=True)
            | Q(render_requested_at__lt=now - datetime.timedelta(seconds=_render_lease()))
        )
        .update(render_requested_at=now)
    )
    if asked:
        meeting_report_schedule(meeting.pk, records_changed=False)
    return bool(asked)


def _render_lease():
    # A render is stopped after PDF_RENDER_TIMEOUT; one asked for and not done by twice that
    # was lost (a worker died): a reader may ask again.
    return 2 * settings.PDF_RENDER_TIMEOUT


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


def meeting_report_schedule(meeting_id, *, records_changed=True):
    """Queue a background render of the report after the current transaction commits.

    `records_changed` (the default, for the signal handlers) also renews the meeting's
    fingerprint in this transaction, so the stored reports stop being served as current.
    Saving a meeting with its outcomes touches many rows; one render per meeting is enough,
    so a meeting already queued in this transaction is not queued again.
    `records_changed=False` is a reader asking for a render of unchanged records.
    """
    if meeting_id is None:
        return
    if records_changed:
        # Renewed at every change (one UPDATE), even when the render is queued already: a
        # report rendered earlier in this transaction must not be taken as current.
        _fingerprint_renew(meeting_id)
        pending = connection.run_on_commit if connection.in_atomic_block else []
        if any(getattr(func, "meeting_id", None) == meeting_id for _, func, _ in pending):
            return
    # else a reader asking for a render, never in a transaction with changes: always queued.
    # Robust: a failed render is logged and must not fail the change that caused it.
    transaction.on_commit(_RenderAfterCommit(meeting_id), robust=True)
