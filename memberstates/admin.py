from django.contrib import admin

from .models import FocalPoint, MemberState, MoU, MoUAccession, SMEBody


class SMEBodyInline(admin.TabularInline):
    model = SMEBody
    extra = 0


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso_code", "joined_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SMEBodyInline]


@admin.register(SMEBody)
class SMEBodyAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "state"]
    list_filter = ["state"]
    list_select_related = ["state"]
    search_fields = ["acronym", "name"]


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ["full_name", "body", "role", "email", "is_active"]
    list_filter = ["role", "is_active", "body__state"]
    list_select_related = ["body__state"]
    search_fields = ["full_name", "email", "body__acronym"]
    raw_id_fields = ["user"]


class MoUAccessionInline(admin.TabularInline):
    model = MoUAccession
    extra = 0


@admin.register(MoU)
class MoUAdmin(admin.ModelAdmin):
    list_display = ["short_name", "title", "concluded_on"]
    search_fields = ["short_name", "title"]
    inlines = [MoUAccessionInline]


@admin.register(MoUAccession)
class MoUAccessionAdmin(admin.ModelAdmin):
    list_display = ["state", "mou", "status", "signed_on", "in_force_on"]
    list_filter = ["mou", "status"]
    list_select_related = ["state", "mou"]
