"""The progress report of an action plan, rendered by the same PDF machinery as meetings'.

The progress report shows what the plan's page shows the reader: every item's summary
(states, due date, status, percent) is public; the progress history and narratives only for
the items the reader may see (ActionItem.objects.visible_to).
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string

from core.clock import secretariat_today
from core.mail import absolute_url
from core.pdf import render_pdf

from .models import ActionItem, ActionPlan, ProgressUpdate

TEMPLATE = "reports/action_plan_report.html"


# The report shows this many of an item's latest updates; the item's page has its history.
UPDATES_PER_ITEM = 5


def action_plan_report_context(plan, *, user, today=None):
    today = today or secretariat_today()
    plan = (
        ActionPlan.objects.with_progress()
        .select_related("proposed_by", "tabled_at__task_force", "adopted_at__task_force")
        .get(pk=plan.pk)
    )
    visible = ActionItem.objects.visible_to(user).filter(plan=plan)
    items = list(
        plan.items.select_related("lead_state", "outcome__meeting__task_force").prefetch_related(
            "supporting_states",
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(item__in=visible),
                to_attr="visible_updates",
            ),
        )
    )
    visible_ids = visible.ids()
    for item in items:
        item.may_see_progress = item.pk in visible_ids
        item.latest_update = item.visible_updates[0] if item.visible_updates else None
        item.recent_updates = item.visible_updates[:UPDATES_PER_ITEM]
        item.url = absolute_url(item.get_absolute_url())
    return {
        "plan": plan,
        "items": items,
        "detailed": [item for item in items if item.may_see_progress],
        "overdue": [item for item in items if item.is_overdue(today)],
        "report_date": today,
        "today": today,
    }


def action_plan_report_render(*, plan, user):
    """Render the plan's progress report for this reader; returns a RenderedPDF."""
    return render_pdf(render_to_string(TEMPLATE, action_plan_report_context(plan, user=user)))
