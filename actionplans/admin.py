from django.contrib import admin

from .models import ActionItem, ActionPlan, ProgressUpdate, Reminder


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["reference", "title", "lead_state", "due_date", "status", "percent_complete"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "proposed_by", "status"]
    list_filter = ["status"]
    list_select_related = ["proposed_by"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "lead_state", "due_date", "status", "percent_complete"]
    list_filter = ["status", "plan", "lead_state"]
    list_select_related = ["lead_state"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["supporting_states"]
    raw_id_fields = ["outcome"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["item", "percent_complete", "status", "author", "created_at"]
    list_select_related = ["item", "author"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["item", "recipient", "kind", "step", "due_date", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["item"]
    search_fields = ["item__reference", "recipient"]
