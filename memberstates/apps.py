from django.apps import AppConfig


class MemberStatesConfig(AppConfig):
    name = "memberstates"
    verbose_name = "Member states"
