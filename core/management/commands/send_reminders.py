import datetime

from django.core.management.base import BaseCommand, CommandError

from core import daily
from core.clock import secretariat_today


class Command(BaseCommand):
    help = (
        "Run the daily work now: e-mail focal points about due and overdue action items and "
        "escalate overdue ones to the Secretariat; close consultations past their deadline and "
        "remind the states that have not answered; and the other apps' daily work. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Sweep as on this date (YYYY-MM-DD) instead of the Secretariat's today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would receive what; record and send nothing.",
        )

    def handle(self, *args, date, dry_run, **options):
        today = self.parse_date(date) if date else secretariat_today()
        lines = []
        for work in daily.registered():
            lines += (work.plan if dry_run else work.run)(today)
        for line in lines:
            self.stdout.write(line)
        if not lines:
            self.stdout.write(f"Nothing to send on {today:%Y-%m-%d}.")

    def parse_date(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from None
