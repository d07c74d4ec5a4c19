"""The Secretariat's dashboard on the admin index: what needs attention today."""

from actionplans.models import ActionItem, ProgressUpdate
from consultations.models import Consultation
from core.clock import secretariat_today
from core.db import counts_by
from knowledge.models import BestPractice
from meetings.models import Meeting
from memberstates.models import MemberState, MoU

# Everything the dashboard shows; staff without these permissions see the plain index.
DASHBOARD_PERMISSIONS = [
    "actionplans.view_actionitem",
    "actionplans.view_progressupdate",
    "consultations.view_consultation",
    "meetings.view_meeting",
    "memberstates.view_mou",
    "knowledge.view_bestpractice",
]
LATEST_UPDATES = 10
UPCOMING_MEETINGS = 10
# The dashboard names this many items or practices of each list; the admin lists have the rest.
LONGEST_OVERDUE = 10
DUE_SOON_SHOWN = 20
PRACTICES_SHOWN = 10


def secretariat_dashboard(today=None):
    """Overdue items counted per responsible state with the longest overdue named, items due
    soon, meetings ahead, open consultations, MoU adherence, best practices awaiting publication
    and the latest progress updates. Lists are cut short with their totals, and the number of
    queries does not grow with the records."""
    today = today or secretariat_today()
    items = ActionItem.objects.select_related("lead_state", "plan").prefetch_related(
        "supporting_states"
    )
    overdue = ActionItem.objects.overdue(today).order_by()
    due_soon = items.due_within(30, today).order_by("due_date", "pk")
    practices = BestPractice.objects.filter(status=BestPractice.Status.SUBMITTED)
    return {
        "today": today,
        "overdue_count": overdue.count(),
        "overdue_by_state": _overdue_by_state(overdue),
        "longest_overdue": list(items.overdue(today).order_by("due_date", "pk")[:LONGEST_OVERDUE]),
        "due_soon_count": due_soon.count(),
        "due_soon": list(due_soon[:DUE_SOON_SHOWN]),
        "upcoming_meetings": list(
            Meeting.objects.upcoming(today).select_related("host_state", "task_force")[
                :UPCOMING_MEETINGS
            ]
        ),
        "open_consultations": list(Consultation.objects.open().with_counts().order_by("deadline")),
        "mous": list(MoU.objects.with_adherence()),
        "practices_to_review_count": practices.count(),
        "practices_to_review": list(
            practices.without_vector()
            .select_related("state")
            .order_by("submitted_at", "pk")[:PRACTICES_SHOWN]
        ),
        "latest_updates": list(
            ProgressUpdate.objects.select_related("item", "author")[:LATEST_UPDATES]
        ),
    }


def _overdue_by_state(overdue):
    """[(state, overdue items it leads, overdue items it supports)] for the states with any, by
    name: two grouped counts."""
    led = counts_by(overdue, "lead_state")
    supported = counts_by(overdue, "supporting_states")
    return [
        (state, led.get(state.pk, 0), supported.get(state.pk, 0))
        for state in MemberState.objects.filter(pk__in={*led, *supported}).order_by("name")
    ]
