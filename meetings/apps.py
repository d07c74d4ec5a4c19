from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _schedule_report(sender, instance, raw=False, **kwargs):
    from .reports import meeting_report_schedule

    if raw:  # fixtures being loaded
        return
    meeting_report_schedule(instance.pk if sender.__name__ == "Meeting" else instance.meeting_id)


def _schedule_report_on_publication(sender, meeting, **kwargs):
    from .reports import meeting_report_schedule

    meeting_report_schedule(meeting.pk)


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from .models import AgendaItem, Attendance, Meeting, Outcome, outcomes_published

        # A change to what the outcome report shows renders it again in the background.
        for model in (Meeting, AgendaItem, Attendance, Outcome):
            uid = f"meeting-report-{model.__name__}"
            post_save.connect(_schedule_report, sender=model, dispatch_uid=f"{uid}-save")
            if model is not Meeting:
                post_delete.connect(_schedule_report, sender=model, dispatch_uid=f"{uid}-delete")
        outcomes_published.connect(
            _schedule_report_on_publication, dispatch_uid="meeting-report-published"
        )
