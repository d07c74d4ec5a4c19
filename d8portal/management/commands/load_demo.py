from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from d8portal.demo import demo_usernames, load_demo


class Command(BaseCommand):
    help = "Load the D-8 demo data (member states, meetings, action plans, demo accounts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the records only, without the demo accounts (allowed with DEBUG off).",
        )

    def handle(self, *args, no_accounts, **options):
        if not no_accounts and not settings.DEBUG:
            raise CommandError("refusing to create demo accounts with DEBUG off; use --no-accounts")
        created = load_demo(with_accounts=not no_accounts)
        if created:
            summary = ", ".join(f"{n} {label}" for label, n in created.items())
            self.stdout.write(f"Created {summary}.")
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
        if not no_accounts:
            self.stdout.write(
                f"Demo logins (password: {settings.DEMO_PASSWORD}): {', '.join(demo_usernames())}"
            )
