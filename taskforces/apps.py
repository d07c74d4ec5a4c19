from django.apps import AppConfig


class TaskForcesConfig(AppConfig):
    name = "taskforces"
    verbose_name = "Task forces"
