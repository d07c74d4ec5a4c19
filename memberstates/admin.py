from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from import_export import fields
from simple_history.admin import SimpleHistoryAdmin

from core.importexport import (
    AllOrNothingImportExportAdmin,
    NaturalKeyWidget,
    StrictModelResource,
)

from .models import FocalPoint, MemberState, MoU, MoUAccession, SMEBody


class SMEBodyInline(admin.TabularInline):
    model = SMEBody
    extra = 0
    fields = ["acronym", "name", "parent_ministry", "website"]


@admin.register(MemberState)
class MemberStateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "iso_code", "joined_on", "sme_body_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SMEBodyInline]

    def get_queryset(self, request):
        # Grouped queries drop Meta.ordering; autocomplete pages need an order.
        return (
            super()
            .get_queryset(request)
            .annotate(sme_body_count=Count("sme_bodies"))
            .order_by(*MemberState._meta.ordering)
        )

    @admin.display(description="SME bodies", ordering="sme_body_count")
    def sme_body_count(self, state):
        return state.sme_body_count


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    fields = ["full_name", "job_title", "email", "phone", "role", "is_active", "user"]
    autocomplete_fields = ["user"]


@admin.register(SMEBody)
class SMEBodyAdmin(SimpleHistoryAdmin):
    list_display = ["acronym", "name", "state", "parent_ministry"]
    list_filter = ["state"]
    list_select_related = ["state"]
    search_fields = ["acronym", "name", "state__name"]
    autocomplete_fields = ["state"]
    inlines = [FocalPointInline]


class FocalPointResource(StrictModelResource):
    """Focal points in CSV/XLSX, keyed by e-mail address; the body by its acronym."""

    body = fields.Field(
        attribute="body",
        column_name="body",
        widget=NaturalKeyWidget(SMEBody, field="acronym"),
    )

    class Meta:
        model = FocalPoint
        fields = ["email", "full_name", "body", "job_title", "phone", "role", "is_active"]
        import_id_fields = ["email"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("body")


@admin.register(FocalPoint)
class FocalPointAdmin(AllOrNothingImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [FocalPointResource]
    list_display = ["full_name", "body", "state", "role", "email", "phone", "is_active"]
    list_filter = ["role", "is_active", "body__state"]
    list_select_related = ["body__state"]
    search_fields = ["full_name", "email", "body__acronym", "body__state__name"]
    autocomplete_fields = ["body", "user"]

    @admin.display(description="member state", ordering="body__state__name")
    def state(self, focal_point):
        return focal_point.body.state


class MoUAccessionInline(admin.TabularInline):
    model = MoUAccession
    extra = 0
    fields = ["state", "status", "signed_on", "in_force_on", "notes"]
    autocomplete_fields = ["state"]


@admin.register(MoU)
class MoUAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "title", "concluded_on", "place", "adherence"]
    search_fields = ["short_name", "title"]
    date_hierarchy = "concluded_on"
    inlines = [MoUAccessionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_adherence().order_by(*MoU._meta.ordering)

    @admin.display(description="adherence (signed or in force)")
    def adherence(self, mou):
        return f"{mou.adherent_count} of {mou.state_count}"

    def get_urls(self):
        matrix = path(
            "accession-matrix/",
            self.admin_site.admin_view(self.accession_matrix_view),
            name="memberstates_mou_accession_matrix",
        )
        return [matrix, *super().get_urls()]

    def accession_matrix_view(self, request):
        """Member state × MoU: each state's accession status and dates, and adherence."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        states = list(MemberState.objects.all())
        mous = list(MoU.objects.with_adherence())
        accessions = {(a.state_id, a.mou_id): a for a in MoUAccession.objects.all()}
        rows = [
            (state, [(mou, accessions.get((state.pk, mou.pk))) for mou in mous]) for state in states
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "MoU accession by member state",
            "opts": self.opts,
            "mous": mous,
            "rows": rows,
            "state_count": len(states),
        }
        return TemplateResponse(request, "admin/memberstates/mou/accession_matrix.html", context)


@admin.register(MoUAccession)
class MoUAccessionAdmin(SimpleHistoryAdmin):
    list_display = ["state", "mou", "status", "signed_on", "in_force_on"]
    list_filter = ["mou", "status", "state"]
    list_select_related = ["state", "mou"]
    search_fields = ["state__name", "mou__short_name", "mou__title"]
    autocomplete_fields = ["state", "mou"]
    date_hierarchy = "signed_on"
