from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "SME statistics"

    def ready(self):
        from core import daily, deadlines

        from .services import daily_data_calls_plan, daily_data_calls_run, data_call_deadlines

        daily.register("data calls", run=daily_data_calls_run, plan=daily_data_calls_plan)
        deadlines.register("data calls", data_call_deadlines)
