import datetime

from django.core.management.base import BaseCommand, CommandError

from actionplans.consultations import consultation_sweep, consultation_sweep_planned
from actionplans.services import reminder_sweep, reminders_planned
from d8portal.clock import secretariat_today


class Command(BaseCommand):
    help = (
        "Run the daily sweep now: e-mail focal points about due and overdue action items and "
        "escalate overdue ones to the Secretariat; close consultations past their deadline and "
        "remind the states that have not answered. Safe to run again."
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
        if dry_run:
            deliveries = reminders_planned(today=today)
            consultations = consultation_sweep_planned(today=today)
            verb = "would send"
        else:
            deliveries = reminder_sweep(today=today)
            consultations = consultation_sweep(today=today)
            verb = "sent"
        for delivery in deliveries:
            references = ", ".join(item.reference for item in delivery.items)
            self.stdout.write(f"{verb} {delivery.email} to {delivery.recipient}: {references}")
        for consultation in consultations.closed:
            if dry_run:
                self.stdout.write(f"would close consultation “{consultation}”")
            else:
                result = consultation.get_result_display().lower()
                self.stdout.write(f"closed consultation “{consultation}”: {result}")
        for delivery in consultations.deliveries:
            titles = ", ".join(str(c) for c in delivery.consultations)
            self.stdout.write(f"{verb} {delivery.email} to {delivery.recipient}: {titles}")
        if not (deliveries or consultations.closed or consultations.deliveries):
            self.stdout.write(f"Nothing to send on {today:%Y-%m-%d}.")

    def parse_date(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from None
