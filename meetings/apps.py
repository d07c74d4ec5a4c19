from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _schedule_report(sender, instance, raw=False, origin=None, **kwargs):
    from .models import Meeting
    from .reports import meeting_report_schedule

    if raw:  # fixtures being loaded
        return
    meeting_id = instance.pk if sender is Meeting else instance.meeting_id
    if isinstance(origin, Meeting) and origin.pk == meeting_id:
        return  # the meeting itself is being deleted: it has no report left to render
    meeting_report_schedule(meeting_id)


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from core import daily

        from .models import AgendaItem, Attendance, Meeting, Outcome
        from .reports import daily_meeting_reports_plan, daily_meeting_reports_run

        daily.register(
            "meeting reports", run=daily_meeting_reports_run, plan=daily_meeting_reports_plan
        )

        # A change to what the outcome report shows renders it again in the background.
        # Publishing saves the meeting (its publication date), which is one such change.
        for model in (Meeting, AgendaItem, Attendance, Outcome):
            uid = f"meeting-report-{model.__name__}"
            post_save.connect(_schedule_report, sender=model, dispatch_uid=f"{uid}-save")
            if model is not Meeting:
                post_delete.connect(_schedule_report, sender=model, dispatch_uid=f"{uid}-delete")
