from django.contrib import admin

from .models import AgendaItem, Attendance, Document, Meeting, Outcome


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fk_name = "meeting"
    raw_id_fields = ["corrects"]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "start_date", "format", "host_state", "status"]
    list_filter = ["kind", "status", "format", "host_state"]
    list_select_related = ["host_state", "task_force"]
    search_fields = ["title", "city"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["kind", "number"]}
    inlines = [AgendaItemInline, AttendanceInline, OutcomeInline, DocumentInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "title"]
    list_select_related = ["meeting__task_force"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "state", "status"]
    list_filter = ["status", "state"]
    list_select_related = ["meeting__task_force", "state"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "kind", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["meeting__task_force"]
    search_fields = ["text"]
    raw_id_fields = ["corrects"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["meeting__task_force"]
