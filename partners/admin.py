from django.contrib import admin
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, TooLargeUploadsAdminMixin

from .models import Activity, Agreement, AgreementNotice, Partner, PartnerMeeting
from .services import agreement_plan_ensure

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class AgreementResource(resources.ModelResource):
    """Agreements for the Secretariat's spreadsheet; user text never runs as a formula."""

    state = fields.Field(attribute="body__state__name", column_name="member state")
    body = fields.Field(attribute="body__acronym", column_name="SME governmental body")
    partner = fields.Field(attribute="partner__name", column_name="partner")
    kind = fields.Field(attribute="get_kind_display", column_name="kind")
    status = fields.Field(attribute="get_status_display", column_name="status")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "kind",
            "state",
            "body",
            "partner",
            "status",
            "signed_on",
            "in_force_on",
            "valid_until",
            "automatic_renewal",
            "is_published",
            "is_illustrative",
        ]
        export_order = fields

    def export_field(self, field, instance, **kwargs):
        return neutralised(super().export_field(field, instance, **kwargs))

    def get_queryset(self):
        return Agreement.objects.with_parties()


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Agreement)
class AgreementAdmin(TooLargeUploadsAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [AgreementResource]
    formats = [CSV, XLSX]
    list_display = ["title", "kind", "body", "partner", "status", "signed_on", "valid_until"]
    list_filter = ["kind", "status", "body__state"]
    search_fields = ["title", "partner__name", "body__acronym"]
    list_select_related = ["body__state", "partner"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["text_name"]
    raw_id_fields = ["plan", "mou"]

    def save_model(self, request, obj, form, change):
        if "text" in form.changed_data and obj.text:
            obj.text_name = obj.text.name[:200]
        super().save_model(request, obj, form, change)
        agreement_plan_ensure(agreement=obj)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "responsible", "start_date", "is_published"]
    list_filter = ["kind", "responsible", "is_published"]
    search_fields = ["item__title", "item__reference"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]


@admin.register(PartnerMeeting)
class PartnerMeetingAdmin(admin.ModelAdmin):
    list_display = ["meeting", "partner"]
    list_select_related = ["meeting", "partner"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["meeting"]


@admin.register(AgreementNotice)
class AgreementNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "recipient", "step", "valid_until", "sent_at"]
    list_select_related = ["agreement"]
