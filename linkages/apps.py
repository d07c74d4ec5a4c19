from django.apps import AppConfig


class LinkagesConfig(AppConfig):
    name = "linkages"
    verbose_name = "Business linkages"

    def ready(self):
        from core import daily, deadlines

        from .services import daily_linkages_plan, daily_linkages_run, registration_deadlines

        daily.register("linkages", run=daily_linkages_run, plan=daily_linkages_plan)
        deadlines.register("linkages", registration_deadlines)
