"""The Secretariat's dashboard on the admin index: what needs attention today."""

from actionplans.models import ActionItem, ProgressUpdate
from consultations.models import Consultation
from core.clock import secretariat_today
from knowledge.models import BestPractice
from meetings.models import Meeting
from memberstates.models import MoU

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


def secretariat_dashboard(today=None):
    """Overdue items by responsible state, items due soon, meetings ahead, open consultations,
    MoU adherence, best practices awaiting publication and the latest progress updates."""
    today = today or secretariat_today()
    items = ActionItem.objects.select_related("lead_state", "plan").prefetch_related(
        "supporting_states"
    )
    overdue = list(items.overdue(today))
    by_state = {}
    for item in overdue:
        for state in item.responsible_states():
            by_state.setdefault(state, []).append(item)
    return {
        "today": today,
        "overdue_count": len(overdue),
        "overdue_by_state": sorted(by_state.items(), key=lambda pair: pair[0].name),
        "due_soon": list(items.due_within(30, today)),
        "upcoming_meetings": list(
            Meeting.objects.upcoming(today).select_related("host_state", "task_force")[
                :UPCOMING_MEETINGS
            ]
        ),
        "open_consultations": list(Consultation.objects.open().with_counts().order_by("deadline")),
        "mous": list(MoU.objects.with_adherence()),
        "practices_to_review": list(
            BestPractice.objects.filter(status=BestPractice.Status.SUBMITTED)
            .without_vector()
            .select_related("state")
            .order_by("submitted_at", "pk")
        ),
        "latest_updates": list(
            ProgressUpdate.objects.select_related("item", "author")[:LATEST_UPDATES]
        ),
    }
