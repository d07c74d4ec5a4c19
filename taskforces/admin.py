from django.contrib import admin

from .models import TaskForce


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "status"]
    list_filter = ["status"]
    search_fields = ["name"]
    filter_horizontal = ["coordinators"]
    prepopulated_fields = {"slug": ["name"]}
