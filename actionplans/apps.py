from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _forget_plans_progress():
    from django.core.cache import cache

    from .models import OPEN_PLANS_PROGRESS

    cache.delete(OPEN_PLANS_PROGRESS)


def _render_meeting_reports(plan_id, outcome_id=None):
    from meetings.models import Outcome
    from meetings.reports import meeting_report_schedule

    from .models import ActionPlan

    meeting_ids = ActionPlan.meetings_reporting(plan_id)
    if outcome_id:
        meeting_ids.update(Outcome.objects.filter(pk=outcome_id).values_list("meeting", flat=True))
    for meeting_id in sorted(meeting_ids):
        meeting_report_schedule(meeting_id)


def _plan_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _forget_plans_progress()
        _render_meeting_reports(instance.pk)


def _item_changed(sender, instance, raw=False, **kwargs):
    # Ids only: on a cascading delete the plan row may already be gone.
    if not raw:
        _forget_plans_progress()
        _render_meeting_reports(instance.plan_id, instance.outcome_id)


def _item_states_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and hasattr(instance, "plan_id"):
        _item_changed(sender, instance)


class ActionPlansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self):
        from core import daily, deadlines

        from .models import ActionItem, ActionPlan
        from .services import daily_reminders_plan, daily_reminders_run, item_deadlines

        daily.register("deadline reminders", run=daily_reminders_run, plan=daily_reminders_plan)
        deadlines.register("action items", item_deadlines)

        # Meeting outcome reports list action items and annex the plans' status: a change
        # renders the reports concerned again in the background (meetings cannot import us).
        post_save.connect(_plan_changed, sender=ActionPlan, dispatch_uid="report-plan-save")
        post_save.connect(_item_changed, sender=ActionItem, dispatch_uid="report-item-save")
        post_delete.connect(_item_changed, sender=ActionItem, dispatch_uid="report-item-delete")
        m2m_changed.connect(
            _item_states_changed,
            sender=ActionItem.supporting_states.through,
            dispatch_uid="report-item-states",
        )

        # Focal points of the states made responsible for new items hear of them once.
        from core.queue import enqueue_on_commit
        from meetings.models import outcomes_published

        from .tasks import send_publication_notices

        def notify_focal_points(sender, *, outcomes, **kwargs):
            if outcomes:
                enqueue_on_commit(send_publication_notices, [o.pk for o in outcomes])

        outcomes_published.connect(
            notify_focal_points, weak=False, dispatch_uid="actionplans.publication_notices"
        )
