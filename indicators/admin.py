from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .models import (
    DataCall,
    DataCallNotice,
    DataCallSubmission,
    Indicator,
    IndicatorValue,
    NationalDefinition,
    Target,
)
from .services import value_publish, value_return, value_validate


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "pillar", "level", "direction", "position"]
    list_filter = ["pillar", "level", "unit"]
    search_fields = ["code", "name"]
    list_editable = ["position"]


@admin.register(NationalDefinition)
class NationalDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["state", "year_adopted", "max_employees", "max_turnover", "is_illustrative"]
    list_filter = ["is_illustrative", "state"]
    list_select_related = ["state"]


class SubmissionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DataCallSubmission
    fields = ["state", "submitted_by", "submitted_at"]
    readonly_fields = fields
    extra = 0


@admin.register(DataCall)
class DataCallAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "reference_year", "deadline", "status", "opened_at"]
    list_filter = ["status"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["opened_by", "opened_at"]
    fields = ["reference_year", "indicators", "deadline", "status", "opened_by", "opened_at"]
    inlines = [SubmissionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What the state should check or correct; its focal points see it on the grid.",
    )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "scope", "year", "value", "status", "flags_text", "updated_at"]
    list_filter = ["status", "year", "indicator", "state", "is_illustrative"]
    list_select_related = ["indicator", "state"]
    search_fields = ["indicator__code", "indicator__name", "state__name"]
    readonly_fields = [
        "status",
        "return_comment",
        "returned_at",
        "submitted_by",
        "submitted_at",
        "validated_by",
        "validated_at",
        "published_at",
    ]
    actions = ["validate", "return_to_states", "publish"]

    @admin.display(description="flags")
    def flags_text(self, value):
        return ", ".join(value.flags)

    def get_readonly_fields(self, request, obj=None):
        # A state's figure is the state's: the Secretariat reviews it through the actions.
        if obj is not None and obj.state_id is not None:
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        # The D-8's own figures (intra-D-8 trade) are the Secretariat's to keep and publish.
        return [name for name in self.readonly_fields if name != "status"]

    def _each(self, request, queryset, step, done):
        changed = 0
        for value in queryset.select_related("indicator", "state"):
            try:
                step(value)
            except ValidationError as exc:
                self.message_user(request, f"{value}: {exc.messages[0]}", messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} value(s) {done}.", messages.SUCCESS)

    @admin.action(description="Validate the selected submitted values", permissions=["change"])
    def validate(self, request, queryset):
        self._each(
            request, queryset, lambda v: value_validate(value=v, user=request.user), "validated"
        )

    @admin.action(description="Publish the selected validated values", permissions=["change"])
    def publish(self, request, queryset):
        self._each(
            request, queryset, lambda v: value_publish(value=v, user=request.user), "published"
        )

    @admin.action(
        description="Return the selected values to their states with a comment",
        permissions=["change"],
    )
    def return_to_states(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            comment = form.cleaned_data["comment"]
            self._each(
                request,
                queryset,
                lambda v: value_return(value=v, user=request.user, comment=comment),
                "returned to their states",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Return values to their states",
            "opts": self.model._meta,
            "values": queryset.select_related("indicator", "state"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/indicators/indicatorvalue/return_form.html", context
        )


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["title", "indicator", "baseline_year", "target_year"]
    list_select_related = ["indicator"]


@admin.register(DataCallNotice)
class DataCallNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["data_call", "state", "recipient", "step", "deadline", "sent_at"]
    list_filter = ["step", "state"]
    list_select_related = ["data_call", "state"]
