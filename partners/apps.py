from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and agreements"

    def ready(self):
        from core import daily, deadlines

        from .services import agreement_deadlines, daily_agreements_plan, daily_agreements_run

        daily.register(
            "agreement expiry reminders", run=daily_agreements_run, plan=daily_agreements_plan
        )
        deadlines.register("agreements", agreement_deadlines)
