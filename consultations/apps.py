from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Written consultations"

    def ready(self):
        from core import daily, deadlines

        from .services import (
            consultation_deadlines,
            daily_consultations_plan,
            daily_consultations_run,
        )

        daily.register("consultations", run=daily_consultations_run, plan=daily_consultations_plan)
        deadlines.register("consultations", consultation_deadlines)
