from django.core.management.base import BaseCommand, CommandError

from meetings.models import Meeting, MeetingReport
from meetings.reports import meeting_report_current


class Command(BaseCommand):
    help = "Write the outcome report of a meeting (by id or slug) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("meeting", help="The meeting's id or slug.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--public",
            action="store_true",
            help="The visitors' report (without the delegates' names) instead of the full one.",
        )

    def handle(self, *args, meeting, output, public, **options):
        lookup = {"pk": int(meeting)} if meeting.isdigit() else {"slug": meeting}
        found = Meeting.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(f"No meeting with the id or slug {meeting!r}.")
        audience = MeetingReport.Audience.PUBLIC if public else MeetingReport.Audience.SIGNED_IN
        report = meeting_report_current(meeting=found, audience=audience)
        try:
            with open(output, "wb") as target, report.file.open("rb") as source:
                target.write(source.read())
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        draft = " (draft)" if report.is_draft else ""
        self.stdout.write(
            f"Wrote the {report.page_count}-page report{draft} of {found} to {output}"
        )
