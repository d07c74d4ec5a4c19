from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import TaskForce


@admin.register(TaskForce)
class TaskForceAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "coordinator_names", "status", "tor_approved_on"]
    list_display_links = ["number", "name"]
    list_filter = ["status", "coordinators"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["coordinators"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "tor_approved_on"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("coordinators")

    @admin.display(description="coordinators")
    def coordinator_names(self, task_force):
        return ", ".join(state.name for state in task_force.coordinators.all()) or "—"
